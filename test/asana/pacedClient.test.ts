import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@licence-manager/asana-simulator';
import { AsanaClient } from '../../src/asana/client';
import { RequestPacer } from '../../src/asana/pacer';
import { start } from '../simulator/helpers';

// The simulator's limit: 10 requests per 2 s window per token, so a test sees several windows in seconds.
const LIMIT = 10;
const WINDOW_MS = 2_000;

describe('paced clients against the simulator', () => {
  let s: RunningSimulator;
  let a: string;
  let b: string;
  beforeAll(async () => {
    s = await start({ scenario: { members: 5, guests: 0, viewOnly: 0, admins: 1 } });
    a = `${s.url}${s.orgs.create({ key: 'paced-a', faults: { rateLimitPerMinute: LIMIT, rateLimitWindowSeconds: WINDOW_MS / 1000, latencyMs: 20 } }).path}`;
    b = `${s.url}${s.orgs.create({ key: 'paced-b', faults: { latencyMs: 20 } }).path}`;
  });
  afterAll(() => s.close());

  const clientOf = (base: string, token: string, pacer?: RequestPacer) =>
    new AsanaClient({ baseUrl: base, tokens: { getAccessToken: async () => token, refreshAccessToken: async () => token }, ...(pacer ? { pacer } : {}) });

  it("keeps three clients of one token inside the token's limit (no 429), while another token's client is not slowed", async () => {
    const sim = s.orgs.get('paced-a')!;
    const token = sim.issueToken().accessToken;
    const pacer = new RequestPacer({ requestsPerMinute: LIMIT, maxInFlight: 5, windowMs: WINDOW_MS, marginMs: 200 });
    const clients = [clientOf(a, token, pacer), clientOf(a, token, pacer), clientOf(a, token, pacer)];
    sim.clearRequests();
    const started = performance.now();
    const other = s.orgs.get('paced-b')!;
    const otherClient = clientOf(b, other.issueToken().accessToken, new RequestPacer({ requestsPerMinute: 1500, maxInFlight: 50 }));
    const [, otherMs] = await Promise.all([
      Promise.all(clients.map(async (c) => {
        for (let i = 0; i < 10; i++) await c.getMe();
      })),
      (async () => {
        const t = performance.now();
        for (let i = 0; i < 10; i++) await otherClient.getMe();
        return performance.now() - t;
      })(),
    ]);
    const wall = performance.now() - started;
    const log = sim.requests();
    expect(log).toHaveLength(30);
    expect(log.filter((e) => e.status === 429)).toHaveLength(0);
    // 30 requests at 10 a window: the last ten cannot start before two windows (plus margins) have passed.
    expect(wall).toBeGreaterThanOrEqual(2 * (WINDOW_MS + 200) - 50);
    // No window of the simulator's held more than its limit.
    const times = log.map((e) => Date.parse(e.startedAt)).sort((x, y) => x - y);
    for (const t of times) expect(times.filter((x) => x >= t && x < t + WINDOW_MS).length).toBeLessThanOrEqual(LIMIT);
    // The other organization's ten requests went at the speed of its latency, not of the first one's budget.
    expect(otherMs).toBeLessThan(WINDOW_MS);
  });

  it('without a pacer the same load meets 429s (what the pacer spares)', async () => {
    const sim = s.orgs.get('paced-a')!;
    await new Promise((r) => setTimeout(r, WINDOW_MS + 100));
    const token = sim.issueToken().accessToken;
    sim.clearRequests();
    const clients = [clientOf(a, token), clientOf(a, token), clientOf(a, token)];
    await Promise.all(clients.map(async (c) => {
      for (let i = 0; i < 6; i++) await c.getMe();
    }));
    expect(sim.requests().filter((e) => e.status === 429).length).toBeGreaterThan(0);
  });
});
