import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile, runJob, simMembers } from '../support/runs';
import { activityAttempts, isMembershipPage, simRequests } from '../durability/support';

// 4,000 people: 40 membership pages.
const scenario = { seed: 91, members: 3990, guests: 5, viewOnly: 5, admins: 2, inactiveShare: 0.2, eventsPerUserPerDay: 0.01, days: 30, deactivatedMembers: 0 };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario });
});
afterAll(async () => h?.close());

describe('a 20% rate of 5xx answers', () => {
  it('costs a download little more than the failed requests themselves, inside one activity attempt', async () => {
    const profileId = await readyProfile(h, { reclaimSubscriptions: false });
    await h.simControl('DELETE', '/_sim/requests');
    await h.simControl('POST', '/_sim/faults', { errorRate: 0.2, seed: 5 });
    const started = Date.now();
    let run;
    try {
      run = await runJob(h, profileId, 'download');
    } finally {
      await h.simControl('DELETE', '/_sim/faults');
    }
    const elapsed = Date.now() - started;
    expect(run.ok, String((run as { error?: unknown }).error)).toBe(true);

    const pages = (await h.simControl('GET', '/_sim/state')).members.filter((m: { removedAt: string | null }) => !m.removedAt).length / 100;
    const fetches = (await simRequests(h)).filter(isMembershipPage);
    const failed = fetches.filter((r) => r.status >= 500).length;
    // Each page is asked for until it is answered: with p = 0.2 that is 1 / (1 - p) = 1.25 requests a page.
    expect(fetches.length - failed).toBe(Math.ceil(pages));
    expect(failed).toBeGreaterThan(0);
    expect(fetches.length / Math.ceil(pages)).toBeLessThan(1.45);
    const { attempts } = await activityAttempts(h, run.workflowId);
    expect(attempts.downloadMemberships).toBe(1);
    const active = (await simMembers(h)).filter((m) => m.isActive && !m.removedAt).length;
    const rows = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM subscriptions WHERE profile_id = $1 AND status = 'active'", [profileId]);
    expect(rows[0]!.n).toBe(active);
    console.info(`20% 5xx: ${fetches.length} membership requests for ${Math.ceil(pages)} pages (${failed} failed, ${((fetches.length / Math.ceil(pages) - 1) * 100).toFixed(0)}% extra), ${elapsed} ms`);
    expect(elapsed).toBeLessThan(30_000);
  }, 60_000);
});
