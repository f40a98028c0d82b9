// A token provider that keeps the tokens in memory, for one process (tests, the demo, the simulator's
// own clients). Concurrent callers share a single refresh, because Asana may invalidate the previous
// access token on each refresh and parallel refreshes would race each other.
import { refreshTokens } from './oauth';
import type { TokenProvider, TokenSet } from './types';

export interface InMemoryTokenProviderOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  tokens: TokenSet;
  redirectUri?: string;
  /** Told about every new token set, e.g. to persist it. */
  onRefreshed?: (tokens: TokenSet) => void;
  /**
   * Refresh this long before `expiresAt` instead of waiting for a 401. Default 60 s, but never more
   * than a quarter of a token's lifetime, so short-lived tokens are not refreshed on every call.
   */
  refreshSkewMs?: number;
  timeoutMs?: number;
}

export interface InMemoryTokenProvider extends TokenProvider {
  current(): TokenSet;
}

export function createInMemoryTokenProvider(opts: InMemoryTokenProviderOptions): InMemoryTokenProvider {
  let current = opts.tokens;
  let inFlight: Promise<TokenSet> | undefined;
  const maxSkewMs = opts.refreshSkewMs ?? 60_000;
  const skewFor = (t: TokenSet): number => Math.min(maxSkewMs, Math.max(0, t.expiresAt.getTime() - Date.now()) / 4);
  let skewMs = skewFor(current);

  const refresh = (): Promise<TokenSet> => {
    inFlight ??= (async () => {
      try {
        const next = await refreshTokens({
          baseUrl: opts.baseUrl,
          clientId: opts.clientId,
          clientSecret: opts.clientSecret,
          refreshToken: current.refreshToken,
          redirectUri: opts.redirectUri,
          timeoutMs: opts.timeoutMs,
        });
        current = next;
        skewMs = skewFor(next);
        opts.onRefreshed?.(next);
        return next;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  return {
    current: () => current,
    async getAccessToken() {
      if (inFlight) return (await inFlight).accessToken;
      if (current.expiresAt.getTime() - skewMs <= Date.now()) return (await refresh()).accessToken;
      return current.accessToken;
    },
    async refreshAccessToken(rejectedToken: string) {
      // Someone else already replaced the refused token: theirs is the answer.
      if (rejectedToken !== current.accessToken) return current.accessToken;
      return (await refresh()).accessToken;
    },
  };
}
