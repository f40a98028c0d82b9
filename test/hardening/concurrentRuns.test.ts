import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { jobResults, readyProfile, simMembers } from '../support/runs';
import { scheduleId } from '../../src/profiles/types';

// Big enough, and slow enough, that two downloads started together overlap for seconds.
const scenario = { seed: 11, members: 400, guests: 10, viewOnly: 10, admins: 2, inactiveShare: 0.2, days: 30, deactivatedMembers: 0 };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario });
});
afterAll(async () => h?.close());

async function activeSubscriptions(profileId: string) {
  return h.db.query<{ user_gid: string; status: string }>('SELECT user_gid, status FROM subscriptions WHERE profile_id = $1', [profileId]);
}

async function settled(profileId: string, kind: string, n: number) {
  await expect
    .poll(async () => (await jobResults(h, profileId, kind)).filter((r) => r.status !== 'running').length, { timeout: 60_000, interval: 250 })
    .toBeGreaterThanOrEqual(n);
  return jobResults(h, profileId, kind);
}

describe('runs of one kind of one profile never overlap', () => {
  it('two run requests at the same moment: one starts, the other is a 409 naming the running run', async () => {
    const profileId = await readyProfile(h, { reclaimSubscriptions: false });
    await h.simControl('POST', '/_sim/faults', { latencyMs: 150 });
    try {
      const [a, b] = await Promise.all([
        h.api('POST', `/api/profiles/${profileId}/runs`, { job: 'download' }),
        h.api('POST', `/api/profiles/${profileId}/runs`, { job: 'download' }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses, `${a.text} / ${b.text}`).toEqual([202, 409]);
      const [won, lost] = a.status === 202 ? [a, b] : [b, a];
      expect(lost.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(lost.body.runningWorkflowId).toBe(won.body.workflowId);
      expect(lost.body.detail).toContain(won.body.workflowId);
      await h.temporal.workflow.getHandle(won.body.workflowId).result();
    } finally {
      await h.simControl('POST', '/_sim/faults', { latencyMs: null });
    }
    const members = (await simMembers(h)).filter((m) => m.isActive && !m.removedAt);
    const rows = await activeSubscriptions(profileId);
    expect(rows.filter((r) => r.status === 'active')).toHaveLength(members.length);
  });

  it('a schedule firing during an on-demand download is skipped, and every member keeps exactly one active subscription', async () => {
    const profileId = await readyProfile(h, { reclaimSubscriptions: false });
    expect((await h.api('POST', `/api/profiles/${profileId}/publish`)).body.status).toBe('published');
    await h.simControl('POST', '/_sim/faults', { latencyMs: 150 });
    try {
      const [started] = await Promise.all([
        h.api('POST', `/api/profiles/${profileId}/runs`, { job: 'download' }),
        h.temporal.schedule.getHandle(scheduleId(profileId, 'download')).trigger(),
      ]);
      // The API may lose the race to the schedule's run: then it is the one refused.
      expect([202, 409]).toContain(started.status);
      const results = await settled(profileId, 'download', started.status === 202 ? 2 : 1);
      const outcomes = results.map((r) => r.status).sort();
      expect(outcomes).toEqual(started.status === 202 ? ['skipped', 'succeeded'] : ['succeeded']);
      const skipped = results.find((r) => r.status === 'skipped');
      if (skipped) expect(skipped.error).toMatch(/already running/);
    } finally {
      await h.simControl('POST', '/_sim/faults', { latencyMs: null });
    }
    const members = (await simMembers(h)).filter((m) => m.isActive && !m.removedAt);
    const rows = await activeSubscriptions(profileId);
    expect(rows).toHaveLength(members.length);
    expect(rows.filter((r) => r.status === 'active')).toHaveLength(members.length);
    expect(new Set(rows.map((r) => r.user_gid)).size).toBe(members.length);
  });

  it('a run that ended without releasing its claim (terminated) does not block the next one', async () => {
    const profileId = await readyProfile(h, { reclaimSubscriptions: false });
    await h.simControl('POST', '/_sim/faults', { latencyMs: 300 });
    const first = await h.api('POST', `/api/profiles/${profileId}/runs`, { job: 'download' });
    expect(first.status).toBe(202);
    await h.temporal.workflow.getHandle(first.body.workflowId).terminate('operator stopped it');
    await h.simControl('POST', '/_sim/faults', { latencyMs: null });
    const second = await h.api('POST', `/api/profiles/${profileId}/runs`, { job: 'download' });
    expect(second.status, second.text).toBe(202);
    await h.temporal.workflow.getHandle(second.body.workflowId).result();
  });
});
