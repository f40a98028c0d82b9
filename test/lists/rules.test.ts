import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { seedOtherProfile, seedProfile, snapshot, type Seeded } from './seed';
import { expectProblem, fieldsOf } from './problems';

let h: Harness;
let s: Seeded;
let other: Awaited<ReturnType<typeof seedOtherProfile>>;
let base: string;

const NO_SUCH = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  h = await startHarness();
  s = await seedProfile(h);
  other = await seedOtherProfile(h);
  base = `/api/profiles/${s.profileId}`;
});
afterAll(async () => h?.close());

describe('PATCH .../reclamation-rules/{ruleId}', () => {
  it('changes the threshold and the active flag, each on its own', async () => {
    const threshold = await h.api('PATCH', `${base}/reclamation-rules/${s.rules.member}`, { thresholdDays: 45 });
    expect(threshold.status, threshold.text).toBe(200);
    expect(threshold.body).toMatchObject({ id: s.rules.member, modelId: s.models.member, edition: 'Member', thresholdDays: 45, active: true });
    const off = await h.api('PATCH', `${base}/reclamation-rules/${s.rules.member}`, { active: false });
    expect(off.body).toMatchObject({ thresholdDays: 45, active: false });
    expect(Date.parse(off.body.updatedAt)).toBeGreaterThan(Date.parse(off.body.createdAt));
    const both = await h.api('PATCH', `${base}/reclamation-rules/${s.rules.viewOnly}`, { thresholdDays: 3650, active: true });
    expect(both.body).toMatchObject({ thresholdDays: 3650, active: true });
    const listed = await h.api('GET', `${base}/reclamation-rules`);
    expect(listed.body.items.find((r: { id: string }) => r.id === s.rules.member)).toMatchObject({ thresholdDays: 45, active: false });
  });

  it('refuses out-of-range or unknown fields with a 400 and changes nothing', async () => {
    const before = await snapshot(h.db);
    const cases: [unknown, string][] = [
      [{ thresholdDays: 0 }, 'thresholdDays'],
      [{ thresholdDays: 3651 }, 'thresholdDays'],
      [{ thresholdDays: 30.5 }, 'thresholdDays'],
      [{ thresholdDays: '30' }, 'thresholdDays'],
      [{ active: 'yes', thresholdDays: 30 }, 'active'],
    ];
    for (const [body, field] of cases) {
      const res = await h.api('PATCH', `${base}/reclamation-rules/${s.rules.guest}`, body);
      expectProblem(res, 400, new RegExp(field));
      expect(fieldsOf(res)).toEqual([field]);
    }
    expectProblem(await h.api('PATCH', `${base}/reclamation-rules/${s.rules.guest}`, { thresholdDays: 30, notify: true }), 400, /notify/);
    expect(await snapshot(h.db)).toBe(before);
  });

  it("an unknown rule, a malformed ID or another profile's rule is a 404 and changes nothing", async () => {
    const before = await snapshot(h.db);
    for (const id of [NO_SUCH, 'rule-1', other.rule]) {
      expectProblem(await h.api('PATCH', `${base}/reclamation-rules/${id}`, { thresholdDays: 10 }), 404, /Reclamation rule .* does not exist/);
    }
    expectProblem(await h.api('PATCH', `/api/profiles/${NO_SUCH}/reclamation-rules/${s.rules.guest}`, { thresholdDays: 10 }), 404, /Profile/);
    expect(await snapshot(h.db)).toBe(before);
  });
});

