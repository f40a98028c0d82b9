// Undo a reclaim: the person is added back in Asana (once), the candidate is restored and protected, the next
// runs leave them alone, and a restore outside the window is a 409 that says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { jobResults, readyProfile, runJob, simMembers } from '../support/runs';
import { expectProblem } from '../lists/problems';

const scenario = { seed: 23, members: 40, guests: 0, viewOnly: 0, admins: 1, inactiveShare: 0.5, recentlyCreatedShare: 0, eventsPerUserPerDay: 1, days: 90, deactivatedMembers: 0 };

let h: Harness;
let profileId: string;
let reclaimed: Array<{ id: string; userGid: string }>;

beforeAll(async () => {
  h = await startHarness({ scenario });
  profileId = await readyProfile(h, { reclaimCapPercent: 10 });
  expect((await runJob(h, profileId, 'download')).ok).toBe(true);
  const activity = await runJob(h, profileId, 'activity');
  expect(activity.ok).toBe(true);
  await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).result();
  reclaimed = (await h.api('GET', `/api/profiles/${profileId}/removal-candidates?state=closed_complete`)).body.items;
  expect(reclaimed.length).toBeGreaterThanOrEqual(2);
}, 180_000);
afterAll(async () => h?.close());

const addUserCalls = async () => ((await h.simControl('GET', '/_sim/requests')) as Array<{ method: string; path: string }>).filter((r) => r.method === 'POST' && r.path.endsWith('/addUser'));
const restore = (candidateId: string) => h.api('POST', `/api/profiles/${profileId}/removal-candidates/${candidateId}/restore`);

describe('restore', () => {
  it('adds the person back (once, however often asked), restores the candidate and protects them from the next runs', async () => {
    const target = reclaimed[0]!;
    expect((await simMembers(h)).find((m) => m.gid === target.userGid)?.removedVia).toBe('removeUser');
    const before = (await addUserCalls()).length;

    const first = await restore(target.id);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ id: target.id, state: 'restored' });
    const protectedUntil = Date.parse(first.body.protectedUntil);
    expect(protectedUntil - Date.now()).toBeGreaterThan(89 * 86_400_000);
    expect(first.body.reason).toMatch(/Restored.*not reclaimed again before/);

    // The simulator shows them a member again; the seat is active again.
    expect((await simMembers(h)).find((m) => m.gid === target.userGid)?.removedAt).toBeNull();
    const sub = (await h.api('GET', `/api/profiles/${profileId}/subscriptions?userGid=${target.userGid}`)).body.items[0];
    expect(sub.status).toBe('active');

    // Repeated, and concurrently: one addUser in all.
    const again = await Promise.all([restore(target.id), restore(target.id)]);
    expect(again.map((r) => [r.status, r.body.state])).toEqual([
      [200, 'restored'],
      [200, 'restored'],
    ]);
    expect((await addUserCalls()).length - before).toBe(1);

    // The next activity and reclaim runs leave them alone, although they are still inactive.
    const activity = await runJob(h, profileId, 'activity');
    expect(activity.ok).toBe(true);
    await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).result();
    expect((await runJob(h, profileId, 'reclaim')).ok).toBe(true);
    const theirs = (await h.api('GET', `/api/profiles/${profileId}/removal-candidates?userGid=${target.userGid}`)).body.items;
    expect(theirs.map((c: { state: string }) => c.state)).toEqual(['restored']);
    expect((await simMembers(h)).find((m) => m.gid === target.userGid)?.removedAt).toBeNull();
    expect((await jobResults(h, profileId, 'reclaim'))[0]!.counts.reclaimed).toBeGreaterThan(0);
    // The CSV shows the protection too.
    const csv = await h.api('GET', `/api/profiles/${profileId}/removal-candidates.csv?state=restored`);
    expect(csv.text.split('\r\n')[0]).toContain('protectedUntil');
    expect(csv.text).toContain(new Date(protectedUntil).toISOString());
  }, 120_000);

  it('outside the window, or for a candidate never reclaimed, is a 409 that says why and adds no one', async () => {
    const target = reclaimed[1]!;
    await h.db.query("UPDATE removal_candidates SET closed_at = now() - interval '31 days' WHERE id = $1", [target.id]);
    const before = (await addUserCalls()).length;
    const late = await restore(target.id);
    expectProblem(late, 409, /removal was on \d{4}-\d{2}-\d{2}.*undone for 30 days.*admin console/);
    const ready = (await h.api('GET', `/api/profiles/${profileId}/removal-candidates?state=ready`)).body.items[0];
    expectProblem(await restore(ready.id), 409, /Only a reclaimed candidate.*this one is ready/);
    expectProblem(await restore('00000000-0000-4000-8000-000000000000'), 404, /does not exist/);
    expect((await addUserCalls()).length).toBe(before);
    expect((await h.api('GET', `/api/profiles/${profileId}/removal-candidates?userGid=${target.userGid}`)).body.items[0].state).toBe('closed_complete');
  });
});
