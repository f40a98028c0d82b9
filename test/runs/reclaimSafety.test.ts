import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { jobResults, readyProfile, runJob, simMembers } from '../support/runs';

const scenario = { seed: 7, members: 80, guests: 0, viewOnly: 0, admins: 2, inactiveShare: 0.5, recentlyCreatedShare: 0, eventsPerUserPerDay: 1, days: 90, deactivatedMembers: 0 };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario });
});
afterAll(async () => h?.close());

async function candidateStates(profileId: string) {
  return h.db.query<{ state: string; n: number; dry: number }>(
    'SELECT state, count(*)::int AS n, count(dry_run_at)::int AS dry FROM removal_candidates WHERE profile_id = $1 GROUP BY state ORDER BY state',
    [profileId],
  );
}

async function downloadThenActivity(options: Record<string, unknown>) {
  await h.simControl('POST', '/_sim/scenario', scenario);
  const profileId = await readyProfile(h, options);
  expect((await runJob(h, profileId, 'download')).ok).toBe(true);
  const activity = await runJob(h, profileId, 'activity');
  expect(activity.ok).toBe(true);
  return { profileId, activity };
}

function removeUserCalls(requests: Array<{ method: string; path: string; status: number }>) {
  return requests.filter((r) => r.method === 'POST' && r.path.endsWith('/removeUser'));
}

describe('reclaim safety', () => {
  it('reclaims at most the per-run cap and leaves the rest ready for the next run, saying so', async () => {
    const { profileId, activity } = await downloadThenActivity({});
    await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).result();
    const [reclaim] = await jobResults(h, profileId, 'reclaim');
    const active = 80;
    const cap = Math.floor(active * 0.1);
    const candidates = (await jobResults(h, profileId, 'activity'))[0]!.counts.candidatesCreated!;
    expect(candidates).toBeGreaterThan(cap);
    expect(reclaim!.counts).toMatchObject({ activeSeats: active, cap, selected: cap, reclaimed: cap, overCap: candidates - cap });
    expect(await candidateStates(profileId)).toEqual([
      { state: 'closed_complete', n: cap, dry: 0 },
      { state: 'ready', n: candidates - cap, dry: 0 },
    ]);
    expect((await simMembers(h)).filter((m) => m.removedVia === 'removeUser')).toHaveLength(cap);

    // The next run takes the next slice; the cap is measured against the seats left.
    const next = await runJob(h, profileId, 'reclaim');
    expect(next.ok).toBe(true);
    const cap2 = Math.floor((active - cap) * 0.1);
    expect((await jobResults(h, profileId, 'reclaim'))[0]!.counts).toMatchObject({ cap: cap2, reclaimed: cap2, overCap: candidates - cap - cap2 });
  });

  it('a dry run records what it would remove and removes nothing', async () => {
    await h.simControl('DELETE', '/_sim/requests');
    const { profileId, activity } = await downloadThenActivity({ reclaimDryRun: true, reclaimCapPercent: 100 });
    await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).result();
    const candidates = (await jobResults(h, profileId, 'activity'))[0]!.counts.candidatesCreated!;
    expect((await jobResults(h, profileId, 'reclaim'))[0]!.counts).toMatchObject({ dryRun: 1, selected: candidates, wouldReclaim: candidates, reclaimed: 0 });
    expect(await candidateStates(profileId)).toEqual([{ state: 'ready', n: candidates, dry: candidates }]);
    expect((await simMembers(h)).filter((m) => m.removedAt)).toEqual([]);
    expect(removeUserCalls(await h.simControl('GET', '/_sim/requests'))).toEqual([]);
  });

  it('a reclaim activity retried after a removal whose answer was lost neither removes again nor fails', async () => {
    await h.simControl('POST', '/_sim/scenario', scenario);
    const profileId = await readyProfile(h, { reclaimCapPercent: 100, reclaimSubscriptions: true });
    expect((await runJob(h, profileId, 'download')).ok).toBe(true);
    await h.simControl('DELETE', '/_sim/requests');
    // The first removeUser is carried out by Asana, but its answer never arrives (502).
    await h.simControl('POST', '/_sim/faults', { loseNextWriteResponses: 1 });
    const activity = await runJob(h, profileId, 'activity');
    expect(activity.ok).toBe(true);
    await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).result();

    const candidates = (await jobResults(h, profileId, 'activity'))[0]!.counts.candidatesCreated!;
    const calls = removeUserCalls(await h.simControl('GET', '/_sim/requests'));
    expect(calls.map((c) => c.status).filter((s) => s === 502)).toHaveLength(1);
    expect(calls).toHaveLength(candidates);
    const removed = (await simMembers(h)).filter((m) => m.removedVia === 'removeUser');
    expect(removed).toHaveLength(candidates);
    expect((await jobResults(h, profileId, 'reclaim'))[0]).toMatchObject({ status: 'succeeded', counts: { reclaimed: candidates, attentionRequired: 0 } });
    const confirmed = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM removal_candidates WHERE profile_id = $1 AND reason LIKE '%confirmed after a retried request%'", [profileId]);
    expect(confirmed[0]!.n).toBe(1);
  });
});
