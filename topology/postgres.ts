// The topology's PostgreSQL: one server holding Temporal's two databases (role `temporal`) and the service's
// own database (role `licences`), as docker-compose.yml lays them out. It is the topology's alone, so it can be
// restarted under both Temporal and the service.
import crypto from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase, ident, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded';
import { createDb } from '../src/db/pool';
import { migrate } from '../src/db/migrate';
import type { Logger } from '../src/logger';

export interface Role {
  user: string;
  password: string;
}

export interface TopologyPostgres {
  host: string;
  port: number;
  temporal: Role;
  service: Role & { database: string; url: string };
  /** The superuser's connection string (of the `postgres` database). */
  adminUrl: string;
  /** Fast shutdown (open transactions roll back); resolves once the server has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  readonly running: boolean;
}

const SERVICE_DATABASE = 'licences';

export async function startTopologyPostgres(opts: { dir: string; port: number; logger: Logger }): Promise<TopologyPostgres> {
  const secret = () => crypto.randomBytes(18).toString('base64url');
  const superPassword = secret();
  const temporal: Role = { user: 'temporal', password: secret() };
  const serviceRole: Role = { user: 'licences', password: secret() };
  const startServer = () => startEmbeddedPostgres({ dir: path.join(opts.dir, 'pg'), port: opts.port, logger: opts.logger, password: superPassword, persistent: true });

  let server: EmbeddedDatabase | null = await startServer();
  const adminUrl = server.adminUrl;
  try {
    await ensureRole(adminUrl, temporal, 'CREATEDB');
    await ensureRole(adminUrl, serviceRole, '');
    // What deploy/postgres/create-service-db.sh does in the compose deployment.
    await ensureDatabase(adminUrl, SERVICE_DATABASE, serviceRole.user);
  } catch (err) {
    await server.stop();
    throw err;
  }
  const serviceUrl = `postgres://${serviceRole.user}:${encodeURIComponent(serviceRole.password)}@127.0.0.1:${opts.port}/${SERVICE_DATABASE}`;
  // The service's tables belong to its own role, as when the service migrates on its first start.
  const db = createDb(serviceUrl, opts.logger, 1);
  try {
    await migrate(db);
  } finally {
    await db.close();
  }

  return {
    host: '127.0.0.1',
    port: opts.port,
    temporal,
    service: { ...serviceRole, database: SERVICE_DATABASE, url: serviceUrl },
    adminUrl,
    async stop() {
      await server?.stop();
      server = null;
    },
    async start() {
      server = await startServer();
    },
    get running() {
      return server !== null;
    },
  };
}

async function ensureRole(adminUrl: string, role: Role, attributes: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.user]);
    const verb = found.rowCount === 0 ? 'CREATE' : 'ALTER';
    // A password cannot be a bind parameter in CREATE ROLE; it is base64url, so quoting it is safe.
    await client.query(`${verb} ROLE ${ident(role.user)} LOGIN ${attributes} PASSWORD '${role.password}'`);
  } finally {
    await client.end();
  }
}
