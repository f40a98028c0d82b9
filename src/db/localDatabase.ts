// `npm start`'s database: the embedded PostgreSQL in DATA_DIR/postgres, its superuser password generated on
// first start, and a role of the service's own that owns the service's database and nothing more.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger';
import { loadOrCreateSecretFile } from '../secrets/localSecrets';
import { ensureDatabase, ident, startEmbeddedPostgres, type Supervision } from './embedded';

export const SERVICE_DATABASE = 'licence_manager';
export const SERVICE_ROLE = 'licence_manager';
const SUPERUSER_PASSWORD_FILE = 'postgres-superuser-password';
const SERVICE_PASSWORD_FILE = 'postgres-service-password';
/** What clusters made before passwords were generated were initialised with. */
const LEGACY_PASSWORD = 'postgres';

export interface LocalDatabase {
  /** The service's connection string: its own role, not a superuser. */
  url: string;
  /** The superuser's, for the operator's own maintenance. */
  adminUrl: string;
  stop(): Promise<void>;
}

const urlOf = (user: string, password: string, port: number, database: string) =>
  `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/**
 * The service's connection string to the embedded PostgreSQL of a running `npm start` (for shell tools such as
 * `npm run tokens`); null when this data folder has none.
 */
export function runningLocalDatabaseUrl(dataDir: string, port: number): string | null {
  const file = path.join(dataDir, SERVICE_PASSWORD_FILE);
  if (!fs.existsSync(file)) return null;
  return urlOf(SERVICE_ROLE, fs.readFileSync(file, 'utf8').trim(), port, SERVICE_DATABASE);
}

export async function startLocalDatabase(opts: { dataDir: string; port: number; logger: Logger; supervise: Supervision }): Promise<LocalDatabase> {
  const { dataDir, port, logger } = opts;
  const dir = path.join(dataDir, 'postgres');
  const passwordFile = path.join(dataDir, SUPERUSER_PASSWORD_FILE);
  const legacy = fs.existsSync(path.join(dir, 'PG_VERSION')) && !fs.existsSync(passwordFile);
  const superPassword = legacy ? crypto.randomBytes(24).toString('base64url') : loadOrCreateSecretFile(dataDir, SUPERUSER_PASSWORD_FILE);
  const server = await startEmbeddedPostgres({ dir, port, logger, password: legacy ? LEGACY_PASSWORD : superPassword, supervise: opts.supervise });
  try {
    if (legacy) {
      // Replace the fixed password first, and keep the new one only once the server has it.
      await withClient(urlOf('postgres', LEGACY_PASSWORD, port, 'postgres'), (c) => c.query(`ALTER ROLE postgres PASSWORD ${c.escapeLiteral(superPassword)}`));
      fs.writeFileSync(passwordFile, `${superPassword}\n`, { mode: 0o600, flag: 'wx' });
      logger.warn('the embedded PostgreSQL had the fixed password of earlier versions; it now has a generated one');
    }
    const adminUrl = urlOf('postgres', superPassword, port, 'postgres');
    const servicePassword = loadOrCreateSecretFile(dataDir, SERVICE_PASSWORD_FILE);
    await ensureServiceRole(adminUrl, servicePassword);
    await ensureDatabase(adminUrl, SERVICE_DATABASE, SERVICE_ROLE);
    await handOverDatabase(urlOf('postgres', superPassword, port, SERVICE_DATABASE));
    return { url: urlOf(SERVICE_ROLE, servicePassword, port, SERVICE_DATABASE), adminUrl, stop: () => server.stop() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A login role that can own and use its database and do nothing else: no superuser, no COPY ... PROGRAM. */
async function ensureServiceRole(adminUrl: string, password: string): Promise<void> {
  await withClient(adminUrl, async (c) => {
    const found = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [SERVICE_ROLE]);
    if (found.rowCount === 0) await c.query(`CREATE ROLE ${ident(SERVICE_ROLE)} LOGIN`);
    await c.query(
      `ALTER ROLE ${ident(SERVICE_ROLE)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${c.escapeLiteral(password)}`,
    );
  });
}

/**
 * Makes the service's role the owner of its database and of everything in it, including what earlier versions
 * created as the superuser, so migrations keep working under the role.
 */
async function handOverDatabase(serviceDbAsSuperuser: string): Promise<void> {
  await withClient(serviceDbAsSuperuser, async (c) => {
    await c.query(`ALTER DATABASE ${ident(SERVICE_DATABASE)} OWNER TO ${ident(SERVICE_ROLE)}`);
    await c.query(`ALTER SCHEMA public OWNER TO ${ident(SERVICE_ROLE)}`);
    const owned = await c.query<{ kind: string; name: string }>(
      // Tables take their own sequences and indexes with them.
      `SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind,
              format('%I.%I', n.nspname, c.relname) AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relowner <> $1::regrole`,
      [SERVICE_ROLE],
    );
    for (const o of owned.rows) await c.query(`ALTER ${o.kind} ${o.name} OWNER TO ${ident(SERVICE_ROLE)}`);
    const functions = await c.query<{ name: string }>(
      `SELECT p.oid::regprocedure::text AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.proowner <> $1::regrole`,
      [SERVICE_ROLE],
    );
    for (const f of functions.rows) await c.query(`ALTER FUNCTION ${f.name} OWNER TO ${ident(SERVICE_ROLE)}`);
  });
}
