import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile } from '../support/runs';
import { createAsanaClients } from '../../src/profiles/asanaClients';
import { createTokenPacers } from '../../src/profiles/tokenPacers';
import { getConnection } from '../../src/store/profiles';
import { admitAsanaRequests, type Admission } from '../../src/store/asanaBudget';
import { AsanaClient } from '../../src/asana/client';
import { RequestPacer } from '../../src/asana/pacer';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario: { members: 20, guests: 0, viewOnly: 0, admins: 1 } });
});
afterAll(async () => h?.close());

describe("a profile's Asana budget (asanaRequestsPerMinute)", () => {
  it('refuses a budget that is not a whole number from 1 to 1,500 with a 400 naming the field, and creates nothing', async () => {
    const before = (await h.api('GET', '/api/profiles')).body.total as number;
    for (const bad of [0, 1501, 12.5, 'fast', null]) {
      const res = await h.api('POST', '/api/profiles', { displayName: 'Budget', options: { asanaRequestsPerMinute: bad } });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.text).toMatch(/asanaRequestsPerMinute/);
    }
    expect((await h.api('GET', '/api/profiles')).body.total).toBe(before);
  });

  it("defaults to Asana's paid limit (1,500), keeps what it is given and takes a change", async () => {
    const plain = await h.api('POST', '/api/profiles', { displayName: 'Default budget' });
    expect(plain.body.options.asanaRequestsPerMinute).toBe(1500);
    const free = await h.api('POST', '/api/profiles', { displayName: 'Free plan', options: { asanaRequestsPerMinute: 150 } });
    expect(free.status).toBe(201);
    expect(free.body.options.asanaRequestsPerMinute).toBe(150);
    const changed = await h.api('PATCH', `/api/profiles/${free.body.id}`, { options: { asanaRequestsPerMinute: 100 } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.options.asanaRequestsPerMinute).toBe(100);
  });

  it("paces each profile's clients to its own budget", async () => {
    const slow = await readyProfile(h, { asanaRequestsPerMinute: 150, reclaimSubscriptions: false });
    const fast = await readyProfile(h, { reclaimSubscriptions: false });
    const pacers = createTokenPacers({ maxInFlight: 50 });
    const clients = createAsanaClients({ db: h.db, box: h.box, pacers });
    for (const id of [slow, fast]) await clients.forConnection((await getConnection(h.db, id))!).getMe();
    expect(pacers.limitsOf(slow, 'oauth')).toEqual({ requestsPerMinute: 150, maxInFlight: 50 });
    expect(pacers.limitsOf(fast, 'oauth')).toEqual({ requestsPerMinute: 1500, maxInFlight: 50 });
    expect(pacers.limitsOf(slow, 'service_account')).toBeNull();
  });

  it("books a token's window in PostgreSQL: a request over the limit waits until the oldest leaves, whoever asks", async () => {
    const key = `test-${Date.now()}`;
    const answers: Admission[] = [];
    for (let i = 0; i < 4; i++) answers.push(await admitAsanaRequests(h.db, key, 3, 1_500));
    expect(answers.slice(0, 3)).toEqual([1, 1, 1].map((booked) => ({ booked, waitMs: 0 })));
    expect(answers[3]!.booked).toBe(0);
    expect(answers[3]!.waitMs).toBeGreaterThan(1_000);
    expect(answers[3]!.waitMs).toBeLessThanOrEqual(1_500);
    // Another token has its own window.
    expect(await admitAsanaRequests(h.db, `${key}-other`, 3, 1_500)).toEqual({ booked: 1, waitMs: 0 });
    await new Promise((r) => setTimeout(r, answers[3]!.waitMs));
    expect(await admitAsanaRequests(h.db, key, 3, 1_500)).toEqual({ booked: 1, waitMs: 0 });
  });

  it('books several places in one call, as many as the window has room for', async () => {
    const key = `test-many-${Date.now()}`;
    expect(await admitAsanaRequests(h.db, key, 5, 60_000, 3)).toEqual({ booked: 3, waitMs: 0 });
    expect(await admitAsanaRequests(h.db, key, 5, 60_000, 3)).toEqual({ booked: 2, waitMs: 0 });
    const full = await admitAsanaRequests(h.db, key, 5, 60_000, 3);
    expect(full.booked).toBe(0);
    expect(full.waitMs).toBeGreaterThan(55_000);
  });

  it("keeps a token inside its limit when two worker processes' pacers send with it (no 429), which their own windows alone do not", async () => {
    // Two pacers stand for two worker processes: each process has its own, sharing only the database.
    const WINDOW_MS = 2_000;
    const LIMIT = 8;
    const org = h.sim.orgs.create({ key: `budget-${Date.now()}`, faults: { rateLimitPerMinute: LIMIT, rateLimitWindowSeconds: WINDOW_MS / 1000, latencyMs: 10 } });
    const sim = h.sim.orgs.get(org.key)!;
    const base = `${h.sim.url}${org.path}`;
    const run = async (shared: boolean) => {
      await new Promise((r) => setTimeout(r, WINDOW_MS + 300));
      const token = sim.issueToken().accessToken;
      const key = `${org.key}/${token.slice(0, 6)}`;
      const pacerOf = () =>
        new RequestPacer({ requestsPerMinute: LIMIT, maxInFlight: 10, windowMs: WINDOW_MS, marginMs: 200, ...(shared ? { shared: (limit: number, windowMs: number, want: number) => admitAsanaRequests(h.db, key, limit, windowMs, want) } : {}) });
      const workers = [pacerOf(), pacerOf()];
      sim.clearRequests();
      await Promise.all(
        workers.map(async (pacer) => {
          const client = new AsanaClient({ baseUrl: base, tokens: { getAccessToken: async () => token, refreshAccessToken: async () => token }, pacer });
          for (let i = 0; i < 8; i++) await client.getMe();
        }),
      );
      return sim.requests().filter((e) => e.status === 429).length;
    };
    expect(await run(true)).toBe(0);
    expect(await run(false)).toBeGreaterThan(0);
  });
});
