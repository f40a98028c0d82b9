import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { OAuthError, type IssuedTokens } from '../oauth';
import type { Simulator } from '../simulator';
import { queryParam } from './respond';

/**
 * Asana's OAuth endpoints under /-/: authorize (approves at once as the configured person),
 * token (authorization_code with optional PKCE S256, refresh_token) and revoke.
 */
export function createOAuthRouter(sim: Simulator): Router {
  const router = express.Router();
  router.get('/oauth_authorize', (req, res) => authorize(sim, req, res));
  router.post('/oauth_token', express.urlencoded({ extended: false }), (req, res) => token(sim, req, res));
  router.post('/oauth_revoke', express.urlencoded({ extended: false }), (req, res) => revoke(sim, req, res));
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendOAuthError(res, new OAuthError(400, 'invalid_request', 'The request body could not be read.'), false);
      return;
    }
    sim.logger?.error({ err }, 'simulator OAuth endpoint failed');
    res.status(500).json({ error: 'server_error', error_description: 'Internal simulator error.' });
  });
  return router;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Errors that cannot be sent back to the client are shown to the person, never redirected. */
function errorPage(res: Response, message: string): void {
  res
    .status(400)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><html><head><title>Asana authorization error</title></head><body><h1>Authorization error</h1><p>${escapeHtml(message)}</p></body></html>`);
}

function authorize(sim: Simulator, req: Request, res: Response): void {
  const clientId = queryParam(req, 'client_id');
  const redirectUri = queryParam(req, 'redirect_uri');
  const app = clientId ? sim.oauth.findApp(clientId) : undefined;
  if (!app) {
    errorPage(res, `Unknown OAuth application (client_id ${clientId ?? 'missing'}). Register it first.`);
    return;
  }
  if (!redirectUri || !app.redirectUris.includes(redirectUri)) {
    errorPage(res, `The redirect_uri ${redirectUri ?? '(missing)'} is not registered for this application.`);
    return;
  }
  const state = queryParam(req, 'state');
  const redirectWith = (params: Record<string, string>): void => {
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    if (state !== undefined) target.searchParams.set('state', state);
    res.redirect(302, target.toString());
  };
  const fail = (error: string, description: string): void => redirectWith({ error, error_description: description });

  if (queryParam(req, 'response_type') !== 'code') {
    fail('unsupported_response_type', 'Only response_type=code (the authorization code grant) is supported.');
    return;
  }
  const challenge = queryParam(req, 'code_challenge');
  const method = queryParam(req, 'code_challenge_method');
  if (challenge !== undefined || method !== undefined) {
    if (method !== 'S256') {
      fail('invalid_request', 'code_challenge_method must be S256.');
      return;
    }
    if (challenge === undefined || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the code_verifier (43 characters).');
      return;
    }
  }
  if (sim.authorizeDenied()) {
    fail('access_denied', 'The user denied access to the application.');
    return;
  }
  const userGid = sim.authorizingUserGid();
  if (!sim.isCurrentMember(userGid)) {
    fail('access_denied', 'The approving user is no longer a member of the organization.');
    return;
  }
  const code = sim.oauth.issueCode({
    clientId: app.clientId,
    redirectUri,
    userGid,
    codeChallenge: challenge ?? null,
    scope: queryParam(req, 'scope') ?? 'default',
  });
  redirectWith({ code });
}

function formField(req: Request, name: string): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Client credentials from the form or from HTTP Basic (RFC 6749 2.3.1), but not conflicting. */
function clientCredentials(req: Request): { clientId: string | undefined; clientSecret: string | undefined; basic: boolean } {
  const header = req.get('authorization');
  const formId = formField(req, 'client_id');
  const formSecret = formField(req, 'client_secret');
  const match = header ? /^Basic\s+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return { clientId: formId, clientSecret: formSecret, basic: false };
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError(400, 'invalid_request', 'Malformed HTTP Basic credentials.');
  const clientId = safeDecode(decoded.slice(0, colon));
  const clientSecret = safeDecode(decoded.slice(colon + 1));
  if ((formId !== undefined && formId !== clientId) || formSecret !== undefined) {
    throw new OAuthError(400, 'invalid_request', 'Send client credentials either in the form or with HTTP Basic, not both.');
  }
  return { clientId, clientSecret, basic: true };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function sendOAuthError(res: Response, err: OAuthError, basic: boolean): void {
  if (err.status === 401 && basic) res.set('WWW-Authenticate', 'Basic realm="asana"');
  res.set('Cache-Control', 'no-store');
  res.status(err.status).json({ error: err.error, error_description: err.description });
}

function token(sim: Simulator, req: Request, res: Response): void {
  let basic = false;
  try {
    const credentials = clientCredentials(req);
    basic = credentials.basic;
    const grantType = formField(req, 'grant_type');
    if (!grantType) throw new OAuthError(400, 'invalid_request', 'grant_type is required (send an application/x-www-form-urlencoded body).');
    const app = sim.oauth.authenticateClient(credentials.clientId, credentials.clientSecret);
    const ttl = sim.faults.tokenTtlSeconds();
    const canAuthorize = (gid: string): boolean => sim.isCurrentMember(gid);
    let issued: IssuedTokens;
    if (grantType === 'authorization_code') {
      issued = sim.oauth.exchangeCode(
        app,
        { code: formField(req, 'code'), redirectUri: formField(req, 'redirect_uri'), codeVerifier: formField(req, 'code_verifier') },
        ttl,
        canAuthorize,
      );
    } else if (grantType === 'refresh_token') {
      issued = sim.oauth.refresh(app, formField(req, 'refresh_token'), ttl, canAuthorize);
    } else {
      throw new OAuthError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported; use authorization_code or refresh_token.`);
    }
    const user = sim.org.findByGid(issued.userGid);
    res.set('Cache-Control', 'no-store');
    res.status(200).json({
      access_token: issued.accessToken,
      token_type: 'bearer',
      expires_in: issued.expiresIn,
      ...(issued.refreshToken !== undefined ? { refresh_token: issued.refreshToken } : {}),
      data: { id: Number(issued.userGid), gid: issued.userGid, name: user?.name ?? '', email: user?.email ?? '' },
    });
  } catch (err) {
    if (err instanceof OAuthError) sendOAuthError(res, err, basic);
    else throw err;
  }
}

function revoke(sim: Simulator, req: Request, res: Response): void {
  let basic = false;
  try {
    const credentials = clientCredentials(req);
    basic = credentials.basic;
    const app = sim.oauth.authenticateClient(credentials.clientId, credentials.clientSecret);
    sim.oauth.revoke(app, formField(req, 'token'));
    res.status(200).end();
  } catch (err) {
    if (err instanceof OAuthError) sendOAuthError(res, err, basic);
    else throw err;
  }
}