describe('identifier exclusion rules', () => {
  const path = () => `${base}/exclusion-rules/identifiers`;

  it('are created, listed, edited and deleted', async () => {
    const created = await h.api('POST', path(), { identifier: 'guest', reason: 'guests are free' });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ identifier: 'guest', active: true, reason: 'guests are free' });
    expect(created.headers.get('location')).toBe(`${path()}/${created.body.id}`);
    const second = await h.api('POST', path(), { identifier: 'view_only', active: false });
    expect(second.body).toMatchObject({ identifier: 'view_only', active: false, reason: null });
    const third = await h.api('POST', path(), { identifier: 'contractor' });

    const list = await h.api('GET', path());
    expect(list.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(list.body.items.map((r: { identifier: string }) => r.identifier)).toEqual(['guest', 'view_only', 'contractor']);
    const page = await h.api('GET', `${path()}?limit=2&offset=2`);
    expect(page.body).toMatchObject({ total: 3, items: [{ id: third.body.id }] });

    const edited = await h.api('PATCH', `${path()}/${second.body.id}`, { active: true, reason: 'read-only seats are billed' });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({ id: second.body.id, identifier: 'view_only', active: true, reason: 'read-only seats are billed' });
    const cleared = await h.api('PATCH', `${path()}/${second.body.id}`, { reason: null });
    expect(cleared.body).toMatchObject({ active: true, reason: null });
    const renamed = await h.api('PATCH', `${path()}/${third.body.id}`, { identifier: 'guest_view_only' });
    expect(renamed.body.identifier).toBe('guest_view_only');

    expect((await h.api('DELETE', `${path()}/${third.body.id}`)).status).toBe(204);
    expectProblem(await h.api('DELETE', `${path()}/${third.body.id}`), 404, /does not exist/);
    expect((await h.api('GET', path())).body.total).toBe(2);
  });

  it('a duplicate identifier is a 409 naming the existing rule, and changes nothing', async () => {
    const before = await snapshot(h.db);
    const existing = (await h.api('GET', path())).body.items as { id: string; identifier: string }[];
    const guest = existing.find((r) => r.identifier === 'guest')!;
    const viewOnly = existing.find((r) => r.identifier === 'view_only')!;
    expectProblem(await h.api('POST', path(), { identifier: 'guest' }), 409, new RegExp(`already excluded by rule ${guest.id}`));
    expectProblem(await h.api('PATCH', `${path()}/${viewOnly.id}`, { identifier: 'guest', active: false }), 409, /already excluded/);
    // Renaming a rule to its own identifier is not a duplicate.
    expect((await h.api('PATCH', `${path()}/${guest.id}`, { identifier: 'guest' })).status).toBe(200);
    const after = JSON.parse(await snapshot(h.db));
    const was = JSON.parse(before);
    expect(after.identifier_exclusions.map((r: { id: string; identifier: string; active: boolean }) => [r.id, r.identifier, r.active])).toEqual(
      was.identifier_exclusions.map((r: { id: string; identifier: string; active: boolean }) => [r.id, r.identifier, r.active]),
    );
  });

  it('a bad body is a 400 naming the field, and changes nothing', async () => {
    const before = await snapshot(h.db);
    const id = (await h.api('GET', path())).body.items[0].id;
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', path(), {}, /identifier/],
      ['POST', path(), { identifier: '' }, /identifier: must not be empty/],
      ['POST', path(), { identifier: 'x', active: 'no' }, /active/],
      ['POST', path(), { identifier: 'x', reason: 7 }, /reason/],
      ['POST', path(), { identifier: 'x', priority: 1 }, /priority/],
      ['PATCH', `${path()}/${id}`, { identifier: '  ' }, /identifier/],
      ['PATCH', `${path()}/${id}`, { enabled: true }, /enabled/],
    ];
    for (const [method, url, body, detail] of cases) expectProblem(await h.api(method, url, body), 400, detail);
    expect(await snapshot(h.db)).toBe(before);
  });

  it("unknown, malformed or another profile's rule IDs are 404s, and change nothing", async () => {
    const before = await snapshot(h.db);
    for (const id of [NO_SUCH, 'abc', other.identifierExclusion]) {
      expectProblem(await h.api('PATCH', `${path()}/${id}`, { active: false }), 404, /Identifier exclusion rule .* does not exist/);
      expectProblem(await h.api('DELETE', `${path()}/${id}`), 404, /Identifier exclusion rule .* does not exist/);
    }
    expectProblem(await h.api('POST', `/api/profiles/${NO_SUCH}/exclusion-rules/identifiers`, { identifier: 'guest' }), 404, /Profile/);
    expect(await snapshot(h.db)).toBe(before);
  });
});

