import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@licence-manager/asana-simulator';
import { api, control, start } from './helpers';

describe('injected faults', () => {
  let s: RunningSimulator;
  let token: string;
  beforeAll(async () => {
    s = await start({ scenario: { seed: 6, members: 5, guests: 0, viewOnly: 0, admins: 1 } });
    token = s.sim.issueToken().accessToken;
  });
  afterAll(() => s.close());

  it('answers 500s at the error rate, reproducibly for a seed', async () => {
    const run = async (): Promise<number[]> => {
      await control(s.url, 'POST', '/faults', { errorRate: 0.5, seed: 99 });
      const statuses = [];
      for (let i = 0; i < 40; i++) statuses.push((await api(s.url, token, '/users/me')).status);
      return statuses;
    };
    const first = await run();
    expect(first.filter((x) => x === 500).length).toBeGreaterThan(8);
    expect(first.filter((x) => x === 200).length).toBeGreaterThan(8);
    expect(await run()).toEqual(first);

    await control(s.url, 'DELETE', '/faults');
    for (let i = 0; i < 10; i++) expect((await api(s.url, token, '/users/me')).status).toBe(200);
  });

  it('fails exactly the next N requests when asked', async () => {
    await control(s.url, 'POST', '/faults', { failNextRequests: 2 });
    const responses = [];
    for (let i = 0; i < 4; i++) responses.push(await api(s.url, token, '/users/me'));
    expect(responses.map((r) => r.status)).toEqual([500, 500, 200, 200]);
    expect(responses[0]?.body.errors[0]).toEqual({ message: 'Server Error', help: expect.any(String), phrase: expect.stringMatching(/^\d+ \w+ \w+ \w+ \w+$/) });
  });

  it('delays API responses by latencyMs and leaves control endpoints alone', async () => {
    const set = await control(s.url, 'POST', '/faults', { latencyMs: 300 });
    expect(set.body.latencyMs).toBe(300);
    const t0 = performance.now();
    expect((await api(s.url, token, '/users/me')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(295);
    const t1 = performance.now();
    await control(s.url, 'GET', '/state');
    expect(performance.now() - t1).toBeLessThan(250);
    const cleared = await control(s.url, 'DELETE', '/faults');
    expect(cleared.body).toMatchObject({ latencyMs: 0, errorRate: 0, rateLimitPerMinute: null, failNextRequests: 0 });
  });

  it('rejects faults it does not know', async () => {
    const res = await control(s.url, 'POST', '/faults', { errorRate: 2, chaos: true });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/errorRate/);
    expect(res.body.error).toMatch(/chaos/);
  });
});
