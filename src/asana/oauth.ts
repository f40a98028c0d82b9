// Asana's OAuth 2.0 authorization-code grant with PKCE (S256): the authorize URL, the code and
// refresh-token exchanges and revocation. Asana publishes fixed endpoints rather than discovery
// metadata, so these are plain form posts; the simulator is reached over plain http.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AsanaApiError, AsanaRateLimitError, AsanaUnavailableError, OAuthError } from './errors';
import { parseRetryAfter, send } from './http';
import { parseAsanaJson } from './envelope';
import type { TokenSet } from './types';

export interface OAuthRequestOptions {
  /** Origin such as https://app.asana.com; the OAuth endpoints live under `/-/`. */
  baseUrl: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** A fresh PKCE pair: keep `verifier` server-side, send `challenge` in the authorize URL. */
export function createPkce(): { verifier: string; challenge: string } {
  // 32 random bytes give the 43-character verifier RFC 7636 recommends.
  const verifier = base64url(randomBytes(32));
  const challenge = base64url(createHash('sha256').update(verifier).digest());
  return { verifier, challenge };
}

/** An unguessable, URL-safe `state` value (32 random bytes). */
export function createState(): string {
  return base64url(randomBytes(32));
}

export interface AuthorizeUrlParams {
  baseUrl: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  /** Space-separated scopes; omitted, Asana grants the app's default scope. */
  scope?: string;
}

export function buildAuthorizeUrl(p: AuthorizeUrlParams): string {
  const url = new URL(`${trimBase(p.baseUrl)}/-/oauth_authorize`);
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('state', p.state);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('code_challenge', p.codeChallenge);
  if (p.scope) url.searchParams.set('scope', p.scope);
  return url.toString();
}

export interface ExchangeCodeParams extends OAuthRequestOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  code: string;
  codeVerifier: string;
}

export async function exchangeCode(p: ExchangeCodeParams): Promise<TokenSet> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: p.clientId,
    client_secret: p.clientSecret,
    redirect_uri: p.redirectUri,
    code: p.code,
    code_verifier: p.codeVerifier,
  });
  const token = await postTokenEndpoint(p, form, 'authorization_code', [p.clientSecret, p.code, p.codeVerifier]);
  if (!token.refresh_token) {
    throw new OAuthError('invalid_response', undefined, 200, 'Asana issued no refresh token for the authorization code');
  }
  return toTokenSet(token, token.refresh_token);
}

export interface RefreshTokensParams extends OAuthRequestOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Asana's documentation lists the registered redirect URL for refreshes too; sent when known. */
  redirectUri?: string;
}

/**
 * Trades the refresh token for a new access token. Asana usually does not rotate refresh tokens, so
 * the old one is kept unless a new one comes back. `invalid_grant` (an `OAuthError`) means the grant
 * was revoked and only re-authorization helps.
 */
export async function refreshTokens(p: RefreshTokensParams): Promise<TokenSet> {
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: p.clientId,
    client_secret: p.clientSecret,
    refresh_token: p.refreshToken,
  });
  if (p.redirectUri) form.set('redirect_uri', p.redirectUri);
  const token = await postTokenEndpoint(p, form, 'refresh_token', [p.clientSecret, p.refreshToken]);
  return toTokenSet(token, token.refresh_token ?? p.refreshToken);
}

export interface RevokeTokenParams extends OAuthRequestOptions {
  clientId: string;
  clientSecret: string;
  /** A refresh token revokes the whole grant; an access token only itself. */
  token: string;
}

/** Revokes a token; one Asana no longer knows counts as revoked (RFC 7009 section 2.2). */
export async function revokeToken(p: RevokeTokenParams): Promise<void> {
  const form = new URLSearchParams({ client_id: p.clientId, client_secret: p.clientSecret, token: p.token });
  const res = await postForm(p, '/-/oauth_revoke', form, 'POST /-/oauth_revoke');
  if (res.status >= 200 && res.status < 300) return;
  const err = toOAuthFailure(res, 'token revocation', [p.clientSecret, p.token]);
  if (err instanceof OAuthError && (err.error === 'invalid_grant' || err.error === 'invalid_token')) return;
  throw err;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'token_type must be bearer'),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
  data: z.object({ gid: z.string(), name: z.string(), email: z.string() }).partial({ email: true, name: true }).optional(),
});
type TokenResponse = z.infer<typeof tokenResponseSchema>;

function toTokenSet(t: TokenResponse, refreshToken: string): TokenSet {
  const set: TokenSet = {
    accessToken: t.access_token,
    refreshToken,
    expiresAt: new Date(Date.now() + t.expires_in * 1000),
  };
  if (t.data) set.user = { gid: t.data.gid, name: t.data.name ?? '', email: t.data.email ?? '' };
  return set;
}

async function postTokenEndpoint(
  p: OAuthRequestOptions,
  form: URLSearchParams,
  grant: 'authorization_code' | 'refresh_token',
  secrets: string[],
): Promise<TokenResponse> {
  const what = `POST /-/oauth_token (${grant})`;
  const res = await postForm(p, '/-/oauth_token', form, what);
  if (res.status !== 200) throw toOAuthFailure(res, grant === 'refresh_token' ? 'token refresh' : 'code exchange', secrets);
  let json: unknown;
  try {
    json = parseAsanaJson(res.body);
  } catch {
    throw new AsanaUnavailableError(`${what}: Asana answered with a body that is not JSON`);
  }
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success) {
    // Only field paths are reported: the values are the credentials themselves.
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(body)'))].join(', ');
    throw new AsanaUnavailableError(`${what}: Asana's token answer is malformed (${fields})`);
  }
  return parsed.data;
}

function postForm(p: OAuthRequestOptions, path: string, form: URLSearchParams, what: string) {
  return send(
    `${trimBase(p.baseUrl)}${path}`,
    { method: 'POST', body: form, headers: { accept: 'application/json' } },
    { timeoutMs: p.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: p.signal, what },
  );
}

const oauthErrorSchema = z.object({ error: z.string().min(1), error_description: z.string().optional() });

function toOAuthFailure(
  res: { status: number; headers: Headers; body: string },
  operation: string,
  secrets: string[],
): Error {
  if (res.status === 429) return new AsanaRateLimitError(parseRetryAfter(res.headers.get('retry-after')));
  if (res.status >= 500) return new AsanaApiError(res.status, `Asana's ${operation} failed with HTTP ${res.status}`);
  let parsed: z.infer<typeof oauthErrorSchema> | undefined;
  try {
    parsed = oauthErrorSchema.parse(JSON.parse(res.body));
  } catch {
    parsed = undefined;
  }
  const error = parsed?.error ?? (res.status === 401 ? 'invalid_client' : 'invalid_request');
  const description = parsed?.error_description === undefined ? undefined : redact(parsed.error_description, secrets);
  const detail = description ? `: ${description}` : '';
  return new OAuthError(error, description, res.status, `Asana refused the ${operation} (${error})${detail}`);
}

/** Removes any credential we sent that a server might echo back in its description. */
function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}
