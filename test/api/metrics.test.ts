// Prometheus metrics: the API's /metrics after a run, and the standalone worker's own port (with the Temporal
// SDK's worker metrics) and its readiness.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile, runJob } from '../support/runs';
import { freePort } from '../support/ports';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario: { seed: 5, members: 250, guests: 0, viewOnly: 0, admins: 1, deactivatedMembers: 0 } });
});
afterAll(async () => h?.close());

const sample = (text: string, name: string, labels: Record<string, string>) => {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').at(-1)) : undefined;
};

describe('metrics', () => {
  it('count a download run with its outcome, the Asana requests it made, and the API requests by route', async () => {
    const profileId = await readyProfile(h, { reclaimSubscriptions: false });
    expect((await runJob(h, profileId, 'download')).ok).toBe(true);
    expect((await fetch(`${h.apiUrl}/metrics`)).status).toBe(401);
    const res = await fetch(`${h.apiUrl}/metrics`, { headers: { authorization: `Bearer ${h.apiToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(sample(text, 'licence_runs_total', { kind: 'download', outcome: 'succeeded' })).toBe(1);
    expect(sample(text, 'licence_run_duration_seconds_count', { kind: 'download', outcome: 'succeeded' })).toBe(1);
    // 250 members and one deactivated-free organization: 3 membership pages, each one request.
    expect(sample(text, 'licence_asana_requests_total', { endpoint: '/workspaces/{gid}/workspace_memberships', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'licence_api_requests_total', { method: 'POST', route: '/api/profiles/:id/runs', status: '202' })).toBe(1);
    expect(text).toMatch(/^licence_removal_candidates\{state="ready"\} \d+$/m);
    expect(text).toContain('licence_seats_reclaimed_total');
  });

  it('the standalone worker serves /metrics (with the Temporal SDK worker metrics), /healthz and /readyz on its own port', async () => {
    const [metricsPort, sdkPort] = await Promise.all([freePort(), freePort()]);
    const root = path.join(__dirname, '..', '..');
    // A worker of its own on another task queue: the harness's worker keeps serving this one.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: root,
      env: { ...process.env, ...h.workerEnv, TEMPORAL_TASK_QUEUE: `${h.taskQueue}-own`, METRICS_PORT: String(metricsPort), TEMPORAL_SDK_METRICS_PORT: String(sdkPort), LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const base = `http://127.0.0.1:${metricsPort}`;
      await expect.poll(() => fetch(`${base}/readyz`).then((r) => r.status).catch(() => 0), { timeout: 60_000, interval: 250 }).toBe(200);
      const ready = await (await fetch(`${base}/readyz`)).json();
      expect(ready).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok', worker: 'ok' } });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('licence_runs_total');
      expect(text).toMatch(/^temporal_\w+/m);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(out).not.toContain(h.workerEnv.ENCRYPTION_KEY!);
  }, 90_000);
});
