import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from './time';
import { MINUTE_MS } from './time';
import type { AppInput, AppSummary, TokenKind } from './types';

/** An OAuth2 error as the token and revoke endpoints report it (RFC 6749 section 5.2). */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type',
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

interface App extends AppSummary {
  clientSecret: string;
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  userGid: string;
  codeChallenge: string | null;
  scope: string;
  expiresAt: number;
  used: boolean;
  grantId: number | null;
}

export interface Grant {
  id: number;
  clientId: string;
  userGid: string;
  scope: string;
  revoked: boolean;
}

export interface AccessToken {
  id: number;
  hint: string;
  /** OAuth (from a grant), a personal access token, or a Service Account's token. */
  kind: TokenKind;
  grantId: number | null;
  userGid: string;
  expiresAt: number;
  revoked: boolean;
}

export interface IssuedTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
  userGid: string;
}

export type TokenCheck = { ok: true; token: AccessToken } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

const CODE_TTL_MS = 10 * MINUTE_MS;

/** Tokens are kept by hash only, so the simulator's memory never holds a usable credential map. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A short, non-secret name for a token: the first 8 hex digits of its SHA-256. */
export function tokenHint(token: string): string {
  return hashToken(token).slice(0, 8);
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Asana's OAuth server: registered apps, authorization codes (single use, 10 minutes, PKCE S256),
 * grants with one long-lived refresh token each, and expiring access tokens.
 */
export class OAuthServer {
  private readonly apps = new Map<string, App>();
  private readonly codes = new Map<string, AuthCode>();
  private readonly grants = new Map<number, Grant>();
  private readonly refreshTokens = new Map<string, number>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private nextGrantId = 1;
  private nextTokenId = 1;

  constructor(private readonly clock: Clock) {}

  registerApp(input: AppInput): AppSummary {
    const app: App = {
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      redirectUris: [...input.redirectUris],
      name: input.name ?? input.clientId,
    };
    this.apps.set(app.clientId, app);
    return summary(app);
  }

  listApps(): AppSummary[] {
    return [...this.apps.values()].map(summary);
  }

  findApp(clientId: string): AppSummary | undefined {
    const app = this.apps.get(clientId);
    return app ? summary(app) : undefined;
  }

  issueCode(input: { clientId: string; redirectUri: string; userGid: string; codeChallenge: string | null; scope: string }): string {
    const code = newSecret();
    this.codes.set(hashToken(code), { ...input, expiresAt: this.clock() + CODE_TTL_MS, used: false, grantId: null });
    return code;
  }

  authenticateClient(clientId: string | undefined, clientSecret: string | undefined): AppSummary {
    if (!clientId) throw new OAuthError(401, 'invalid_client', 'client_id is required (form field or HTTP Basic).');
    const app = this.apps.get(clientId);
    if (!app || clientSecret === undefined || clientSecret !== app.clientSecret) {
      throw new OAuthError(401, 'invalid_client', 'Unknown client or wrong client secret.');
    }
    return summary(app);
  }

  exchangeCode(
    app: AppSummary,
    input: { code?: string; redirectUri?: string; codeVerifier?: string },
    ttlSeconds: number,
    userCanAuthorize: (userGid: string) => boolean,
  ): IssuedTokens {
    if (!input.code) throw new OAuthError(400, 'invalid_request', 'code is required.');
    if (!input.redirectUri) throw new OAuthError(400, 'invalid_request', 'redirect_uri is required.');
    const record = this.codes.get(hashToken(input.code));
    if (!record || record.clientId !== app.clientId) {
      throw new OAuthError(400, 'invalid_grant', 'The authorization code is invalid.');
    }
    if (record.used) {
      // RFC 6749 4.1.2: a replayed code revokes what it was exchanged for.
      if (record.grantId !== null) this.revokeGrant(record.grantId);
      throw new OAuthError(400, 'invalid_grant', 'The authorization code has already been used.');
    }
    if (record.expiresAt <= this.clock()) throw new OAuthError(400, 'invalid_grant', 'The authorization code has expired.');
    if (record.redirectUri !== input.redirectUri) {
      throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match the one used to authorize.');
    }
    if (record.codeChallenge !== null) {
      if (!input.codeVerifier) throw new OAuthError(400, 'invalid_request', 'code_verifier is required (PKCE).');
      const computed = createHash('sha256').update(input.codeVerifier).digest('base64url');
      if (computed !== record.codeChallenge) throw new OAuthError(400, 'invalid_grant', 'code_verifier does not match code_challenge.');
    }
    record.used = true;
    if (!userCanAuthorize(record.userGid)) {
      throw new OAuthError(400, 'invalid_grant', 'The authorizing user is no longer a member of the organization.');
    }
    const grant: Grant = { id: this.nextGrantId++, clientId: app.clientId, userGid: record.userGid, scope: record.scope, revoked: false };
    this.grants.set(grant.id, grant);
    record.grantId = grant.id;
    const refreshToken = newSecret();
    this.refreshTokens.set(hashToken(refreshToken), grant.id);
    const accessToken = this.issueAccessToken(grant.userGid, grant.id, ttlSeconds);
    return { accessToken, expiresIn: ttlSeconds, refreshToken, userGid: grant.userGid };
  }

  refresh(app: AppSummary, refreshToken: string | undefined, ttlSeconds: number, userCanAuthorize: (userGid: string) => boolean): IssuedTokens {
    if (!refreshToken) throw new OAuthError(400, 'invalid_request', 'refresh_token is required.');
    const grant = this.grantOfRefreshToken(refreshToken);
    if (!grant || grant.clientId !== app.clientId) throw new OAuthError(400, 'invalid_grant', 'The refresh token is invalid.');
    if (grant.revoked) throw new OAuthError(400, 'invalid_grant', 'The refresh token has been revoked.');
    if (!userCanAuthorize(grant.userGid)) {
      this.revokeGrant(grant.id);
      throw new OAuthError(400, 'invalid_grant', 'The authorizing user is no longer a member of the organization.');
    }
    const accessToken = this.issueAccessToken(grant.userGid, grant.id, ttlSeconds);
    return { accessToken, expiresIn: ttlSeconds, userGid: grant.userGid };
  }

  /** Revokes a refresh token and every access token of its grant. Unknown tokens are ignored (RFC 7009). */
  revoke(app: AppSummary, token: string | undefined): void {
    if (!token) throw new OAuthError(400, 'invalid_request', 'token is required.');
    if (this.accessTokens.has(hashToken(token))) {
      throw new OAuthError(400, 'invalid_request', 'Only refresh tokens can be revoked; access tokens are rejected.');
    }
    const grant = this.grantOfRefreshToken(token);
    if (!grant) return;
    if (grant.clientId !== app.clientId) throw new OAuthError(400, 'invalid_request', 'The token was issued to another client.');
    this.revokeGrant(grant.id);
  }

  issueAccessToken(userGid: string, grantId: number | null, ttlSeconds: number, kind: TokenKind = grantId === null ? 'personal_access_token' : 'oauth'): string {
    const token = newSecret();
    this.accessTokens.set(hashToken(token), {
      id: this.nextTokenId++,
      hint: tokenHint(token),
      kind,
      grantId,
      userGid,
      expiresAt: this.clock() + ttlSeconds * 1000,
      revoked: false,
    });
    return token;
  }

  checkAccessToken(token: string): TokenCheck {
    const record = this.accessTokens.get(hashToken(token));
    if (!record) return { ok: false, reason: 'unknown' };
    const grant = record.grantId === null ? undefined : this.grants.get(record.grantId);
    if (record.revoked || grant?.revoked) return { ok: false, reason: 'revoked' };
    if (record.expiresAt <= this.clock()) return { ok: false, reason: 'expired' };
    return { ok: true, token: record };
  }

  grantOf(token: AccessToken): Grant | undefined {
    return token.grantId === null ? undefined : this.grants.get(token.grantId);
  }

  revokeEverything(): void {
    for (const grant of this.grants.values()) grant.revoked = true;
    for (const token of this.accessTokens.values()) token.revoked = true;
  }

  expireAccessTokens(): void {
    const now = this.clock();
    for (const token of this.accessTokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
  }

  /** A person who left loses every grant and token they had. */
  revokeUser(userGid: string): void {
    for (const grant of this.grants.values()) if (grant.userGid === userGid) grant.revoked = true;
    for (const token of this.accessTokens.values()) if (token.userGid === userGid) token.revoked = true;
  }

  /** A new organization: grants, codes and tokens of the old one's people are gone; apps stay. */
  resetGrants(): void {
    this.codes.clear();
    this.grants.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
  }

  stats(): { activeGrants: number; activeAccessTokens: number } {
    const now = this.clock();
    let activeGrants = 0;
    for (const g of this.grants.values()) if (!g.revoked) activeGrants++;
    let activeAccessTokens = 0;
    for (const t of this.accessTokens.values()) {
      const grant = t.grantId === null ? undefined : this.grants.get(t.grantId);
      if (!t.revoked && !grant?.revoked && t.expiresAt > now) activeAccessTokens++;
    }
    return { activeGrants, activeAccessTokens };
  }

  private grantOfRefreshToken(token: string): Grant | undefined {
    const id = this.refreshTokens.get(hashToken(token));
    return id === undefined ? undefined : this.grants.get(id);
  }

  private revokeGrant(id: number): void {
    const grant = this.grants.get(id);
    if (!grant) return;
    grant.revoked = true;
    for (const token of this.accessTokens.values()) if (token.grantId === id) token.revoked = true;
  }
}

function summary(app: App): AppSummary {
  return { clientId: app.clientId, name: app.name, redirectUris: [...app.redirectUris] };
}
