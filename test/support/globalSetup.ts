// One Temporal dev server, one PostgreSQL and one workflow bundle for the whole test run;
// each test file then gets its own database (cloned from a migrated template) and task queue.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createLogger } from '../../src/logger';
import { startDevServer, findTemporalCli, TEMPORAL_CLI_MISSING } from '../../src/temporal/devServer';
import { startEmbeddedPostgres, ensureDatabase } from '../../src/db/embedded';
import { createDb } from '../../src/db/pool';
import { migrate } from '../../src/db/migrate';
import { freePort } from './ports';

export const TEMPLATE_DATABASE = 'licence_template';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    postgresAdminUrl: string;
    templateDatabase: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', 'test-setup');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-test-'));
  fs.chmodSync(workDir, 0o755);

  const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH, process.env.PATH);
  if (!cliPath) throw new Error(TEMPORAL_CLI_MISSING);

  const started = await Promise.allSettled([
    freePort().then((port) => startDevServer({ cliPath, port, namespace: 'default', logger })),
    freePort().then((port) => startEmbeddedPostgres({ dir: path.join(workDir, 'pg'), port, logger, persistent: false })),
    bundleWorkflowCode({ workflowsPath: path.join(__dirname, '../../src/workflows/index.ts'), logger: quietBundlerLogger }),
  ] as const);
  const [temporalResult, postgresResult, bundleResult] = started;
  if (temporalResult.status === 'rejected' || postgresResult.status === 'rejected' || bundleResult.status === 'rejected') {
    // Leave nothing running behind a failed set-up.
    if (temporalResult.status === 'fulfilled') await temporalResult.value.stop();
    if (postgresResult.status === 'fulfilled') await postgresResult.value.stop();
    const failed = started.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    throw failed.reason;
  }
  const temporal = temporalResult.value;
  const postgres = postgresResult.value;
  const bundle = bundleResult.value;

  await ensureDatabase(postgres.adminUrl, TEMPLATE_DATABASE);
  const templateDb = createDb(postgres.urlFor(TEMPLATE_DATABASE), logger, 1);
  await migrate(templateDb);
  await templateDb.close();

  const bundlePath = path.join(workDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);

  project.provide('temporalAddress', temporal.address);
  project.provide('postgresAdminUrl', postgres.adminUrl);
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  project.provide('workflowBundlePath', bundlePath);

  return async () => {
    await Promise.allSettled([temporal.stop(), postgres.stop()]);
    fs.rmSync(workDir, { recursive: true, force: true });
  };
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: unknown) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
  log: () => undefined,
};
