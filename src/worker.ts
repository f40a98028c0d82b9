import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { createActivities, type ActivityDeps } from './activities';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { createDb } from './db/pool';
import { migrate } from './db/migrate';
import { createSecretBox, parseKey } from './secrets/secretBox';
import { ensureSearchAttributes } from './temporal/ensureSearchAttributes';
import { installTemporalRuntime } from './temporal/runtime';
import { createSmtpMailer } from './notify/mailer';
import { createLinkSigner, deriveLinkKey } from './notify/actionLinks';

export interface WorkerWiring {
  address: string;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A pre-built bundle (tests bundle once per run); without it the SDK bundles src/workflows. */
  workflowBundlePath?: string;
  maxConcurrentActivityTaskExecutions?: number;
}

/** Builds a worker that serves every workflow and activity of the service on one task queue. */
export async function createWorker(wiring: WorkerWiring): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: wiring.address });
  const options: WorkerOptions = {
    connection,
    namespace: wiring.namespace,
    taskQueue: wiring.taskQueue,
    activities: createActivities(wiring.deps),
    maxConcurrentActivityTaskExecutions: wiring.maxConcurrentActivityTaskExecutions ?? 20,
    ...(wiring.workflowBundlePath
      ? { workflowBundle: { codePath: wiring.workflowBundlePath } }
      : { workflowsPath: require.resolve('./workflows') }),
  };
  const worker = await Worker.create(options);
  return { worker, connection };
}

/** `npm run worker`: a worker alone, against the servers the environment names (the production topology). */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, 'worker');
  installTemporalRuntime(logger);
  if (!config.databaseUrl || !config.temporal.address || !config.encryptionKey) {
    throw new Error('A standalone worker needs DATABASE_URL, TEMPORAL_ADDRESS and ENCRYPTION_KEY (npm start runs everything embedded).');
  }
  const db = createDb(config.databaseUrl, logger);
  await migrate(db);
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  await ensureSearchAttributes(clientConnection, config.temporal.namespace);
  const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const key = parseKey(config.encryptionKey);
  // Without SMTP_URL, rules that notify first leave their candidates for an operator (attention_required).
  const notifications = config.smtpUrl
    ? {
        mailer: createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom }),
        signer: createLinkSigner(config.linkSigningKey ? parseKey(config.linkSigningKey) : deriveLinkKey(key)),
        publicBaseUrl: config.publicBaseUrl,
      }
    : undefined;
  const { worker, connection } = await createWorker({
    address: config.temporal.address,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: { db, box: createSecretBox(key), temporal, taskQueue: config.temporal.taskQueue, notifications },
  });
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker polling');
  await worker.run();
  await connection.close();
  await clientConnection.close();
  await db.close();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
