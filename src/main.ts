// `npm start`: the whole service on one machine. Whatever the environment does not point elsewhere is
// started here: a Temporal dev server (with its Web UI), PostgreSQL, the Asana simulator, a mail outbox; then
// the services are built (src/services.ts) and the worker and the API run on them.
import path from 'node:path';
import type { Server } from 'node:http';
import { loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { startLocalDatabase } from './db/localDatabase';
import { prepareDataDir } from './dataDir';
import { loadOrCreateSecretFile } from './secrets/localSecrets';
import { generateKeyText } from './secrets/secretBox';
import { findTemporalCli, startDevServer, TEMPORAL_CLI_MISSING } from './temporal/devServer';
import { installTemporalRuntime } from './temporal/runtime';
import { createWorker } from './worker';
import { createApp } from './api/app';
import { apiDeps, buildServices } from './services';
import { demoScenario, startSimulator } from '@licence-manager/asana-simulator';

import { startOutboxSmtp } from './notify/outbox';

type Stop = () => Promise<unknown>;

/** What `npm start` started itself, to say where it is. */
interface Embedded {
  temporalUi?: string;
  demoApp?: { clientId: string; clientSecret: string };
  /** The demo organization's Service Account token: with it a profile reads the audit log as well as stories. */
  demoServiceAccountToken?: string;
  outboxDir?: string;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, undefined, undefined, config.logFormat);
  const sdkMetricsUrl = installTemporalRuntime(logger, { metricsPort: config.sdkMetricsPort || undefined });
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
    const embedded: Embedded = {};
    const resolved = await startEmbedded(config, logger, stops, fail, embedded);
    await run(resolved, logger, stops, sdkMetricsUrl);
    // Printed, not logged: the operator needs the token once, and the log must never carry it.
    process.stdout.write(banner(resolved, embedded));
  } catch (err) {
    logger.error((err as Error).message);
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    process.exit(1);
  }
}

/**
 * Starts what the config leaves unset and answers the config with it filled in: PostgreSQL, Temporal, the
 * simulated Asana, the mail outbox, and the secrets generated into the data folder.
 */
async function startEmbedded(config: Config, logger: Logger, stops: Stop[], fail: (err: Error) => void, embedded: Embedded): Promise<Config> {
  const { dataDir } = config;
  // Everything the embedded parts write here (tokens, keys, mail with live links, Temporal's history) is the
  // operator's alone: private files in a private folder.
  process.umask(0o077);
  prepareDataDir(dataDir);

  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const local = await startLocalDatabase({ dataDir, port: config.embeddedPostgresPort, logger, supervise: { onGiveUp: fail } });
    stops.push(() => local.stop());
    databaseUrl = local.url;
  }

  let address = config.temporal.address;
  if (!address) {
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
    address = server.address;
    embedded.temporalUi = server.uiUrl;
  }

  // Asana: the real one when configured, else the simulator with a demo organization.
  let asanaBaseUrl = config.asanaBaseUrl;
  if (!asanaBaseUrl) {
    embedded.demoApp = { clientId: 'demo-app', clientSecret: loadOrCreateSecretFile(dataDir, 'simulator-app-secret') };
    const sim = await startSimulator({
      port: config.simulatorPort,
      scenario: demoScenario,
      apps: [{ ...embedded.demoApp, redirectUris: [`${config.publicBaseUrl}/oauth_redirect`, `${config.publicBaseUrl}/oauth_redirect.do`] }],
    });
    stops.push(() => sim.close());
    embedded.demoServiceAccountToken = sim.sim.createServiceAccount({ name: 'Licence audit' }).token;
    asanaBaseUrl = sim.url;
  }

  // Notify-and-wait mail: the configured server, else a local outbox that files each message.
  let smtpUrl = config.smtpUrl;
  if (!smtpUrl) {
    embedded.outboxDir = path.join(dataDir, 'outbox');
    const outbox = await startOutboxSmtp({ dir: embedded.outboxDir, port: 0 });
    stops.push(() => outbox.close());
    smtpUrl = outbox.url;
  }

  return {
    ...config,
    databaseUrl,
    temporal: { ...config.temporal, address, uiUrl: config.temporal.uiUrl ?? embedded.temporalUi },
    asanaBaseUrl,
    smtpUrl,
    encryptionKey: config.encryptionKey ?? loadOrCreateSecretFile(dataDir, 'encryption.key', generateKeyText),
    apiToken: config.apiToken ?? loadOrCreateSecretFile(dataDir, 'api-token'),
  };
}

/** The worker and the API, on the services built from the config. */
async function run(config: Config, logger: Logger, stops: Stop[], sdkMetricsUrl: string | undefined): Promise<void> {
  const services = await buildServices(config, logger, { sdkMetricsUrl });
  stops.push(() => services.close());

  const { worker, connection } = await createWorker(services);
  const running = worker.run();
  stops.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
  });

  const app = createApp(apiDeps(services));
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, () => resolve(s));
    s.once('error', reject);
  });
  stops.push(() => new Promise((resolve) => server.close(resolve)));
}

function banner(config: Config, embedded: Embedded): string {
  const { demoApp } = embedded;
  const lines = [
    '',
    'Asana licence manager is running.',
    `  Console:       ${config.publicBaseUrl}/  (sign in with the API token)`,
    `  API:           ${config.publicBaseUrl}/api/profiles`,
    `  API token:     ${config.apiToken}`,
    embedded.temporalUi ? `  Temporal UI:   ${embedded.temporalUi}` : `  Temporal:      ${config.temporal.address} (namespace ${config.temporal.namespace})`,
    demoApp
      ? `  Asana (simulated demo organization, Enterprise+): ${config.asanaBaseUrl}\n  Demo OAuth app: clientId=${demoApp.clientId} clientSecret=${demoApp.clientSecret}\n` +
        `  Demo Service Account token (reads the audit log): ${embedded.demoServiceAccountToken}`
      : `  Asana:         ${config.asanaBaseUrl}`,
    embedded.outboxDir
      ? `  Emails:        filed in ${embedded.outboxDir} (set SMTP_URL to send them)`
      : `  Emails:        sent through ${config.smtpUrl?.replace(/\/\/[^@/]*@/, '//')}`,
    `  Data folder:   ${config.dataDir}`,
    '',
    'Try:',
    `  curl -s -H "Authorization: Bearer ${config.apiToken}" -H "Content-Type: application/json" \\`,
    `    -d '{"displayName":"Demo","connection":{"clientId":"${demoApp?.clientId ?? '<client id>'}","clientSecret":"${demoApp?.clientSecret ?? '<client secret>'}"${embedded.demoServiceAccountToken ? `,"serviceAccountToken":"${embedded.demoServiceAccountToken}"` : ''}}}' \\`,
    `    ${config.publicBaseUrl}/api/profiles`,
    '',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n') + '\n';
}

void main();
