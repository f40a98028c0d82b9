// `npm run api`: the API alone, against the servers the environment names (the production topology).
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createDb } from '../db/pool';
import { migrate } from '../db/migrate';
import { createSecretBox, parseKey } from '../secrets/secretBox';
import { ensureSearchAttributes } from '../temporal/ensureSearchAttributes';
import { createApp } from './app';
import { createLinkSigner, deriveLinkKey } from '../notify/actionLinks';

const ASANA = 'https://app.asana.com';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, 'api');
  const missing = (['DATABASE_URL', 'TEMPORAL_ADDRESS', 'ENCRYPTION_KEY', 'API_TOKEN'] as const).filter(
    (name) => !{ DATABASE_URL: config.databaseUrl, TEMPORAL_ADDRESS: config.temporal.address, ENCRYPTION_KEY: config.encryptionKey, API_TOKEN: config.apiToken }[name],
  );
  if (missing.length > 0) throw new Error(`The standalone API needs ${missing.join(', ')} (npm start runs everything embedded).`);
  const db = createDb(config.databaseUrl!, logger);
  await migrate(db);
  const connection = await Connection.connect({ address: config.temporal.address! });
  await ensureSearchAttributes(connection, config.temporal.namespace);
  const key = parseKey(config.encryptionKey!);
  const app = createApp({
    db,
    box: createSecretBox(key),
    linkSigner: createLinkSigner(config.linkSigningKey ? parseKey(config.linkSigningKey) : deriveLinkKey(key)),
    temporal: new Client({ connection, namespace: config.temporal.namespace }),
    taskQueue: config.temporal.taskQueue,
    apiToken: config.apiToken!,
    publicBaseUrl: config.publicBaseUrl,
    defaultAsanaBaseUrl: config.asanaBaseUrl ?? ASANA,
    analyzeActivityMaxDays: config.analyzeActivityMaxDays,
    logger,
  });
  const server = app.listen(config.port, () => logger.info({ port: config.port }, 'API listening'));
  const stop = () => server.close(() => void Promise.all([connection.close(), db.close()]).then(() => process.exit(0)));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
