// A worker in a process of its own, so a test can kill it (SIGKILL) the way a crash would.
import { Client, Connection } from '@temporalio/client';
import { createWorker } from '../../src/worker';
import { createDb } from '../../src/db/pool';
import { createLogger } from '../../src/logger';
import { createSecretBox, parseKey } from '../../src/secrets/secretBox';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { createLinkSigner, deriveLinkKey } from '../../src/notify/actionLinks';
import { createSmtpMailer } from '../../src/notify/mailer';

async function main(): Promise<void> {
  const env = process.env as Record<string, string>;
  const logger = createLogger(env.TEST_LOG_LEVEL ?? 'warn', 'test-worker');
  installTemporalRuntime(logger);
  const db = createDb(env.DATABASE_URL!, logger);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
  const temporal = new Client({ connection });
  const key = parseKey(env.ENCRYPTION_KEY!);
  const notifications = env.SMTP_URL
    ? { mailer: createSmtpMailer({ url: env.SMTP_URL, from: 'Licences <licences@example.com>' }), signer: createLinkSigner(deriveLinkKey(key)), publicBaseUrl: env.PUBLIC_BASE_URL! }
    : undefined;
  const { worker, connection: workerConnection } = await createWorker({
    address: env.TEMPORAL_ADDRESS!,
    namespace: 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE!,
    deps: { db, box: createSecretBox(key), temporal, taskQueue: env.TEMPORAL_TASK_QUEUE!, notifications },
    workflowBundlePath: env.WORKFLOW_BUNDLE_PATH!,
  });
  process.stdout.write('worker ready\n');
  await worker.run();
  // With every native object closed the SDK's runtime shuts down, and the process can end by itself.
  await workerConnection.close();
  await connection.close();
  await db.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
