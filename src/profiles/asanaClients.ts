import type { Db } from '../db/pool';
import type { Logger } from '../logger';
import type { SecretBox } from '../secrets/secretBox';
import { AsanaClient, type AsanaClientOptions } from '../asana/client';
import type { ConnectionRecord } from '../store/profiles';
import { createDbTokenProvider } from './dbTokenProvider';

/** Builds Asana clients that speak for a profile's connection, with its tokens (sealed in PostgreSQL). */
export interface AsanaClients {
  forConnection(connection: ConnectionRecord, opts?: Omit<AsanaClientOptions, 'baseUrl' | 'tokens'>): AsanaClient;
}

export function createAsanaClients(deps: { db: Db; box: SecretBox; logger?: Logger }): AsanaClients {
  return {
    forConnection(connection, opts = {}) {
      return new AsanaClient({
        baseUrl: connection.baseUrl,
        tokens: createDbTokenProvider({ db: deps.db, box: deps.box, profileId: connection.profileId, baseUrl: connection.baseUrl }),
        ...(deps.logger ? { logger: deps.logger } : {}),
        ...opts,
      });
    },
  };
}
