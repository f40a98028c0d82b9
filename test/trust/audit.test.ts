// The audit trail: each step of a profile's life and of its runs, with its actor, in order; never a secret;
// and the store refuses to edit history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { jobResults } from '../support/runs';

const scenario = { seed: 31, members: 30, guests: 0, viewOnly: 0, admins: 1, inactiveShare: 0.5, recentlyCreatedShare: 0, eventsPerUserPerDay: 1, days: 90, deactivatedMembers: 0 };

let h: Harness;
let ops: string;
let profileId: string;

beforeAll(async () => {
  h = await startHarness({ scenario });
  ops = (await h.api('POST', '/api/tokens', { name: 'ops', role: 'integrator' })).body.token;
}, 60_000);
afterAll(async () => h?.close());

type Event = { actor: string; action: string; profileId: string | null; objectId: string | null; before: unknown; after: unknown; at: string };

async function trail(query: string, token?: string): Promise<Event[]> {
  const res = await h.api('GET', `/api/audit-events?limit=500&${query}`, undefined, token ? { token } : {});
  expect(res.status, res.text).toBe(200);
  return res.body.items as Event[];
}

/** `expected` appears in `events`, in this order (other events may come between). */
function inOrder(events: Event[], expected: Array<[actor: string | RegExp, action: string]>): string[] {
  const missing: string[] = [];
  let i = 0;
  for (const [actor, action] of expected) {
    const at = events.findIndex((e, j) => j >= i && e.action === action && (typeof actor === 'string' ? e.actor === actor : actor.test(e.actor)));
    if (at < 0) missing.push(`${String(actor)} ${action}`);
    else i = at + 1;
  }
  return missing;
}

describe('the audit trail', () => {
  it('lists each step of the lifecycle and of the runs with its actor, in order, without a secret', async () => {
    const created = await h.api('POST', '/api/profiles', { displayName: 'Audited', options: { reclaimCapPercent: 20 }, connection: { clientId: h.app.clientId, clientSecret: h.app.clientSecret } });
    expect(created.status, created.text).toBe(201);
    profileId = created.body.id;
    const p = `/api/profiles/${profileId}`;
    expect((await h.api('PATCH', p, { displayName: 'Audited, renamed' }, { token: ops })).status).toBe(200);
    expect((await h.authorize(profileId)).status).toBe(200);
    expect((await h.api('POST', `${p}/validate`, undefined, { token: ops })).body.validation.passed).toBe(true);
    expect((await h.api('POST', `${p}/publish`, undefined, { token: ops })).status).toBe(200);
    expect((await h.api('POST', `${p}/runs`, { job: 'nope' }, { token: ops })).status).toBe(400);
    const download = await h.api('POST', `${p}/runs`, { job: 'download' }, { token: ops });
    await h.temporal.workflow.getHandle(download.body.workflowId).result();
    const activity = await h.api('POST', `${p}/runs`, { job: 'activity' }, { token: ops });
    await h.temporal.workflow.getHandle(activity.body.workflowId).result();
    await h.temporal.workflow.getHandle(`${activity.body.workflowId}/reclaim`).result();
    // A scheduled run names its schedule.
    await h.temporal.schedule.getHandle(`profile/${profileId}/download-subscriptions`).trigger();
    await expect.poll(async () => (await jobResults(h, profileId, 'download')).filter((j) => j.trigger === 'schedule' && j.status === 'succeeded').length, { timeout: 30_000 }).toBe(1);

    const events = await trail(`profileId=${profileId}`);
    expect(
      inOrder(events, [
        ['bootstrap', 'profiles.create'],
        ['ops', 'profiles.update'],
        [/^oauth: /, 'connection.authorize'],
        ['ops', 'profiles.validate'],
        ['ops', 'profiles.publish'],
        ['ops', 'runs.create'],
        ['ops', 'run.download.succeeded'],
        ['ops', 'runs.create'],
        ['ops', 'run.activity.succeeded'],
        ['ops', 'candidate.closed_complete'],
        ['ops', 'run.reclaim.succeeded'],
        ['schedule', 'run.download.succeeded'],
      ]),
    ).toEqual([]);
    // Times never go backwards; a refused request (the 400) recorded nothing.
    expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort());
    expect(events.filter((e) => e.action === 'runs.create')).toHaveLength(2);
    const reclaimed = events.filter((e) => e.action === 'candidate.closed_complete');
    expect(reclaimed.length).toBe((await jobResults(h, profileId, 'reclaim'))[0]!.counts.reclaimed);
    // The change: before and after.
    const renamed = events.find((e) => e.action === 'profiles.update')!;
    expect(renamed).toMatchObject({ before: { displayName: 'Audited' }, after: { displayName: 'Audited, renamed' } });
    expect(events.find((e) => e.action === 'profiles.publish')).toMatchObject({ before: { status: 'draft' }, after: { status: 'published' } });
    // Never a secret.
    const everything = JSON.stringify(await trail(''));
    expect(everything).not.toContain(h.app.clientSecret);
    expect(everything).not.toContain(ops.slice(-20));
    // The object as it was and as it is, for a rule too.
    const rule = (await h.api('GET', `${p}/reclamation-rules`)).body.items[0];
    expect((await h.api('PATCH', `${p}/reclamation-rules/${rule.id}`, { thresholdDays: 90 }, { token: ops })).status).toBe(200);
    const changed = (await trail(`profileId=${profileId}&action=reclamation-rules`)).pop()!;
    expect(changed).toMatchObject({ actor: 'ops', action: 'reclamation-rules.update', objectId: rule.id, before: { thresholdDays: rule.thresholdDays }, after: { thresholdDays: 90 } });
  }, 180_000);

  it('filters by action and time, pages, exports as CSV, and shows a limited token only its profiles', async () => {
    const runs = await trail(`profileId=${profileId}&action=run.download`);
    expect(runs.map((e) => e.action)).toEqual(['run.download.succeeded', 'run.download.succeeded']);
    expect(await trail(`since=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([]);
    const page = await h.api('GET', '/api/audit-events?limit=2&offset=1');
    expect(page.body).toMatchObject({ limit: 2, offset: 1 });
    expect(page.body.items).toHaveLength(2);
    expect((await h.api('GET', '/api/audit-events?action=DROP%20TABLE')).status).toBe(400);
    const csv = await h.api('GET', `/api/audit-events.csv?profileId=${profileId}&action=profiles`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,profileId,objectType,objectId,before,after');
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual(['profiles.create', 'profiles.update', 'profiles.validate', 'profiles.publish']);

    const limited = (await h.api('POST', '/api/tokens', { name: 'elsewhere', role: 'viewer', profileIds: [(await h.api('POST', '/api/profiles', { displayName: 'Other' })).body.id] })).body.token;
    const theirs = await trail('', limited);
    expect(theirs.every((e) => e.profileId !== profileId)).toBe(true);
    expect(await trail(`profileId=${profileId}`, limited)).toEqual([]);
  });

  it('refuses to edit history', async () => {
    const count = async () => (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events'))[0]!.n;
    const before = await count();
    await expect(h.db.query("UPDATE audit_events SET actor = 'someone else'")).rejects.toThrow(/append-only/);
    await expect(h.db.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(h.db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    expect(await count()).toBe(before);
    expect((await h.db.query<{ actor: string }>("SELECT actor FROM audit_events WHERE actor = 'someone else'")).length).toBe(0);
  });
});
