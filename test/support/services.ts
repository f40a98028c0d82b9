// The service's parts for a test or a benchmark, built by the service's own composition root from a config
// that points at the run's servers.
import { loadConfig } from '../../src/config';
import type { Logger } from '../../src/logger';
import { buildServices, type Services } from '../../src/services';
import type { Db } from '../../src/db/pool';

export interface TestServerSettings {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  /** 32 bytes as hex. */
  encryptionKey: string;
  apiToken?: string;
  publicBaseUrl?: string;
  asanaBaseUrl?: string;
  smtpUrl?: string;
  temporalUiUrl?: string;
}

/** The environment a worker in another process needs to join the same services. */
export function serviceEnv(s: TestServerSettings): Record<string, string> {
  const env: Record<string, string | undefined> = {
    DATABASE_URL: s.databaseUrl,
    TEMPORAL_ADDRESS: s.temporalAddress,
    TEMPORAL_TASK_QUEUE: s.taskQueue,
    ENCRYPTION_KEY: s.encryptionKey,
    API_TOKEN: s.apiToken,
    PUBLIC_BASE_URL: s.publicBaseUrl,
    ASANA_BASE_URL: s.asanaBaseUrl,
    SMTP_URL: s.smtpUrl,
    TEMPORAL_UI_URL: s.temporalUiUrl,
    MAIL_FROM: 'Licences <licences@example.com>',
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The run's databases are migrated from the template already. */
export function testServices(s: TestServerSettings, logger: Logger, opts: { wrapDb?: (db: Db) => Db } = {}): Promise<Services> {
  return buildServices(loadConfig(serviceEnv(s)), logger, { migrate: false, ...opts });
}
