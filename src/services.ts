// The composition root: the one place the service's parts are built from the parsed config. `npm start`, the
// standalone worker and API, the tests and the benchmarks all build them here.
import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';
import type { Logger } from './logger';
import { createDb, type Db } from './db/pool';
import { migrate } from './db/migrate';
import { createSecretBox, parseKey, type SecretBox } from './secrets/secretBox';
import { createLinkSigner, deriveLinkKey, type LinkSigner } from './notify/actionLinks';
import { createSmtpMailer } from './notify/mailer';
import { createAsanaClients, type AsanaClients } from './profiles/asanaClients';
import { ensureSearchAttributes } from './temporal/ensureSearchAttributes';
import { createMetrics, type Metrics } from './metrics';
import { countCandidatesByState } from './store/candidates';
import type { ActivityDeps } from './activities';
import type { Notifications } from './activities/reviewActivities';
import type { ApiDeps } from './api/deps';

/** Where a connection goes when a profile names no Asana of its own and the deployment names none either. */
export const ASANA_CLOUD = 'https://app.asana.com';

export interface Services {
  config: Config;
  logger: Logger;
  db: Db;
  box: SecretBox;
  linkSigner: LinkSigner;
  /** Set when mail can be sent (SMTP_URL): notify-and-wait rules need it. */
  notifications: Notifications | undefined;
  temporal: Client;
  asana: AsanaClients;
  metrics: Metrics;
  close(): Promise<void>;
}

export class MissingServerError extends Error {}

/**
 * Builds every service from a config whose servers are known (`npm start` puts its embedded ones into the
 * config first). Applies the migrations unless told the database is migrated already.
 */
export async function buildServices(
  config: Config,
  logger: Logger,
  opts: { migrate?: boolean; wrapDb?: (db: Db) => Db; /** Where the Temporal SDK's own exporter listens, when it does. */ sdkMetricsUrl?: string } = {},
): Promise<Services> {
  const { databaseUrl, encryptionKey } = config;
  const address = config.temporal.address;
  if (!databaseUrl || !address || !encryptionKey) throw new MissingServerError('The services need DATABASE_URL, TEMPORAL_ADDRESS and ENCRYPTION_KEY.');
  const base = createDb(databaseUrl, logger, config.databasePoolSize);
  const db = opts.wrapDb ? opts.wrapDb(base) : base;
  try {
    if (opts.migrate !== false) await migrate(db);
    const key = parseKey(encryptionKey);
    const box = createSecretBox(key);
    const linkSigner = createLinkSigner(config.linkSigningKey ? parseKey(config.linkSigningKey) : deriveLinkKey(key));
    const notifications = config.smtpUrl
      ? { mailer: createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom }), signer: linkSigner, publicBaseUrl: config.publicBaseUrl }
      : undefined;
    const connection = await Connection.connect({ address });
    await ensureSearchAttributes(connection, config.temporal.namespace);
    const temporal = new Client({ connection, namespace: config.temporal.namespace });
    const metrics = createMetrics({ candidatesByState: () => countCandidatesByState(db), sdkMetricsUrl: opts.sdkMetricsUrl });
    return {
      config,
      logger,
      db,
      box,
      linkSigner,
      notifications,
      temporal,
      asana: createAsanaClients({ db, box, metrics, pacing: config.asanaPacing }),
      metrics,
      async close() {
        await connection.close();
        await db.close();
      },
    };
  } catch (err) {
    await base.close();
    throw err;
  }
}

export function activityDeps(s: Services): ActivityDeps {
  return { db: s.db, asana: s.asana, temporal: s.temporal, taskQueue: s.config.temporal.taskQueue, notifications: s.notifications, metrics: s.metrics };
}

export function apiDeps(s: Services): ApiDeps {
  if (!s.config.apiToken) throw new MissingServerError('The API needs API_TOKEN.');
  return {
    db: s.db,
    box: s.box,
    temporal: s.temporal,
    taskQueue: s.config.temporal.taskQueue,
    apiToken: s.config.apiToken,
    publicBaseUrl: s.config.publicBaseUrl,
    defaultAsanaBaseUrl: s.config.asanaBaseUrl ?? ASANA_CLOUD,
    analyzeActivityMaxDays: s.config.analyzeActivityMaxDays,
    restore: s.config.restore,
    logger: s.logger,
    linkSigner: s.linkSigner,
    metrics: s.metrics,
    temporalUi: s.config.temporal.uiUrl ? { url: s.config.temporal.uiUrl, namespace: s.config.temporal.namespace } : undefined,
  };
}
