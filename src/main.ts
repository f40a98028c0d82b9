// `npm start`: the whole service on one machine. Whatever the environment does not point elsewhere is
// started here: a Temporal dev server (with its Web UI), PostgreSQL, the Asana simulator; then the worker and the API.
import path from 'node:path';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { createDb } from './db/pool';
import { migrate } from './db/migrate';
import { startLocalDatabase } from './db/localDatabase';
import { prepareDataDir } from './dataDir';
import { createSecretBox, loadOrCreateKeyFile, parseKey } from './secrets/secretBox';
import { loadOrCreateSecretFile } from './secrets/localSecrets';
import { findTemporalCli, startDevServer, TEMPORAL_CLI_MISSING } from './temporal/devServer';
import { ensureSearchAttributes } from './temporal/ensureSearchAttributes';
import { createWorker } from './worker';
import { installTemporalRuntime } from './temporal/runtime';
import { createApp } from './api/app';
import { startSimulator } from './simulator';
import { demoScenario } from './simulator/demo';
import { startOutboxSmtp } from './notify/outbox';
import { createSmtpMailer } from './notify/mailer';
import { createLinkSigner, deriveLinkKey } from './notify/actionLinks';

type Stop = () => Promise<unknown>;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  installTemporalRuntime(logger);
  const stops: Stop[] = [];
  let stopping = false;
  const shutdown = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping');
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => logger.warn({ err }, 'stop step failed'));
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  const fail = (err: Error) => {
    logger.fatal(err.message);
    void shutdown('fatal error', 1);
  };

  try {
    await start(config, logger, stops, fail);
  } catch (err) {
    logger.error((err as Error).message);
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    process.exit(1);
  }
}

async function start(config: Config, logger: Logger, stops: Stop[], fail: (err: Error) => void): Promise<void> {
  const dataDir = config.dataDir;
  // Everything the embedded parts write here (tokens, keys, mail with live links, Temporal's history) is the
  // operator's alone: private files in a private folder.
  process.umask(0o077);
  prepareDataDir(dataDir);

  // PostgreSQL
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const local = await startLocalDatabase({ dataDir, port: config.embeddedPostgresPort, logger, supervise: { onGiveUp: fail } });
    stops.push(() => local.stop());
    databaseUrl = local.url;
  }
  const db = createDb(databaseUrl, logger);
  stops.push(() => db.close());
  await migrate(db);

  // Temporal
  let temporalAddress = config.temporal.address;
  let temporalUi: string | undefined;
  if (!temporalAddress) {
    const cliPath = findTemporalCli(config.temporal.cliPath, process.env.PATH);
    if (!cliPath) throw new Error(TEMPORAL_CLI_MISSING);
    const server = await startDevServer({
      cliPath,
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      dbFile: path.join(dataDir, 'temporal', 'temporal.db'),
      namespace: config.temporal.namespace,
      logger,
    });
    stops.push(() => server.stop());
    temporalAddress = server.address;
    temporalUi = server.uiUrl;
  }
  const connection = await Connection.connect({ address: temporalAddress });
  stops.push(() => connection.close());
  await ensureSearchAttributes(connection, config.temporal.namespace);
  const temporal = new Client({ connection, namespace: config.temporal.namespace });

  // Asana: the real one when configured, else the simulator with a demo organization.
  let asanaBaseUrl = config.asanaBaseUrl;
  let demoApp: { clientId: string; clientSecret: string } | undefined;
  if (!asanaBaseUrl) {
    demoApp = { clientId: 'demo-app', clientSecret: loadOrCreateSecretFile(dataDir, 'simulator-app-secret') };
    const sim = await startSimulator({
      port: config.simulatorPort,
      scenario: demoScenario,
      apps: [{ ...demoApp, redirectUris: [`${config.publicBaseUrl}/oauth_redirect`, `${config.publicBaseUrl}/oauth_redirect.do`] }],
    });
    stops.push(() => sim.close());
    asanaBaseUrl = sim.url;
  }
  const defaultAsanaBaseUrl: string = asanaBaseUrl;

  const key = config.encryptionKey ? parseKey(config.encryptionKey) : loadOrCreateKeyFile(dataDir);
  const box = createSecretBox(key);
  const apiToken = config.apiToken ?? loadOrCreateSecretFile(dataDir, 'api-token');

  // Notify-and-wait mail: the configured server, else a local outbox that files each message.
  let smtpUrl = config.smtpUrl;
  let outboxDir: string | undefined;
  if (!smtpUrl) {
    outboxDir = path.join(dataDir, 'outbox');
    const outbox = await startOutboxSmtp({ dir: outboxDir, port: 0 });
    stops.push(() => outbox.close());
    smtpUrl = outbox.url;
  }
  const linkSigner = createLinkSigner(config.linkSigningKey ? parseKey(config.linkSigningKey) : deriveLinkKey(key));
  const notifications = { mailer: createSmtpMailer({ url: smtpUrl, from: config.mailFrom }), signer: linkSigner, publicBaseUrl: config.publicBaseUrl };

  // Worker
  const { worker, connection: workerConnection } = await createWorker({
    address: temporalAddress,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: { db, box, temporal, taskQueue: config.temporal.taskQueue, notifications },
  });
  const running = worker.run();
  stops.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await workerConnection.close();
  });

  // API
  const app = createApp({
    db,
    box,
    temporal,
    taskQueue: config.temporal.taskQueue,
    apiToken,
    publicBaseUrl: config.publicBaseUrl,
    defaultAsanaBaseUrl,
    analyzeActivityMaxDays: config.analyzeActivityMaxDays,
    logger,
    linkSigner,
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, () => resolve(s));
    s.once('error', reject);
  });
  stops.push(() => new Promise((resolve) => server.close(resolve)));

  const lines = [
    '',
    'Asana licence manager is running.',
    `  API:           ${config.publicBaseUrl}/api/profiles`,
    `  API token:     ${apiToken}`,
    temporalUi ? `  Temporal UI:   ${temporalUi}` : `  Temporal:      ${temporalAddress} (namespace ${config.temporal.namespace})`,
    demoApp
      ? `  Asana (simulated demo organization): ${asanaBaseUrl}\n  Demo OAuth app: clientId=${demoApp.clientId} clientSecret=${demoApp.clientSecret}`
      : `  Asana:         ${asanaBaseUrl}`,
    outboxDir ? `  Emails:        filed in ${outboxDir} (set SMTP_URL to send them)` : `  Emails:        sent through ${config.smtpUrl?.replace(/\/\/[^@/]*@/, '//')}`,
    `  Data folder:   ${config.dataDir}`,
    '',
    'Try:',
    `  curl -s -H "Authorization: Bearer ${apiToken}" -H "Content-Type: application/json" \\`,
    `    -d '{"displayName":"Demo","connection":{"clientId":"${demoApp?.clientId ?? '<client id>'}","clientSecret":"${demoApp?.clientSecret ?? '<client secret>'}"}}' \\`,
    `    ${config.publicBaseUrl}/api/profiles`,
    '',
    'Press Ctrl-C to stop.',
  ];
  // Printed, not logged: the operator needs the token once, and the log must never carry it.
  process.stdout.write(lines.join('\n') + '\n');
}

void main();
