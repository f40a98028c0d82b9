import { Router, type Response } from 'express';
import type { ApiDeps } from '../deps';
import { conflict } from '../problem';
import { profileParam } from './params';
import { buildAuthorizeUrl, createPkce, createState, exchangeCode } from '../../asana/oauth';
import { getConnection, openConnectionSecrets, storeTokens } from '../../store/profiles';
import { consumeState, rememberState } from '../../store/profiles';
import { profileWorkflowId } from '../../profiles/types';
import { connectionChangedUpdate } from '../../workflows/profile/definitions';
import { appendAuditEvent } from '../../store/audit';

/** `GET /api/profiles/{id}/oauth/authorize`: sends the browser (or a JSON caller) to Asana's consent page. */
export function authorizeRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/profiles/:id/oauth/authorize', async (req, res) => {
    const profileId = await profileParam(deps.db, req);
    const connection = await getConnection(deps.db, profileId);
    if (!connection?.clientId || !connection.hasClientSecret) {
      throw conflict('The connection has no OAuth client ID and secret yet: PATCH connection.clientId and connection.clientSecret first.');
    }
    const state = createState();
    const pkce = createPkce();
    await rememberState(deps.db, deps.box, { state, profileId, codeVerifier: pkce.verifier, now: deps.now?.() ?? new Date() });
    const authorizeUrl = buildAuthorizeUrl({
      baseUrl: connection.baseUrl,
      clientId: connection.clientId,
      redirectUri: connection.redirectUrl,
      state,
      codeChallenge: pkce.challenge,
      scope: 'default',
    });
    if (req.accepts(['html', 'json']) === 'json') return res.json({ authorizeUrl });
    res.redirect(302, authorizeUrl);
  });
  return router;
}

/**
 * `GET /oauth_redirect` (and `/oauth_redirect.do`): where Asana sends the browser back. No bearer token here;
 * the single-use, expiring `state` binds the answer to the profile that asked.
 */
export function oauthRedirectRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get(['/oauth_redirect', '/oauth_redirect.do'], async (req, res) => {
    const code = typeof req.query.code === 'string' ? req.query.code : undefined;
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    const asanaError = typeof req.query.error === 'string' ? req.query.error : undefined;
    if (!state) return page(res, 400, 'Authorization failed', 'The redirect carries no state. Start the authorization again from the API.');
    const consumed = await consumeState(deps.db, deps.box, state, deps.now?.() ?? new Date());
    if (!consumed.ok) {
      const why = { unknown: 'is not one this service issued', used: 'was already used', expired: 'has expired' }[consumed.reason];
      return page(res, 400, 'Authorization failed', `This authorization link ${why}; nothing was changed. Start the authorization again from the API.`);
    }
    if (asanaError || !code) {
      return page(res, 400, 'Authorization was not granted', `Asana answered "${asanaError ?? 'no code'}"; nothing was changed. Start the authorization again to retry.`);
    }
    const { profileId } = consumed;
    const connection = await getConnection(deps.db, profileId);
    const secrets = await openConnectionSecrets(deps.db, deps.box, profileId);
    if (!connection || !secrets) return page(res, 409, 'Authorization failed', 'The profile\'s connection has no OAuth app any more; nothing was changed.');

    let tokens;
    try {
      tokens = await exchangeCode({
        baseUrl: connection.baseUrl,
        clientId: secrets.clientId,
        clientSecret: secrets.clientSecret,
        redirectUri: connection.redirectUrl,
        code,
        codeVerifier: consumed.codeVerifier,
      });
    } catch (err) {
      deps.logger.warn({ profileId, error: (err as Error).message }, 'OAuth code exchange failed');
      return page(res, 502, 'Authorization failed', `Asana did not accept the authorization code (${(err as Error).message}); nothing was changed. Start the authorization again.`);
    }
    const version = await deps.db.withTransaction((tx) =>
      storeTokens(tx, deps.box, profileId, tokens, { newGrant: { userGid: tokens.user?.gid ?? null, userName: tokens.user?.name ?? null } }),
    );
    await deps.temporal.workflow
      .getHandle(profileWorkflowId(profileId))
      .executeUpdate(connectionChangedUpdate, { args: [{ connectionVersion: version, authorized: true, reason: 'the connection was authorized again' }] });
    deps.logger.info({ profileId }, 'connection authorized');
    const user = tokens.user ? `${tokens.user.name ?? ''} (${tokens.user.gid})`.trim() : 'unknown user';
    await appendAuditEvent(deps.db, { actor: `oauth: ${user}`, action: 'connection.authorize', profileId, objectType: 'connection', objectId: profileId, after: { authorized: true, userGid: tokens.user?.gid ?? null } });
    if (req.accepts(['html', 'json']) === 'json') return res.json({ profileId, authorized: true });
    return page(res, 200, 'Connected to Asana', 'The profile is authorized: validate it next.', `/profiles/${profileId}`);
  });
  return router;
}

/** The page the browser lands on; with `back`, it returns to that page of the console after a moment (and links it). */
function page(res: Response, status: number, title: string, message: string, back?: string): void {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const refresh = back ? `<meta http-equiv="refresh" content="1;url=${escape(back)}">` : '';
  const link = back ? `<p><a href="${escape(back)}">Back to the profile in the console</a></p>` : '<p><a href="/">Open the console</a></p>';
  res
    .status(status)
    .type('html')
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8">${refresh}<title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(message)}</p>${link}</body></html>`);
}
