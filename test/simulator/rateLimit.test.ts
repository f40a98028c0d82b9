import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@licence-manager/asana-simulator';
import { api, control, fakeClock, sleep, start } from './helpers';

describe('rate limit (real time)', () => {
  let s: RunningSimulator;
  beforeAll(async () => {
    s = await start({ scenario: { members: 5, guests: 0, viewOnly: 0, admins: 1 } });
  });
  afterAll(() => s.close());

  it('answers 429 with Retry-After over the limit, and admits again after waiting it', async () => {
    const faults = await control(s.url, 'POST', '/faults', { rateLimitPerMinute: 10, rateLimitWindowSeconds: 2 });
    expect(faults.body).toMatchObject({ rateLimitPerMinute: 10, rateLimitWindowSeconds: 2, effectiveRateLimit: 10 });
    const token = s.sim.issueToken().accessToken;
    for (let i = 0; i < 10; i++) expect((await api(s.url, token, '/users/me')).status).toBe(200);
    const limited = await api(s.url, token, '/users/me');
    expect(limited.status).toBe(429);
    const retryAfter = limited.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(2);
    expect(limited.body.errors[0].message).toMatch(/too many requests/i);

    // Another token has its own quota.
    expect((await api(s.url, s.sim.issueToken().accessToken, '/users/me')).status).toBe(200);

    await sleep(Number(retryAfter) * 1000);
    expect((await api(s.url, token, '/users/me')).status).toBe(200);
    await control(s.url, 'DELETE', '/faults');
  });
});

describe('rate limit (moved clock)', () => {
  const clock = fakeClock();
  let s: RunningSimulator;
  beforeAll(async () => {
    s = await start({ now: clock.now, scenario: { members: 5, guests: 0, viewOnly: 0, admins: 1 } });
  });
  afterAll(() => s.close());

  it('counts rejected requests against the quota', async () => {
    s.sim.setFaults({ rateLimitPerMinute: 10 });
    const token = s.sim.issueToken().accessToken;
    for (let i = 0; i < 10; i++) expect((await api(s.url, token, '/users/me')).status).toBe(200);
    clock.advance(30_000);
    // Five rejected requests half-way through the window...
    const rejected = [];
    for (let i = 0; i < 5; i++) rejected.push(await api(s.url, token, '/users/me'));
    expect(rejected.map((r) => r.status)).toEqual([429, 429, 429, 429, 429]);
    expect(rejected.map((r) => Number(r.headers.get('retry-after')))).toEqual([30, 30, 30, 30, 30]);
    // ...still occupy it after the first ten have left: only five are admitted.
    clock.advance(30_000);
    const next = [];
    for (let i = 0; i < 6; i++) next.push((await api(s.url, token, '/users/me')).status);
    expect(next).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('applies the plan limit (free 150/min) unless a fault overrides it', async () => {
    s.sim.clearFaults();
    s.sim.loadScenario({ members: 5, guests: 0, viewOnly: 0, admins: 1, plan: 'free' });
    expect(s.sim.getFaults().effectiveRateLimit).toBe(150);
    const token = s.sim.issueToken().accessToken;
    const statuses = [];
    for (let i = 0; i < 151; i++) statuses.push((await api(s.url, token, '/users/me')).status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(150);
    expect(statuses[150]).toBe(429);
    s.sim.loadScenario({ members: 5, guests: 0, viewOnly: 0, admins: 1, plan: 'paid' });
    expect(s.sim.getFaults().effectiveRateLimit).toBe(1500);
    s.sim.setFaults({ rateLimitPerMinute: 7 });
    expect(s.sim.getFaults().effectiveRateLimit).toBe(7);
  });
});
