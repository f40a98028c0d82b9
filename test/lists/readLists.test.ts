import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { daysAgo, seedOtherProfile, seedProfile, type Seeded } from './seed';
import { expectProblem, fieldsOf } from './problems';

let h: Harness;
let s: Seeded;
let base: string;

beforeAll(async () => {
  h = await startHarness();
  s = await seedProfile(h);
  await seedOtherProfile(h);
  base = `/api/profiles/${s.profileId}`;
});
afterAll(async () => h?.close());

const gids = (body: { items: { userGid: string }[] }) => body.items.map((i) => i.userGid);
const near = (value: string, expected: Date) => Math.abs(Date.parse(value) - expected.getTime()) < 60_000;

describe('GET .../subscriptions', () => {
  it('lists every subscription of the profile, ordered by user gid, with its model and last activity', async () => {
    const res = await h.api('GET', `${base}/subscriptions`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ total: 16, limit: 50, offset: 0 });
    expect(gids(res.body)).toEqual(Array.from({ length: 16 }, (_, i) => String(1001 + i)));
    const ada = res.body.items[0];
    expect(Object.keys(ada).sort()).toEqual(
      ['userGid', 'name', 'email', 'identifier', 'modelId', 'model', 'isAdmin', 'accountCreatedAt', 'status', 'firstSeenAt', 'lastSeenAt', 'endedAt', 'lastActivityAt'].sort(),
    );
    expect(ada).toMatchObject({ userGid: '1001', name: 'Ada', email: 'ada@example.com', identifier: 'member', modelId: s.models.member, model: 'Member', isAdmin: true, status: 'active', endedAt: null });
    expect(near(ada.lastActivityAt, daysAgo(1))).toBe(true);
    const eve = res.body.items.find((i: { userGid: string }) => i.userGid === '1005');
    expect(eve.lastActivityAt).toBeNull();
    const max = res.body.items.find((i: { userGid: string }) => i.userGid === '1013');
    expect(max).toMatchObject({ identifier: 'guest_view_only', modelId: null, model: null });
    const gus = res.body.items.find((i: { userGid: string }) => i.userGid === '1007');
    expect(gus.status).toBe('ended');
    expect(near(gus.endedAt, daysAgo(5))).toBe(true);
  });

  it('pages with limit and offset, keeping the total', async () => {
    const second = await h.api('GET', `${base}/subscriptions?limit=5&offset=5`);
    expect(second.body).toMatchObject({ total: 16, limit: 5, offset: 5 });
    expect(gids(second.body)).toEqual(['1006', '1007', '1008', '1009', '1010']);
    const last = await h.api('GET', `${base}/subscriptions?limit=5&offset=15`);
    expect(gids(last.body)).toEqual(['1016']);
    const beyond = await h.api('GET', `${base}/subscriptions?limit=5&offset=100`);
    expect(beyond.body).toMatchObject({ items: [], total: 16, offset: 100 });
  });

  it('filters by status, identifier, model, user gid and email', async () => {
    expect((await h.api('GET', `${base}/subscriptions?status=active`)).body.total).toBe(12);
    expect(gids((await h.api('GET', `${base}/subscriptions?status=ended`)).body)).toEqual(['1007', '1008', '1011', '1015']);
    expect(gids((await h.api('GET', `${base}/subscriptions?identifier=guest_view_only`)).body)).toEqual(['1013', '1014', '1015']);
    expect((await h.api('GET', `${base}/subscriptions?modelId=${s.models.member}`)).body.total).toBe(8);
    const activeGuests = await h.api('GET', `${base}/subscriptions?modelId=${s.models.guest}&status=active`);
    expect(gids(activeGuests.body)).toEqual(['1009', '1010']);
    expect(gids((await h.api('GET', `${base}/subscriptions?userGid=1002`)).body)).toEqual(['1002']);
    const byEmail = await h.api('GET', `${base}/subscriptions?email=${encodeURIComponent('ben.stone@example.com')}`);
    expect(byEmail.body.items).toHaveLength(1);
    expect(byEmail.body.items[0].email).toBe('Ben.Stone@Example.com');
    expect((await h.api('GET', `${base}/subscriptions?identifier=nobody`)).body).toMatchObject({ items: [], total: 0 });
  });

  it('inactiveSince keeps those last active before it and those with no recorded activity', async () => {
    const since = encodeURIComponent(daysAgo(60).toISOString());
    const all = await h.api('GET', `${base}/subscriptions?inactiveSince=${since}`);
    expect(gids(all.body)).toEqual(['1003', '1004', '1005', '1006', '1007', '1008', '1011', '1012', '1014', '1015', '1016']);
    const active = await h.api('GET', `${base}/subscriptions?inactiveSince=${since}&status=active&limit=3&offset=3`);
    expect(active.body.total).toBe(7);
    expect(gids(active.body)).toEqual(['1006', '1012', '1014']);
    const date = daysAgo(50).toISOString().slice(0, 10);
    const byDate = await h.api('GET', `${base}/subscriptions?inactiveSince=${date}&identifier=guest`);
    expect(gids(byDate.body)).toEqual(['1011']);
  });

  it('refuses a bad filter with a 400 naming it', async () => {
    const cases: [string, string][] = [
      ['status=gone', 'status'],
      ['modelId=abc', 'modelId'],
      ['inactiveSince=yesterday', 'inactiveSince'],
      ['limit=0', 'limit'],
      ['offset=-1', 'offset'],
      ['userGid=abc', 'userGid'],
      ['email=not-an-email', 'email'],
      ['colour=blue', 'colour'],
    ];
    for (const [query, field] of cases) {
      const res = await h.api('GET', `${base}/subscriptions?${query}`);
      expectProblem(res, 400, new RegExp(field));
      expect(fieldsOf(res)).toContain(field);
    }
  });
});

