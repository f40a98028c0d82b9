// A worker in a process of its own, so a test can kill it (SIGKILL) the way a crash would. It joins the test's
// services through the environment the harness gives it (workerEnv), built by the service's composition root.
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { buildServices } from '../../src/services';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { createWorker } from '../../src/worker';

async function main(): Promise<void> {
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', 'test-worker');
  installTemporalRuntime(logger);
  const services = await buildServices(loadConfig(process.env, 'worker'), logger, { migrate: false });
  const { worker, connection } = await createWorker(services, { workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH });
  process.stdout.write('worker ready\n');
  await worker.run();
  // With every native object closed the SDK's runtime shuts down, and the process can end by itself.
  await connection.close();
  await services.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
