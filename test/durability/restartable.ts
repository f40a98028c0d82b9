// A PostgreSQL and a Temporal dev server of one test file's own, which it may stop and start again (same port,
// same data) while a run goes on. The run's shared servers are never restarted: other files use them.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded';
import { createDb } from '../../src/db/pool';
import { migrate } from '../../src/db/migrate';
import type { Logger } from '../../src/logger';
import { findTemporalCli, startDevServer, TEMPORAL_CLI_MISSING, type DevServer } from '../../src/temporal/devServer';
import { freePort } from '../support/ports';

export interface Restartable {
  /** Stops the server; resolves once its process has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data; resolves once it serves. */
  start(): Promise<void>;
  readonly running: boolean;
}

export interface OwnServers {
  /** A migrated database on the file's own PostgreSQL. */
  databaseUrl: string;
  temporalAddress: string;
  postgres: Restartable;
  temporal: Restartable;
  close(): Promise<void>;
}

const DATABASE = 'restarts';

export async function startOwnServers(logger: Logger): Promise<OwnServers> {
  const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH, process.env.PATH);
  if (!cliPath) throw new Error(TEMPORAL_CLI_MISSING);
  // As root, PostgreSQL runs as the postgres user, which must be able to enter the folder.
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-restarts-'));
  fs.chmodSync(workDir, 0o755);
  const removeWorkDir = () => fs.rmSync(workDir, { recursive: true, force: true });
  process.once('exit', removeWorkDir);

  const [pgPort, temporalPort] = await Promise.all([freePort(), freePort()]);
  // persistent: stopping keeps the data folder, so the next start finds the cluster as it was left.
  const password = crypto.randomBytes(18).toString('base64url');
  const startPostgres = () => startEmbeddedPostgres({ dir: path.join(workDir, 'pg'), port: pgPort, logger, password, persistent: true });
  // With a db file the dev server keeps namespaces, histories, task queues and timers in SQLite across restarts.
  const startTemporal = () => startDevServer({ cliPath, port: temporalPort, namespace: 'default', logger, dbFile: path.join(workDir, 'temporal', 'temporal.db') });

  let pg: EmbeddedDatabase | null = null;
  let temporal: DevServer | null = null;
  const close = async () => {
    await Promise.allSettled([temporal?.stop(), pg?.stop()]);
    removeWorkDir();
  };
  try {
    [pg, temporal] = await Promise.all([startPostgres(), startTemporal()]);
    await ensureDatabase(pg.adminUrl, DATABASE);
    const db = createDb(pg.urlFor(DATABASE), logger, 1);
    await migrate(db);
    await db.close();
  } catch (err) {
    await close();
    throw err;
  }

  return {
    databaseUrl: pg.urlFor(DATABASE),
    temporalAddress: temporal.address,
    postgres: {
      async stop() {
        await pg?.stop();
        pg = null;
      },
      async start() {
        pg = await startPostgres();
      },
      get running() {
        return pg !== null;
      },
    },
    temporal: {
      async stop() {
        await temporal?.stop();
        temporal = null;
      },
      async start() {
        temporal = await startTemporal();
      },
      get running() {
        return temporal !== null;
      },
    },
    close,
  };
}
