import type { Db } from '../db/pool';
import type { Logger } from '../logger';
import { pathTemplate, type Metrics } from '../metrics';
import type { SecretBox } from '../secrets/secretBox';
import { AsanaClient, AsanaAuthError, type AsanaClientOptions, type TokenProvider } from '../asana/client';
import { admitAsanaRequests } from '../store/asanaBudget';
import { getProfileRow, openServiceAccountToken, type ConnectionRecord } from '../store/profiles';
import { createDbTokenProvider } from './dbTokenProvider';
import { withOptionDefaults } from './options';
import { createTokenPacers, DEFAULT_PACING, type PacingSettings, type TokenPacers } from './tokenPacers';

/** Builds Asana clients that speak for a profile's connection, with its tokens (sealed in PostgreSQL). */
type ClientOptions = Omit<AsanaClientOptions, 'baseUrl' | 'tokens'>;

export interface AsanaClients {
  /** Speaks as the admin who authorized the connection (OAuth; refreshed as needed). */
  forConnection(connection: ConnectionRecord, opts?: ClientOptions): AsanaClient;
  /**
   * Speaks as the connection's Service Account (its token does not expire; a refused one must be replaced), or
   * null when the connection holds no Service Account token.
   */
  forServiceAccount(connection: ConnectionRecord, opts?: ClientOptions): Promise<AsanaClient | null>;
}

function serviceAccountTokens(token: string): TokenProvider {
  return {
    getAccessToken: async () => token,
    refreshAccessToken: async () => {
      throw new AsanaAuthError('Asana refused the Service Account token (401): create a new one in the admin console and set it as connection.serviceAccountToken.', 'service_account_rejected');
    },
  };
}

export function createAsanaClients(deps: { db: Db; box: SecretBox; logger?: Logger; metrics?: Metrics; pacing?: PacingSettings; pacers?: TokenPacers }): AsanaClients {
  const { metrics } = deps;
  // Every client of a profile's token draws on one budget, the profile's asanaRequestsPerMinute, counted in
  // PostgreSQL so that it holds however many worker processes send with the token.
  const pacers = deps.pacers ?? createTokenPacers(deps.pacing ?? DEFAULT_PACING, { shared: (key) => (limit, windowMs, want) => admitAsanaRequests(deps.db, key, limit, windowMs, want) });
  const budgetOf = (profileId: string) => async () => {
    const row = await getProfileRow(deps.db, profileId);
    return withOptionDefaults(row?.options ?? {}).asanaRequestsPerMinute!;
  };
  // Every client reports its requests and waits, whoever made it.
  const observed: ClientOptions = metrics
    ? {
        onResponse: ({ method, path, status }) => metrics.asanaRequests.inc({ endpoint: pathTemplate(path), method, status: String(status) }),
        onWaitStart: ({ reason, waitMs }) => {
          metrics.rateLimitWaits.inc({ reason });
          metrics.rateLimitWaitSeconds.inc({ reason }, waitMs / 1000);
        },
      }
    : {};
  return {
    forConnection(connection, opts = {}) {
      return new AsanaClient({
        baseUrl: connection.baseUrl,
        tokens: createDbTokenProvider({ db: deps.db, box: deps.box, profileId: connection.profileId, baseUrl: connection.baseUrl }),
        pacer: pacers.forProfile(connection.profileId, 'oauth', budgetOf(connection.profileId)),
        ...(deps.logger ? { logger: deps.logger } : {}),
        ...observed,
        ...opts,
      });
    },
    async forServiceAccount(connection, opts = {}) {
      const token = await openServiceAccountToken(deps.db, deps.box, connection.profileId);
      if (!token) return null;
      return new AsanaClient({
        baseUrl: connection.baseUrl,
        tokens: serviceAccountTokens(token),
        pacer: pacers.forProfile(connection.profileId, 'service_account', budgetOf(connection.profileId)),
        ...(deps.logger ? { logger: deps.logger } : {}),
        ...observed,
        ...opts,
      });
    },
  };
}
