import type { Db } from '../db/pool';
import type { SecretBox } from '../secrets/secretBox';
import type { TokenProvider } from '../asana/client';
import { refreshTokens } from '../asana/oauth';
import { AsanaAuthError } from '../asana/errors';
import { openConnectionSecrets, sealedAccessToken, storeTokens } from '../store/profiles';

// Refresh just before Asana would refuse the token, to spare a 401 round trip (short enough for short-lived tokens).
const EARLY_REFRESH_MS = 5_000;

/**
 * Tokens of one profile's connection, kept sealed in PostgreSQL. A refresh takes the connection row's lock,
 * so two activities (or two workers) that see the same expired token refresh it once: the second finds a
 * newer token already stored and uses it.
 */
export function createDbTokenProvider(deps: { db: Db; box: SecretBox; profileId: string; baseUrl: string; now?: () => number }): TokenProvider {
  const { db, box, profileId, baseUrl } = deps;
  const now = deps.now ?? Date.now;
  // The token in hand, kept for this provider's life (one activity) until it nears expiry: a page walk
  // need not read and decrypt it before every request.
  let cached: { token: string; expiresAt: number } | null = null;

  async function refreshAccessToken(rejected: string): Promise<string> {
    cached = null;
    return db.withTransaction(async (tx) => {
      const secrets = await openConnectionSecrets(tx, box, profileId, true);
      if (!secrets?.refreshToken) throw new AsanaAuthError('The connection holds no tokens; authorize the profile.');
      if (secrets.accessToken && secrets.accessToken !== rejected) return secrets.accessToken;
      const fresh = await refreshTokens({ baseUrl, clientId: secrets.clientId, clientSecret: secrets.clientSecret, refreshToken: secrets.refreshToken });
      await storeTokens(tx, box, profileId, { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, expiresAt: fresh.expiresAt });
      cached = { token: fresh.accessToken, expiresAt: fresh.expiresAt.getTime() };
      return fresh.accessToken;
    });
  }

  return {
    async getAccessToken() {
      if (cached && cached.expiresAt - EARLY_REFRESH_MS > now()) return cached.token;
      const stored = await sealedAccessToken(db, profileId);
      if (!stored.sealed) throw new AsanaAuthError('The connection holds no tokens; authorize the profile.');
      const token = box.open(stored.sealed);
      if (stored.expiresAt && stored.expiresAt.getTime() - EARLY_REFRESH_MS < now()) return refreshAccessToken(token);
      if (stored.expiresAt) cached = { token, expiresAt: stored.expiresAt.getTime() };
      return token;
    },
    refreshAccessToken,
  };
}
