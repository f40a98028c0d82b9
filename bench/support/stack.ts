// One benchmark's service: its own database, the Asana simulator over real HTTP, the API on a free
// port, and workers in processes of their own (workerProcess.ts) on a task queue of its own.
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { reserveApiPort } from '../../test/support/apiServer';
import { serviceEnv, testServices } from '../../test/support/services';
import { createApp } from '../../src/api/app';
import { apiDeps } from '../../src/services';
import { startSimulator, type RunningSimulator } from '@licence-manager/asana-simulator';
import type { Db } from '../../src/db/pool';
import type { BenchEnv } from './env';
import type { MemoryReport, WorkerReply, WorkerRequest } from './protocol';

export type JobKind = 'download' | 'activity';

export interface WorkerHandle {
  pid: number;
  /** Collects garbage in the worker and starts a fresh measurement from there. */
  baseline(): Promise<{ rss: number; heapUsed: number }>;
  report(): Promise<MemoryReport>;
  stop(): Promise<void>;
}

export interface RunOutcome {
  workflowId: string;
  /** From POST .../runs to the workflow's result. */
  wallMs: number;
  counts: Record<string, number>;
}

export interface Stack {
  db: Db;
  sim: RunningSimulator;
  temporal: Client;
  taskQueue: string;
  /** A simulator of its own (e.g. a small organization to warm a worker up on), with the app registered. */
  extraSimulator(scenario: Record<string, unknown>): Promise<RunningSimulator>;
  /**
   * Another organization in the stack's simulator (`POST /_sim/orgs`), with the app registered and its own faults
   * (limit, latency); answers its base URL, `<simulator>/orgs/<key>`.
   */
  addOrganization(key: string, scenario: Record<string, unknown>, faults?: Record<string, unknown>): Promise<string>;
  simControl(method: string, path: string, body?: unknown, simUrl?: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  startWorker(extraEnv?: Record<string, string>): Promise<WorkerHandle>;
  /** Creates, authorizes and validates a profile (reclaiming off unless options say otherwise). */
  /**
   * A created, authorized and validated profile. `unpaced`: its Asana budget lifted past any plan's (the API refuses
   * more than 1,500 a minute), for runs meant to be bound by this machine rather than by a token's limit.
   */
  readyProfile(opts?: { options?: Record<string, unknown>; baseUrl?: string; source?: 'auditLog' | 'stories'; unpaced?: boolean }): Promise<string>;
  runJob(profileId: string, job: JobKind): Promise<RunOutcome>;
  /** Makes the profile's next activity run read its sources (the audit log, every project's stories) from their start again. */
  resetActivity(profileId: string): Promise<void>;
  close(): Promise<void>;
}

interface ApiResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** A budget no walk on this machine comes near (a minute of 100 requests a millisecond). */
const UNPACED_BUDGET = 6_000_000;

export async function startStack(env: BenchEnv, opts: { scenario?: Record<string, unknown> } = {}): Promise<Stack> {
  const db = await env.createDatabase();
  const sims: RunningSimulator[] = [];
  const sim = await startSimulator({ port: 0, scenario: opts.scenario });
  sims.push(sim);
  const taskQueue = `bench-${crypto.randomBytes(5).toString('hex')}`;
  const apiToken = crypto.randomBytes(16).toString('hex');
  const server = await reserveApiPort();
  const apiUrl = server.apiUrl;
  const settings = {
    databaseUrl: db.url,
    temporalAddress: env.temporalAddress,
    taskQueue,
    encryptionKey: crypto.randomBytes(32).toString('hex'),
    apiToken,
    publicBaseUrl: apiUrl,
    asanaBaseUrl: sim.url,
  };
  const services = await testServices(settings, env.logger);
  server.serve(createApp(apiDeps(services)));
  const { temporal } = services;

  const app = { clientId: `app-${taskQueue}`, clientSecret: crypto.randomBytes(18).toString('hex') };
  const simControl: Stack['simControl'] = async (method, p, body, simUrl = sim.url) => {
    const res = await fetch(`${simUrl}${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator ${method} ${p} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const registerApp = (simUrl: string) =>
    simControl('POST', '/_sim/apps', { ...app, redirectUris: [`${apiUrl}/oauth_redirect`, `${apiUrl}/oauth_redirect.do`] }, simUrl);
  await registerApp(sim.url);

  const api = async (method: string, p: string, body?: unknown): Promise<ApiResponse> => {
    const res = await fetch(`${apiUrl}${p}`, {
      method,
      headers: { accept: 'application/json', authorization: `Bearer ${apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, text };
  };
  const expectStatus = (res: ApiResponse, status: number, what: string) => {
    if (res.status !== status) throw new Error(`${what} answered ${res.status}: ${res.text}`);
  };

  const workerEnv = { ...serviceEnv(settings), WORKFLOW_BUNDLE_PATH: env.bundlePath };
  const workers = new Set<WorkerHandle>();

  async function startWorker(extraEnv: Record<string, string> = {}): Promise<WorkerHandle> {
    const child: ChildProcess = fork(path.join(__dirname, 'workerProcess.ts'), [], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, ...workerEnv, ...extraEnv },
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.on('message', (m: { ready?: boolean }) => {
        if (m?.ready) resolve();
      });
      child.once('exit', (code) => reject(new Error(`bench worker exited early with ${code}`)));
    });
    let nextId = 1;
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    child.on('message', (m: WorkerReply) => {
      const p = pending.get(m?.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.error));
    });
    const call = <T>(cmd: WorkerRequest['cmd']): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd } satisfies WorkerRequest);
      });
    const handle: WorkerHandle = {
      pid: child.pid!,
      baseline: () => call('baseline'),
      report: () => call('report'),
      async stop() {
        workers.delete(handle);
        if (child.exitCode !== null) return;
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await call('stop').catch(() => undefined);
        await exited;
        clearTimeout(timer);
      },
    };
    workers.add(handle);
    return handle;
  }

  async function authorize(profileId: string): Promise<void> {
    const start = await api('GET', `/api/profiles/${profileId}/oauth/authorize`);
    expectStatus(start, 200, 'authorize');
    const consent = await fetch(start.body.authorizeUrl as string, { redirect: 'manual' });
    const location = consent.headers.get('location');
    if (consent.status !== 302 || !location) throw new Error(`simulator consent answered ${consent.status}`);
    const back = await fetch(location, { redirect: 'manual', headers: { accept: 'application/json' } });
    if (back.status !== 200) throw new Error(`OAuth redirect answered ${back.status}: ${await back.text()}`);
  }

  return {
    db,
    sim,
    temporal,
    taskQueue,
    async extraSimulator(scenario) {
      const extra = await startSimulator({ port: 0, scenario });
      sims.push(extra);
      await registerApp(extra.url);
      return extra;
    },
    async addOrganization(key, scenario, faults = {}) {
      const made = (await simControl('POST', '/_sim/orgs', { key, scenario, faults, apps: [{ ...app, redirectUris: [`${apiUrl}/oauth_redirect`, `${apiUrl}/oauth_redirect.do`] }] })) as { path: string };
      return `${sim.url}${made.path}`;
    },
    simControl,
    startWorker,
    async readyProfile(o = {}) {
      // The audit log alone (source auditLog) is read with a Service Account's token, as Asana requires.
      const auditLog = o.source === 'auditLog' ? { serviceAccountToken: ((await simControl('POST', '/_sim/service-accounts', {}, o.baseUrl)) as { token: string }).token } : {};
      const created = await api('POST', '/api/profiles', {
        displayName: `Bench ${crypto.randomBytes(3).toString('hex')}`,
        options: { reclaimSubscriptions: false, ...(o.source ? { activitySources: [o.source] } : {}), ...o.options },
        connection: { clientId: app.clientId, clientSecret: app.clientSecret, ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}), ...auditLog },
      });
      expectStatus(created, 201, 'POST /api/profiles');
      const id = created.body.id as string;
      await authorize(id);
      const validated = await api('POST', `/api/profiles/${id}/validate`);
      if (validated.body?.validation?.passed !== true) throw new Error(`validation did not pass: ${validated.text}`);
      // After the last change of the profile's state (its workflow writes its own copy of the options with each),
      // straight into the row: the API refuses a budget above 1,500. A worker that has paced this profile already
      // (the validation) reads the budget again within 30 s.
      if (o.unpaced) await db.query(`UPDATE profiles SET options = options || jsonb_build_object('asanaRequestsPerMinute', $2::int) WHERE id = $1`, [id, UNPACED_BUDGET]);
      return id;
    },
    async runJob(profileId, job) {
      const started = performance.now();
      const res = await api('POST', `/api/profiles/${profileId}/runs`, { job });
      expectStatus(res, 202, `POST /api/profiles/${profileId}/runs`);
      const workflowId = res.body.workflowId as string;
      const counts = (await temporal.workflow.getHandle(workflowId).result()) as Record<string, number>;
      return { workflowId, wallMs: performance.now() - started, counts };
    },
    async resetActivity(profileId) {
      await db.query('DELETE FROM activity_cursors WHERE profile_id = $1', [profileId]);
      await db.query('DELETE FROM user_activity WHERE profile_id = $1', [profileId]);
      await db.query('DELETE FROM story_project_cursors WHERE profile_id = $1', [profileId]);
    },
    async close() {
      await Promise.allSettled([...workers].map((w) => w.stop()));
      await services.close();
      await server.close();
      await Promise.allSettled(sims.map((s) => s.close()));
    },
  };
}
