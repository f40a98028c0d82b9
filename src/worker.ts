import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { activityDeps, buildServices, type Services } from './services';
import { installTemporalRuntime } from './temporal/runtime';

export interface WorkerOptions {
  /** A pre-built bundle (tests bundle once per run); without it the SDK bundles src/workflows. */
  workflowBundlePath?: string;
  maxConcurrentActivityTaskExecutions?: number;
}

/** Builds a worker that serves every workflow and activity of the service on its task queue. */
export async function createWorker(services: Services, opts: WorkerOptions = {}): Promise<{ worker: Worker; connection: NativeConnection }> {
  const { config } = services;
  const connection = await NativeConnection.connect({ address: config.temporal.address! });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities(activityDeps(services)),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 20,
    ...(opts.workflowBundlePath ? { workflowBundle: { codePath: opts.workflowBundlePath } } : { workflowsPath: require.resolve('./workflows') }),
  });
  return { worker, connection };
}

/** `npm run worker`: a worker alone, against the servers the environment names (the production topology). */
async function main(): Promise<void> {
  const config = loadConfig(process.env, 'worker');
  const logger = createLogger(config.logLevel, 'worker');
  installTemporalRuntime(logger);
  // Without SMTP_URL, rules that notify first leave their candidates for an operator (attention_required).
  const services = await buildServices(config, logger);
  const { worker, connection } = await createWorker(services);
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker polling');
  await worker.run();
  await connection.close();
  await services.close();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
