import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { expectedCandidates, jobResults, readyProfile, runJob, simMembers } from '../support/runs';

const DAY = 86_400_000;
// An Advanced-tier organization: no audit log at all, so activity comes from stories alone (the OAuth grant).
const scenario = { seed: 42, members: 240, guests: 40, viewOnly: 30, admins: 4, inactiveShare: 0.3, recentlyCreatedShare: 0.08, eventsPerUserPerDay: 1, days: 90, deactivatedMembers: 1, tier: 'advanced' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario });
});
afterAll(async () => h?.close());

async function candidates(profileId: string) {
  return h.db.query<{ user_gid: string; state: string; reason: string }>(
    'SELECT user_gid, state, reason FROM removal_candidates WHERE profile_id = $1 ORDER BY user_gid',
    [profileId],
  );
}

async function runScenario(reclaim: boolean) {
  const loaded = await h.simControl('POST', '/_sim/scenario', scenario);
  await h.simControl('POST', '/_sim/users', { name: 'Vera Viewguest', isGuest: true, isViewOnly: true, createdAt: new Date(Date.now() - 200 * DAY).toISOString() });
  const profileId = await readyProfile(h, { reclaimSubscriptions: reclaim, reclaimCapPercent: 100 });
  const profile = (await h.api('GET', `/api/profiles/${profileId}`)).body;
  const coverageStart = Date.parse(profile.options.analyzeActivityFrom);

  const download = await runJob(h, profileId, 'download');
  expect(download.ok, String((download as { error?: unknown }).error)).toBe(true);

  // One excluded user (an inactive plain member) and one excluded identifier (guests).
  const before = await simMembers(h);
  const excluded = before.find((m) => m.isActive && !m.isAdmin && !m.isGuest && !m.isViewOnly && !m.lastStoryAt && Date.parse(m.createdAt) < Date.now() - 90 * DAY)!;
  expect((await h.api('POST', `/api/profiles/${profileId}/exclusion-rules/users`, { userGid: excluded.gid, reason: 'CEO' })).status).toBe(201);
  expect((await h.api('POST', `/api/profiles/${profileId}/exclusion-rules/identifiers`, { identifier: 'guest' })).status).toBe(201);

  const activity = await runJob(h, profileId, 'activity');
  expect(activity.ok, String((activity as { error?: unknown }).error)).toBe(true);
  if (reclaim) await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).result();

  const expected = expectedCandidates(before, { excludedGid: excluded.gid, excludedIdentifier: 'guest', adminGid: loaded.adminUserGid, coverageStart, sources: { stories: true, auditLog: false } });
  return { profileId, expected, before, excluded };
}

describe('download → activity → analysis → reclaim on a seeded organization', () => {
  it('selects exactly the inactive, non-excluded people and reclaims their seats', async () => {
    const { profileId, expected, before } = await runScenario(true);
    expect(expected.length).toBeGreaterThan(30);

    const rows = await candidates(profileId);
    expect(rows.map((r) => r.user_gid).sort()).toEqual(expected);
    expect(new Set(rows.map((r) => r.state))).toEqual(new Set(['closed_complete']));

    const after = await simMembers(h);
    const removed = after.filter((m) => m.removedVia === 'removeUser').map((m) => m.gid).sort();
    expect(removed).toEqual(expected);
    // Nobody else lost a seat: admins, excluded, recent and active people are all still members.
    expect(after.filter((m) => !m.removedAt).length).toBe(before.filter((m) => !m.removedAt).length - expected.length);

    const subs = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM subscriptions WHERE profile_id = $1 AND status = 'ended'", [profileId]);
    expect(subs[0]!.n).toBe(expected.length);

    const results = await jobResults(h, profileId);
    expect(results.map((r) => [r.kind, r.status, r.trigger])).toEqual([
      ['reclaim', 'succeeded', 'after_activity'],
      ['activity', 'succeeded', 'on_demand'],
      ['download', 'succeeded', 'on_demand'],
    ]);
    const [reclaim, activity, download] = results;
    const members = before.filter((m) => m.isActive && !m.removedAt).length;
    expect(download!.counts).toMatchObject({ members, activeSubscriptions: members, endedSubscriptions: 0, newModels: 3, unrecognizedIdentifiers: 1, unrecognizedSubscriptions: 1 });
    expect(download!.counts.pages).toBe(Math.ceil(before.length / 100));
    expect(activity!.counts).toMatchObject({ candidatesCreated: expected.length, activityUnavailable: 0, sourcesRead: 1, sourcesUnavailable: 0 });
    expect(activity!.counts.stories).toBeGreaterThan(1000);
    expect(activity!.counts.auditEvents).toBeUndefined();
    // The audit log was never asked: this plan has none, and the profile holds no Service Account token.
    const auditRequests = (await h.simControl('GET', '/_sim/requests')) as Array<{ path: string }>;
    expect(auditRequests.filter((r) => r.path.endsWith('/audit_log_events'))).toEqual([]);
    expect(reclaim!.counts).toMatchObject({ selected: expected.length, reclaimed: expected.length, skipped: 0, attentionRequired: 0, overCap: 0 });

    // Every removeUser went out once, for a candidate.
    const requests = (await h.simControl('GET', '/_sim/requests')) as Array<{ method: string; path: string; status: number }>;
    expect(requests.filter((r) => r.method === 'POST' && r.path.endsWith('/removeUser')).length).toBe(expected.length);
  });

  it('with reclaimSubscriptions off makes the same candidates and removes nobody', async () => {
    const { profileId, expected } = await runScenario(false);
    const rows = await candidates(profileId);
    expect(rows.map((r) => r.user_gid).sort()).toEqual(expected);
    expect(new Set(rows.map((r) => r.state))).toEqual(new Set(['ready']));
    expect((await simMembers(h)).filter((m) => m.removedAt)).toEqual([]);
    expect((await jobResults(h, profileId)).map((r) => r.kind)).toEqual(['activity', 'download']);
  });
});