describe('user exclusion rules', () => {
  const path = () => `${base}/exclusion-rules/users`;

  it('are created by gid, email or both, listed, edited and deleted', async () => {
    const byGid = await h.api('POST', path(), { userGid: '1001', reason: 'the organization owner' });
    expect(byGid.status, byGid.text).toBe(201);
    expect(byGid.body).toMatchObject({ userGid: '1001', email: null, active: true, reason: 'the organization owner' });
    expect(byGid.headers.get('location')).toBe(`${path()}/${byGid.body.id}`);
    const byEmail = await h.api('POST', path(), { email: 'Cleo@Example.com', active: false });
    expect(byEmail.body).toMatchObject({ userGid: null, email: 'Cleo@Example.com', active: false });
    const byBoth = await h.api('POST', path(), { userGid: '1004', email: 'dan@example.com' });
    expect(byBoth.status).toBe(201);

    const list = await h.api('GET', path());
    expect(list.body.total).toBe(3);
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([byGid.body.id, byEmail.body.id, byBoth.body.id]);
    const page = await h.api('GET', `${path()}?limit=1&offset=1`);
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1, items: [{ id: byEmail.body.id }] });

    const edited = await h.api('PATCH', `${path()}/${byEmail.body.id}`, { userGid: '1003', active: true });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({ userGid: '1003', email: 'Cleo@Example.com', active: true });
    const emailDropped = await h.api('PATCH', `${path()}/${byEmail.body.id}`, { email: null });
    expect(emailDropped.body).toMatchObject({ userGid: '1003', email: null });

    expect((await h.api('DELETE', `${path()}/${byBoth.body.id}`)).status).toBe(204);
    expect((await h.api('GET', path())).body.total).toBe(2);
  });

  it('a rule naming nobody, or a bad gid or email, is a 400, and changes nothing', async () => {
    const before = await snapshot(h.db);
    const id = (await h.api('GET', path())).body.items[0].id;
    expectProblem(await h.api('POST', path(), {}), 400, /userGid, email or both/);
    expectProblem(await h.api('POST', path(), { reason: 'no one', active: true }), 400, /at least one/);
    const badEmail = await h.api('POST', path(), { email: 'not-an-email' });
    expectProblem(badEmail, 400, /email: must be an email address/);
    expect(fieldsOf(badEmail)).toEqual(['email']);
    expectProblem(await h.api('POST', path(), { userGid: 'Ada' }), 400, /userGid: must be an Asana user gid/);
    expectProblem(await h.api('POST', path(), { userGid: '1009', name: 'Ivy' }), 400, /name/);
    // The gid-only rule cannot lose its gid: it would name nobody.
    const emptied = await h.api('PATCH', `${path()}/${id}`, { userGid: null, reason: 'x' });
    expectProblem(emptied, 400, /userGid, email: a user exclusion names the user/);
    expect(fieldsOf(emptied)).toEqual(['userGid', 'email']);
    expectProblem(await h.api('PATCH', `${path()}/${id}`, { email: 'bad' }), 400, /email/);
    expect(await snapshot(h.db)).toBe(before);
  });

  it('a duplicate gid or email (in any case) is a 409, and changes nothing', async () => {
    const before = await snapshot(h.db);
    const [owner, cleo] = (await h.api('GET', path())).body.items as { id: string }[];
    expectProblem(await h.api('POST', path(), { userGid: '1001' }), 409, new RegExp(`rule ${owner!.id} already excludes user gid 1001`));
    expect(await snapshot(h.db)).toBe(before);
    const withEmail = await h.api('POST', path(), { userGid: '1050', email: 'ada@example.com' });
    expect(withEmail.status, withEmail.text).toBe(201);
    const mid = await snapshot(h.db);
    expectProblem(await h.api('POST', path(), { email: 'ADA@example.COM' }), 409, new RegExp(`rule ${withEmail.body.id} already excludes email ada@example.com`));
    expectProblem(await h.api('PATCH', `${path()}/${cleo!.id}`, { userGid: '1001' }), 409, /already excludes user gid 1001/);
    expectProblem(await h.api('PATCH', `${path()}/${cleo!.id}`, { email: 'Ada@Example.com' }), 409, /already excludes email/);
    // A rule keeps its own gid without conflicting with itself.
    expect((await h.api('PATCH', `${path()}/${owner!.id}`, { userGid: '1001' })).status).toBe(200);
    const after = JSON.parse(await snapshot(h.db));
    const was = JSON.parse(mid);
    const who = (rows: { id: string; user_gid: string | null; email: string | null }[]) => rows.map((r) => [r.id, r.user_gid, r.email]);
    expect(who(after.user_exclusions)).toEqual(who(was.user_exclusions));
  });

  it("unknown, malformed or another profile's rule IDs are 404s, and change nothing", async () => {
    const before = await snapshot(h.db);
    for (const id of [NO_SUCH, 'abc', other.userExclusion]) {
      expectProblem(await h.api('PATCH', `${path()}/${id}`, { active: false }), 404, /User exclusion rule .* does not exist/);
      expectProblem(await h.api('DELETE', `${path()}/${id}`), 404, /User exclusion rule .* does not exist/);
    }
    expectProblem(await h.api('GET', `/api/profiles/${NO_SUCH}/exclusion-rules/users`), 404, /Profile/);
    expect(await snapshot(h.db)).toBe(before);
  });
});
