import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { jobResults, readyProfile } from '../support/runs';
import { scheduleId } from '../../src/profiles/types';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario: { seed: 3, members: 60, guests: 5, viewOnly: 5, admins: 1, inactiveShare: 0.3, days: 60, deactivatedMembers: 0 } });
});
afterAll(async () => h?.close());

describe('scheduled runs', () => {
  it('a schedule firing runs the job, records it as scheduled, and shows in the scheduled jobs list', async () => {
    const profileId = await readyProfile(h, { reclaimSubscriptions: false });
    expect((await h.api('POST', `/api/profiles/${profileId}/publish`)).body.status).toBe('published');

    // Fire the schedules now instead of at 01:00 and 03:00 UTC, in the order the day would.
    await h.temporal.schedule.getHandle(scheduleId(profileId, 'download')).trigger();
    await expect.poll(async () => (await jobResults(h, profileId, 'download'))[0]?.status, { timeout: 20_000 }).toBe('succeeded');
    await h.temporal.schedule.getHandle(scheduleId(profileId, 'activity')).trigger();
    await expect.poll(async () => (await jobResults(h, profileId, 'activity'))[0]?.status, { timeout: 20_000 }).toBe('succeeded');

    const results = await jobResults(h, profileId);
    expect(results.map((r) => [r.kind, r.trigger])).toEqual([
      ['activity', 'schedule'],
      ['download', 'schedule'],
    ]);
    expect(results[1]!.counts.members).toBe(70);

    const jobs = (await h.api('GET', `/api/profiles/${profileId}/scheduled-jobs`)).body.items as Array<{ kind: string; recentRuns: Array<{ workflowId: string }>; nextRuns: string[] }>;
    const download = jobs.find((j) => j.kind === 'download')!;
    expect(download.recentRuns).toHaveLength(1);
    expect(download.recentRuns[0]!.workflowId).toMatch(new RegExp(`^profile/${profileId}/download-subscriptions`));
    expect(Date.parse(download.nextRuns[0]!)).toBeGreaterThan(Date.now());
  });
});