describe('GET .../software-models', () => {
  it('lists the models with their identifiers, active seats and rule, ordered by edition', async () => {
    const res = await h.api('GET', `${base}/software-models`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.items.map((m: { edition: string }) => m.edition)).toEqual(['Guest', 'Member', 'View-only member']);
    expect(res.body.items[1]).toMatchObject({
      id: s.models.member,
      publisher: 'Asana',
      product: 'Asana',
      edition: 'Member',
      identifiers: ['member'],
      activeSubscriptions: 6,
      ruleId: s.rules.member,
    });
    expect(res.body.items[0]).toMatchObject({ identifiers: ['guest'], activeSubscriptions: 2, ruleId: s.rules.guest });
    expect(res.body.items[2]).toMatchObject({ identifiers: ['view_only'], activeSubscriptions: 1, ruleId: s.rules.viewOnly });
  });

  it('pages', async () => {
    const second = await h.api('GET', `${base}/software-models?limit=2&offset=2`);
    expect(second.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(second.body.items.map((m: { edition: string }) => m.edition)).toEqual(['View-only member']);
  });
});

describe('GET .../unrecognized-identifiers', () => {
  it('lists identifiers of active subscriptions no model maps, with counts and first sight', async () => {
    const res = await h.api('GET', `${base}/unrecognized-identifiers`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items.map((i: { identifier: string; subscriptions: number }) => [i.identifier, i.subscriptions])).toEqual([
      ['contractor', 1],
      ['guest_view_only', 2],
    ]);
    // The ended subscription (first seen 30 days ago) no longer holds a seat, so it does not date the identifier.
    expect(near(res.body.items[1].firstSeenAt, daysAgo(20))).toBe(true);
    const second = await h.api('GET', `${base}/unrecognized-identifiers?limit=1&offset=1`);
    expect(second.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(second.body.items.map((i: { identifier: string }) => i.identifier)).toEqual(['guest_view_only']);
  });
});

describe('GET .../reclamation-rules', () => {
  it('lists one rule per model with its edition', async () => {
    const res = await h.api('GET', `${base}/reclamation-rules`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.items.map((r: { id: string; edition: string; thresholdDays: number; active: boolean }) => [r.id, r.edition, r.thresholdDays, r.active])).toEqual([
      [s.rules.guest, 'Guest', 30, true],
      [s.rules.member, 'Member', 60, true],
      [s.rules.viewOnly, 'View-only member', 90, false],
    ]);
    expect(res.body.items[1].modelId).toBe(s.models.member);
    const page = await h.api('GET', `${base}/reclamation-rules?limit=1&offset=1`);
    expect(page.body).toMatchObject({ total: 3, items: [{ id: s.rules.member }] });
  });
});

describe('GET .../removal-candidates', () => {
  const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

  it('lists candidates newest first with the user joined from the subscription', async () => {
    const res = await h.api('GET', `${base}/removal-candidates`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.total).toBe(7);
    const c = s.candidates;
    expect(ids(res.body)).toEqual([c.finn, c.dan, c.cleo, c.ivy, c.gus, c.kim, c.ben]);
    const dan = res.body.items[1];
    expect(Object.keys(dan).sort()).toEqual(
      ['id', 'userGid', 'name', 'email', 'ruleId', 'modelId', 'state', 'reason', 'lastActivityAt', 'createdAt', 'updatedAt', 'closedAt', 'dryRunAt', 'restoredAt', 'protectedUntil'].sort(),
    );
    expect(dan).toMatchObject({ userGid: '1004', name: 'Dan', email: 'dan@example.com', ruleId: s.rules.member, modelId: s.models.member, state: 'attention_required', reason: 'removeUser answered 500', closedAt: null, dryRunAt: null });
    expect(near(dan.lastActivityAt, daysAgo(100))).toBe(true);
    const ivy = res.body.items[3];
    expect(near(ivy.dryRunAt, daysAgo(4))).toBe(true);
    expect(near(res.body.items[4].closedAt, daysAgo(5))).toBe(true);
  });

  it('filters by one state or several, by model and by user, and pages', async () => {
    const c = s.candidates;
    expect(ids((await h.api('GET', `${base}/removal-candidates?state=ready`)).body)).toEqual([c.cleo, c.ivy]);
    expect(ids((await h.api('GET', `${base}/removal-candidates?state=ready,attention_required`)).body)).toEqual([c.dan, c.cleo, c.ivy]);
    expect(ids((await h.api('GET', `${base}/removal-candidates?state=closed_complete,closed_skipped,closed_canceled`)).body)).toEqual([c.gus, c.kim, c.ben]);
    expect(ids((await h.api('GET', `${base}/removal-candidates?modelId=${s.models.guest}`)).body)).toEqual([c.ivy, c.kim]);
    expect(ids((await h.api('GET', `${base}/removal-candidates?userGid=1007&state=closed_complete`)).body)).toEqual([c.gus]);
    const page = await h.api('GET', `${base}/removal-candidates?limit=3&offset=3`);
    expect(page.body).toMatchObject({ total: 7, limit: 3, offset: 3 });
    expect(ids(page.body)).toEqual([c.ivy, c.gus, c.kim]);
  });

  it('sorts by last activity, the least active (and never active) first, or the most recent first', async () => {
    const times = (body: { items: { lastActivityAt: string | null }[] }) => body.items.map((i) => (i.lastActivityAt === null ? -Infinity : Date.parse(i.lastActivityAt)));
    for (const list of ['removal-candidates', 'subscriptions']) {
      const oldest = await h.api('GET', `${base}/${list}?sort=lastActivityAt`);
      expect(oldest.status, oldest.text).toBe(200);
      const asc = times(oldest.body);
      expect(new Set(asc).size, `${list}: the fixture spreads activity`).toBeGreaterThan(2);
      expect(asc).toEqual([...asc].sort((a, b) => a - b));
      const newest = times((await h.api('GET', `${base}/${list}?sort=-lastActivityAt`)).body);
      expect(newest).toEqual([...newest].sort((a, b) => (b === a ? 0 : b > a ? 1 : -1)).map((t) => t));
      expect(newest[newest.length - 1]).toBe(Math.min(...newest));
      const bad = await h.api('GET', `${base}/${list}?sort=name`);
      expectProblem(bad, 400, /sort: must be lastActivityAt or -lastActivityAt/);
    }
  });

  it('refuses an unknown state with a 400 naming the state and the valid ones', async () => {
    for (const state of ['bogus', 'ready,bogus', 'ready,']) {
      const res = await h.api('GET', `${base}/removal-candidates?state=${state}`);
      expectProblem(res, 400, /state: .*is not a candidate state; use one or more of ready, attention_required/);
      expect(fieldsOf(res)).toEqual(['state']);
    }
    expectProblem(await h.api('GET', `${base}/removal-candidates?modelId=1`), 400, /modelId/);
  });
});

describe('unknown profiles', () => {
  it('every list of an unknown or malformed profile ID is a 404', async () => {
    const lists = ['subscriptions', 'software-models', 'unrecognized-identifiers', 'reclamation-rules', 'removal-candidates', 'exclusion-rules/identifiers', 'exclusion-rules/users'];
    for (const profile of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      for (const list of lists) expectProblem(await h.api('GET', `/api/profiles/${profile}/${list}`), 404, new RegExp(`Profile ${profile} does not exist`));
    }
  });

  it('the lists need the API token', async () => {
    expectProblem(await h.api('GET', `${base}/subscriptions`, undefined, { token: null }), 401, /Bearer/);
  });
});
