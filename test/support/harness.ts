// A whole service for one test file: its own database and task queue, a simulator over HTTP, the real
// Temporal dev server of the run, a worker and the API listening on loopback.
import crypto from 'node:crypto';
import { inject } from 'vitest';
import type { Client } from '@temporalio/client';
import { reserveApiPort } from './apiServer';
import { cloneTemplate } from './infrastructure';
import { serviceEnv, testServices } from './services';
import { createLogger } from '../../src/logger';
import type { SecretBox } from '../../src/secrets/secretBox';
import { createWorker } from '../../src/worker';
import { createApp } from '../../src/api/app';
import { apiDeps } from '../../src/services';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { startSimulator, type RunningSimulator } from '@licence-manager/asana-simulator';
import type { Db } from '../../src/db/pool';

export interface Harness {
  apiUrl: string;
  /** What a worker in another process needs to join this harness (see startWorkerProcess). */
  workerEnv: Record<string, string>;
  apiToken: string;
  db: Db;
  box: SecretBox;
  sim: RunningSimulator;
  temporal: Client;
  taskQueue: string;
  app: { clientId: string; clientSecret: string };
  /** JSON request to the API with the bearer token (unless `token: null`). */
  api(method: string, path: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string> }): Promise<ApiResponse>;
  /** POST/GET to the simulator's control endpoints. */
  simControl(method: string, path: string, body?: unknown): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Follows the whole authorization-code flow: API → simulator consent → our redirect. */
  authorize(profileId: string): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export interface HarnessOptions {
  scenario?: Record<string, unknown>;
  /** false: no worker in this process; start one with startWorkerProcess (to kill it like a crash). */
  inProcessWorker?: boolean;
  /** Where notify-and-wait emails go (an SMTP server the test runs); without it, none are sent. */
  smtpUrl?: string;
  /** Collects every log line of the service (at debug level) here, for tests that read the logs. */
  logLines?: string[];
  /** Another Temporal server than the run's shared one (a test that restarts its own). */
  temporalAddress?: string;
  /** A migrated database of the test's own instead of a clone of the run's template (a test that restarts its own PostgreSQL). */
  databaseUrl?: string;
  /** The Temporal Web UI the console links runs to. */
  temporalUiUrl?: string;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const logger = opts.logLines
    ? createLogger('debug', 'test', { write: (line: string) => void opts.logLines!.push(line) })
    : createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', 'test');
  installTemporalRuntime(logger);
  const databaseUrl = opts.databaseUrl ?? (await cloneTemplate(inject('postgresAdminUrl'), inject('templateDatabase'), 't'));
  const sim = await startSimulator({ port: 0, scenario: opts.scenario });
  const temporalAddress = opts.temporalAddress ?? inject('temporalAddress');
  const taskQueue = `test-${crypto.randomBytes(5).toString('hex')}`;
  const settings = {
    databaseUrl,
    temporalAddress,
    taskQueue,
    encryptionKey: crypto.randomBytes(32).toString('hex'),
    apiToken: crypto.randomBytes(16).toString('hex'),
    asanaBaseUrl: sim.url,
    smtpUrl: opts.smtpUrl,
    temporalUiUrl: opts.temporalUiUrl,
  };
  const server = await reserveApiPort();
  const apiUrl = server.apiUrl;
  const services = await testServices({ ...settings, publicBaseUrl: apiUrl }, logger);
  server.serve(createApp(apiDeps(services)));
  const { db, box, temporal } = services;
  const apiToken = settings.apiToken;

  const app = { clientId: `app-${taskQueue}`, clientSecret: crypto.randomBytes(18).toString('hex') };
  await fetch(`${sim.url}/_sim/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...app, redirectUris: [`${apiUrl}/oauth_redirect`, `${apiUrl}/oauth_redirect.do`] }),
  });

  const inProcess = opts.inProcessWorker === false ? null : await createWorker(services, { workflowBundlePath: inject('workflowBundlePath') });
  const running = inProcess?.worker.run();

  const api: Harness['api'] = async (method, path, body, o = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    const token = o.token === undefined ? apiToken : o.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    return toResponse(res);
  };

  return {
    apiUrl,
    workerEnv: { ...serviceEnv({ ...settings, publicBaseUrl: apiUrl }), WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath') },
    apiToken,
    db,
    box,
    sim,
    temporal,
    taskQueue,
    app,
    api,
    async simControl(method, path, body) {
      const res = await fetch(`${sim.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`simulator ${method} ${path} answered ${res.status}: ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async authorize(profileId) {
      const start = await api('GET', `/api/profiles/${profileId}/oauth/authorize`);
      if (start.status !== 200) return start;
      const consent = await fetch(start.body.authorizeUrl as string, { redirect: 'manual' });
      const location = consent.headers.get('location');
      if (consent.status !== 302 || !location) throw new Error(`simulator consent answered ${consent.status}`);
      return toResponse(await fetch(location, { redirect: 'manual', headers: { accept: 'application/json' } }));
    },
    async close() {
      if (inProcess) {
        inProcess.worker.shutdown();
        await running;
        await inProcess.connection.close();
      }
      await server.close();
      await services.close();
      await sim.close();
    },
  };
}

async function toResponse(res: Response): Promise<ApiResponse> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (an HTML page): the text is there
  }
  return { status: res.status, headers: res.headers, body, text };
}
