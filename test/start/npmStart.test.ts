// `npm start` itself, in a data folder of its own: what it leaves on disk, who can reach its PostgreSQL,
// and what happens when that PostgreSQL dies under it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports';

const ROOT = path.join(__dirname, '..', '..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  env: Record<string, string>;
  api: string;
}

let work: string;
let dataDir: string;
let ports: Record<string, number>;

beforeAll(async () => {
  // As root the embedded PostgreSQL runs as the postgres user, which must be able to enter the folder.
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-start-'));
  fs.chmodSync(work, 0o755);
  dataDir = path.join(work, 'data');
  const [api, temporal, ui, simulator, postgres, sdkMetrics] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  ports = { api, temporal, ui, simulator, postgres, sdkMetrics };
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function start(): Promise<Started> {
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(ports.api),
    TEMPORAL_DEV_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    SIMULATOR_PORT: String(ports.simulator),
    EMBEDDED_POSTGRES_PORT: String(ports.postgres),
    TEMPORAL_SDK_METRICS_PORT: String(ports.sdkMetrics),
    LOG_LEVEL: 'info',
  } as Record<string, string>;
  // Node loads tsx itself, so a signal reaches the service and not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!out.includes('Asana licence manager is running.')) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${out}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out, exited, env, api: `http://127.0.0.1:${ports.api}` };
}

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const secret = (name: string) => fs.readFileSync(path.join(dataDir, name), 'utf8').trim();
const pgUrl = (user: string, password: string, db = 'postgres') => `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${ports.postgres}/${db}`;

async function tryConnect(url: string): Promise<pg.Client | Error> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return client;
  } catch (err) {
    return err as Error;
  }
}

function postmasterPid(): number {
  return Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function readyz(api: string): Promise<number> {
  return fetch(`${api}/readyz`)
    .then((r) => r.status)
    .catch(() => 0);
}

/** Runs the banner's curl (its JSON body), authorizes through the simulator's consent, and validates. */
async function demoReadsBothSources(s: Started, token: string): Promise<void> {
  const body = /-d '(\{.*\})'/.exec(s.output())?.[1];
  expect(body, 'the banner shows a curl with a JSON body').toBeDefined();
  expect(JSON.parse(body!).connection.serviceAccountToken).toMatch(/\S{16,}/);
  const call = async (method: string, p: string, json?: unknown) => {
    const res = await fetch(`${s.api}${p}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json) });
    return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const created = await call('POST', '/api/profiles', JSON.parse(body!));
  expect(created.status).toBe(201);
  const start = await call('GET', `/api/profiles/${created.body.id}/oauth/authorize`);
  const consent = await fetch(start.body.authorizeUrl, { redirect: 'manual' });
  const back = await fetch(consent.headers.get('location')!, { redirect: 'manual', headers: { accept: 'application/json' } });
  expect(back.status).toBe(200);
  const validated = await call('POST', `/api/profiles/${created.body.id}/validate`);
  const activity = validated.body.validation.checks.filter((c: { api: string }) => c.api === 'Calculate Activity');
  expect(activity.map((c: { name: string; passed: boolean }) => [c.name, c.passed])).toEqual([['stories', true], ['auditLog', true]]);
}

describe('npm start', () => {
  it('keeps its data private, gives its PostgreSQL a generated password and the service a role of its own, and survives PostgreSQL dying', async () => {
    const s = await start();
    try {
      // 0600 files in 0700 folders (0711 for the top folder as root: the postgres user passes through it).
      expect(mode(dataDir)).toBe(os.userInfo().uid === 0 ? 0o711 : 0o700);
      for (const f of ['api-token', 'encryption.key', 'postgres-superuser-password', 'postgres-service-password', 'simulator-app-secret']) {
        expect([f, mode(path.join(dataDir, f))]).toEqual([f, 0o600]);
      }
      expect(mode(path.join(dataDir, 'temporal'))).toBe(0o700);
      expect(mode(path.join(dataDir, 'temporal', 'temporal.db'))).toBe(0o600);
      expect(mode(path.join(dataDir, 'outbox'))).toBe(0o700);

      // The fixed password of earlier versions opens nothing; the superuser's is generated and only in its file.
      expect(await tryConnect(pgUrl('postgres', 'postgres'))).toBeInstanceOf(Error);
      const superuser = await tryConnect(pgUrl('postgres', secret('postgres-superuser-password')));
      expect(superuser).toBeInstanceOf(pg.Client);
      const role = await (superuser as pg.Client).query<{ rolsuper: boolean; rolcreaterole: boolean; owner: string }>(
        `SELECT r.rolsuper, r.rolcreaterole, pg_get_userbyid(d.datdba) AS owner FROM pg_roles r, pg_database d WHERE r.rolname = 'licence_manager' AND d.datname = 'licence_manager'`,
      );
      await (superuser as pg.Client).end();
      expect(role.rows[0]).toEqual({ rolsuper: false, rolcreaterole: false, owner: 'licence_manager' });
      // The service's role cannot run programs on the server.
      const service = (await tryConnect(pgUrl('licence_manager', secret('postgres-service-password'), 'licence_manager'))) as pg.Client;
      await expect(service.query("COPY (SELECT 1) TO PROGRAM 'true'")).rejects.toThrow(/permission denied|must be superuser|privileges/);
      const tables = await service.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner <> 'licence_manager'");
      expect(tables.rows[0]!.n).toBe(0);
      await service.end();

      // The demo: the printed curl creates a profile that reads both activity sources of the Enterprise+ organization.
      const token = secret('api-token');
      await demoReadsBothSources(s, token);

      // PostgreSQL killed: readiness says so, the server is restarted, and the API serves from the database again.
      expect(await readyz(s.api)).toBe(200);
      process.kill(postmasterPid(), 'SIGKILL');
      const seen = new Set<number>();
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const status = await readyz(s.api);
        seen.add(status);
        if (seen.has(503) && status === 200) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect([...seen]).toContain(503);
      expect(await readyz(s.api)).toBe(200);
      const profiles = await fetch(`${s.api}/api/profiles`, { headers: { authorization: `Bearer ${token}` } });
      expect(profiles.status).toBe(200);
      expect(s.output()).toContain('embedded PostgreSQL restarted');
    } finally {
      s.child.kill('SIGINT');
    }
    expect(await s.exited).toBe(0);
  }, 180_000);

  it('stops with a clear message when its PostgreSQL cannot be brought back', async () => {
    const superPassword = secret('postgres-superuser-password');
    const s = await start();
    let squatter: net.Server | undefined;
    try {
      // The same data on the second start: the same generated password.
      expect(secret('postgres-superuser-password')).toBe(superPassword);
      process.kill(postmasterPid(), 'SIGKILL');
      // Something else takes the port before the restart can: every restart fails.
      for (let i = 0; i < 100 && !squatter; i++) {
        squatter = await new Promise<net.Server | undefined>((resolve) => {
          const server = net.createServer();
          server.once('error', () => resolve(undefined));
          server.listen(ports.postgres, '127.0.0.1', () => resolve(server));
        });
        if (!squatter) await new Promise((r) => setTimeout(r, 20));
      }
      expect(squatter).toBeDefined();
      const code = await Promise.race([s.exited, new Promise<string>((r) => setTimeout(() => r('still running'), 60_000))]);
      expect(code).toBe(1);
      expect(s.output()).toMatch(/The embedded PostgreSQL stopped \d+ times within \d+ minutes and is not restarted again/);
    } finally {
      if (s.child.exitCode === null) s.child.kill('SIGKILL');
      await new Promise((r) => squatter?.close(r) ?? r(undefined));
    }
  }, 180_000);
});
