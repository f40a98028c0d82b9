import type { Server } from 'node:http';
import express from 'express';
import { NativeConnection, Worker } from '@temporalio/worker';
import { healthRouter, metricsHandler } from './api/health';
import { createActivities } from './activities';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { activityDeps, buildServices, type Services } from './services';
import { installTemporalRuntime } from './temporal/runtime';

export interface WorkerOptions {
  /** A pre-built bundle (tests bundle once per run); without it the SDK bundles src/workflows. */
  workflowBundlePath?: string;
  /** Overrides WORKER_MAX_CONCURRENT_ACTIVITIES. */
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
    // From the configuration (README: WORKER_*): walks wait on Asana, not on the CPU, so many run at once.
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? config.worker.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: config.worker.maxConcurrentWorkflowTaskExecutions,
    ...(config.worker.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: config.worker.maxCachedWorkflows } : {}),
    ...(opts.workflowBundlePath ? { workflowBundle: { codePath: opts.workflowBundlePath } } : { workflowsPath: require.resolve('./workflows') }),
  });
  return { worker, connection };
}

/**
 * The worker's own port: `/metrics` (Prometheus, the SDK's metrics appended), `/healthz`, and `/readyz`, which also
 * needs the worker to be polling. Internal to the deployment (no token): the compose file publishes it nowhere.
 */
export function serveWorkerHealth(services: Services, state: () => string, port: number): Server {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(services, [['worker', async () => {
    if (state() !== 'RUNNING') throw new Error(`worker is ${state().toLowerCase()}`);
  }]]));
  app.get('/metrics', metricsHandler(services.metrics));
  return app.listen(port);
}

/** `npm run worker`: a worker alone, against the servers the environment names (the production topology). */
async function main(): Promise<void> {
  const config = loadConfig(process.env, 'worker');
  const logger = createLogger(config.logLevel, 'worker', undefined, config.logFormat);
  const sdkMetricsUrl = installTemporalRuntime(logger, { metricsPort: config.sdkMetricsPort || undefined });
  // Without SMTP_URL, rules that notify first leave their candidates for an operator (attention_required).
  const services = await buildServices(config, logger, { sdkMetricsUrl });
  const { worker, connection } = await createWorker(services);
  const health = serveWorkerHealth(services, () => worker.getState(), config.metricsPort);
  logger.info({ taskQueue: config.temporal.taskQueue, metricsPort: config.metricsPort }, 'worker polling');
  await worker.run();
  health.close();
  await connection.close();
  await services.close();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
