import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile } from '../support/runs';
import { createAsanaClients } from '../../src/profiles/asanaClients';
import { createTokenPacers } from '../../src/profiles/tokenPacers';
import { getConnection } from '../../src/store/profiles';

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

  it("paces each profile's clients to its own budget, split between the worker processes", async () => {
    const slow = await readyProfile(h, { asanaRequestsPerMinute: 150, reclaimSubscriptions: false });
    const fast = await readyProfile(h, { reclaimSubscriptions: false });
    const pacers = createTokenPacers({ maxInFlight: 50, workers: 2 });
    const clients = createAsanaClients({ db: h.db, box: h.box, pacers });
    for (const id of [slow, fast]) await clients.forConnection((await getConnection(h.db, id))!).getMe();
    expect(pacers.limitsOf(slow, 'oauth')).toEqual({ requestsPerMinute: 75, maxInFlight: 25 });
    expect(pacers.limitsOf(fast, 'oauth')).toEqual({ requestsPerMinute: 750, maxInFlight: 25 });
    expect(pacers.limitsOf(slow, 'service_account')).toBeNull();
  });
});
