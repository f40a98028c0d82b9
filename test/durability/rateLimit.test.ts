// Runs against a rate-limited Asana (429 with Retry-After) and through bursts of 500s: every run completes,
// never sends before a Retry-After has passed, takes about the time the limit itself requires, and
// writes nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile, simMembers } from '../support/runs';
import type { RateDecision } from '@licence-manager/asana-simulator';
import { activityAttempts, isMembershipPage, isStoryPage, jobOf, ms, simRequests, storiesSince, taskPageProject, waitFor, type SimRequest } from './support';

// ~300 people: 3 membership pages; activity from stories (what a person's OAuth grant reads on every plan) in
// 5 projects of 12 tasks, a page of stories each (66 requests); and a 2% cap that reclaims five of the inactive
// people (three requests each). About 35 s under the limit, so that the runs' own few seconds of work between
// requests weigh little against it.
const scenario = {
  seed: 11, members: 280, guests: 15, viewOnly: 5, admins: 2, inactiveShare: 0.3, eventsPerUserPerDay: 0.1, days: 90, deactivatedMembers: 1,
  projects: 5, storiesPerUserPerDay: 0.05, storiesOnlyShare: 0, loginOnlyShare: 0,
};
const LIMIT = 5;
const WINDOW_S = 2;
// Shorter than every Retry-After the limit gives (1-2 s): a wait must heartbeat on its own, or the attempt is lost.
const HEARTBEAT_TIMEOUT_S = 1;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario });
});
afterAll(async () => h?.close());

interface Decision {
  key: string;
  /** The limiter's clock when it decided. */
  at: number;
  retryAfterSeconds: number | null;
}

/**
 * Records what the simulator's limiter decides, changing nothing: the request log has no headers, and the
 * check below needs each 429's Retry-After exactly.
 */
function recordDecisions(): { decisions: Decision[]; restore(): void } {
  const limiter = h.sim.sim.limiter;
  const original = limiter.check.bind(limiter);
  const decisions: Decision[] = [];
  limiter.check = (key, now, limit, windowMs): RateDecision => {
    const decision = original(key, now, limit, windowMs);
    decisions.push({ key, at: now, retryAfterSeconds: decision.allowed ? null : decision.retryAfterSeconds });
    return decision;
  };
  return { decisions, restore: () => void (limiter.check = original) };
}

async function runWorkflow(profileId: string, type: string, workflowId: string): Promise<string> {
  await h.temporal.workflow.execute(type, {
    workflowId,
    taskQueue: h.taskQueue,
    // One request in flight at a time, so that "nothing is sent before a Retry-After" is exact: a request
    // already on its way when another meets a 429 cannot be recalled.
    args: [{ profileId, trigger: 'on_demand', tuning: { heartbeatTimeoutSeconds: HEARTBEAT_TIMEOUT_S, storyConcurrency: 1 } }],
  });
  return workflowId;
}

describe(`runs under a rate limit of ${LIMIT} requests per ${WINDOW_S} s`, () => {
  it('complete, never send before a Retry-After has passed, and take about the time the limit requires', async () => {
    const profileId = await readyProfile(h, { reclaimSubscriptions: true, reclaimCapPercent: 2 });
    await h.simControl('DELETE', '/_sim/requests');
    await h.simControl('POST', '/_sim/faults', { rateLimitPerMinute: LIMIT, rateLimitWindowSeconds: WINDOW_S });
    const spy = recordDecisions();
    const started = Date.now();
    let downloadId: string, activityId: string, reclaimId: string;
    try {
      downloadId = await runWorkflow(profileId, 'downloadSubscriptionsWorkflow', `profile/${profileId}/run/download/limited`);
      activityId = await runWorkflow(profileId, 'refreshActivityWorkflow', `profile/${profileId}/run/activity/limited`);
      reclaimId = `${activityId}/reclaim`; // started by the activity run, since reclaimSubscriptions is on
      await h.temporal.workflow.getHandle(reclaimId).result();
    } finally {
      spy.restore();
      await h.simControl('DELETE', '/_sim/faults');
    }
    const wallMs = Date.now() - started;

    // Every run succeeded at its first attempt of every activity: no 429 reached Temporal, no wait lost its heartbeat.
    const ids = [downloadId, activityId, reclaimId];
    const jobs = await Promise.all(ids.map((id) => jobOf(h, id)));
    expect(jobs.map((j) => [j?.kind, j?.status])).toEqual([
      ['download', 'succeeded'],
      ['activity', 'succeeded'],
      ['reclaim', 'succeeded'],
    ]);
    for (const id of ids) expect((await activityAttempts(h, id)).failures, id).toEqual([]);
    const [download, activity, reclaim] = jobs;
    const members = await simMembers(h);
    expect(download!.counts).toMatchObject({ pages: 3, pageFetches: 3 });
    expect(activity!.counts.candidatesCreated).toBeGreaterThan(5);
    expect(reclaim!.counts).toMatchObject({ selected: 5, reclaimed: 5, attentionRequired: 0 });
    expect(members.filter((m) => m.removedVia === 'removeUser')).toHaveLength(5);

    const requests = (await simRequests(h)).filter((r) => r.path.startsWith('/api/'));
    const limited = requests.filter((r) => r.status === 429);
    const served = requests.filter((r) => r.status !== 429);
    expect(served.every((r) => r.status === 200)).toBe(true);
    expect(limited.length, 'the limit was actually in force').toBeGreaterThan(3);
    // Each removal went out once and was answered 200 (a 429 is refused before anything happens).
    expect(served.filter((r) => r.method === 'POST' && r.path.endsWith('/removeUser'))).toHaveLength(5);

    // Pair each 429 in the log with the limiter's decision, to know its Retry-After. One token did all this.
    const tokens = new Set(requests.map((r) => r.tokenHint));
    expect(tokens.size).toBe(1);
    const denied = spy.decisions.filter((d) => d.retryAfterSeconds !== null);
    expect(spy.decisions).toHaveLength(requests.length);
    expect(denied).toHaveLength(limited.length);

    // Retry-After is whole seconds from the limiter's decision, which comes after the request arrived and
    // before the answer was sent. The client waits from when the answer reached it, so no request with that
    // token may reach the simulator before the 429's answer time plus Retry-After.
    let slackMs = Infinity;
    let overshootMs = 0;
    limited.forEach((r, i) => {
      const d = denied[i]!;
      expect(d.at).toBeGreaterThanOrEqual(ms(r.startedAt));
      expect(d.at).toBeLessThanOrEqual(ms(r.time));
      const notBefore = ms(r.time) + d.retryAfterSeconds! * 1000;
      const later = requests.filter((q) => q !== r && q.tokenHint === r.tokenHint && ms(q.startedAt) >= ms(r.startedAt));
      for (const q of later) expect(ms(q.startedAt), `request after the 429 of ${r.time}`).toBeGreaterThanOrEqual(notBefore);
      const next = later[0]!;
      // Waiting out Retry-After is enough: the request sent next is admitted ...
      expect(next.status, `the retry after the 429 of ${r.time}`).toBe(200);
      // ... and it is not waited for much longer than that.
      slackMs = Math.min(slackMs, ms(next.startedAt) - notBefore);
      overshootMs = Math.max(overshootMs, ms(next.startedAt) - notBefore);
    });
    expect(overshootMs).toBeLessThan(250);

    // The time the limit itself requires: the requests that did the work, LIMIT per window. (A client that
    // knew the limit could send the first LIMIT at once, so the strict floor is one window less.)
    const requiredMs = (served.length / LIMIT) * WINDOW_S * 1000;
    const floorMs = (Math.ceil(served.length / LIMIT) - 1) * WINDOW_S * 1000;
    const ratio = wallMs / requiredMs;
    const summary = () =>
      `rate limit ${LIMIT}/${WINDOW_S}s: ${served.length} requests served, ${limited.length} answered 429;` +
        ` wall ${wallMs} ms (download ${runMs(download)} ms, activity ${runMs(activity)} ms, reclaim ${runMs(reclaim)} ms);` +
        ` required ${requiredMs} ms -> ratio ${ratio.toFixed(3)}; strict floor ${floorMs} ms -> ${(wallMs / floorMs).toFixed(3)};` +
        ` first request after a Retry-After: ${slackMs}..${overshootMs} ms past it`;
    console.info(summary());
    expect(ratio, summary()).toBeLessThanOrEqual(1.1);
    expect(wallMs / floorMs, summary()).toBeLessThanOrEqual(1.25);
  }, 90_000);
});

describe('bursts of 500s', () => {
  // Without the in-activity retries (transientRetries 0), so that each 500 costs an activity attempt.
  it('a download and a stories walk that lose attempts to 500s complete, resume, and write nothing twice', async () => {
    // A second profile on the same organization, so this walk starts from nothing.
    const profileId = await readyProfile(h, { reclaimSubscriptions: false });
    await h.simControl('DELETE', '/_sim/requests');
    await h.simControl('POST', '/_sim/faults', { latencyMs: 150 });

    const downloadId = `profile/${profileId}/run/download/bursts`;
    await h.temporal.workflow.start('downloadSubscriptionsWorkflow', {
      workflowId: downloadId,
      taskQueue: h.taskQueue,
      args: [{ profileId, trigger: 'on_demand', tuning: { heartbeatTimeoutSeconds: 5, transientRetries: 0 } }],
    });
    // After the first page, the next two requests fail: two attempts lost, the third carries on from page 1.
    await waitFor('the first membership page', async () => ((await jobOf(h, downloadId))?.counts.pages ?? 0) >= 1, 10_000, 10);
    await h.simControl('POST', '/_sim/faults', { failNextRequests: 2 });
    await h.temporal.workflow.getHandle(downloadId).result();

    const activityId = `profile/${profileId}/run/activity/bursts`;
    await h.temporal.workflow.start('refreshActivityWorkflow', {
      workflowId: activityId,
      taskQueue: h.taskQueue,
      args: [{ profileId, trigger: 'on_demand', tuning: { heartbeatTimeoutSeconds: 5, transientRetries: 0, storyConcurrency: 1 } }],
    });
    await waitFor('the first project read', async () => ((await jobOf(h, activityId))?.counts.storyProjects ?? 0) >= 1, 15_000, 10);
    await h.simControl('POST', '/_sim/faults', { failNextRequests: 1 });
    await h.temporal.workflow.getHandle(activityId).result();
    await h.simControl('DELETE', '/_sim/faults');

    const requests = await simRequests(h);
    const failed = requests.filter((r) => r.status === 500);
    const storyRead = (r: SimRequest) => taskPageProject(r) !== null || isStoryPage(r);
    expect(failed.map((r) => (isMembershipPage(r) ? 'membership' : storyRead(r) ? 'stories' : r.path))).toEqual(['membership', 'membership', 'stories']);

    const members = await simMembers(h);
    const listed = members.filter((m) => !m.removedAt);
    const active = listed.filter((m) => m.isActive).map((m) => m.gid).sort();
    const pages = Math.ceil(listed.length / 100);
    const dl = (await jobOf(h, downloadId))!;
    expect(dl.status).toBe('succeeded');
    // Members counted once, whatever was fetched again; one subscription each.
    expect(dl.counts).toMatchObject({ pages, members: active.length, activeSubscriptions: active.length });
    const subs = await h.db.query<{ user_gid: string }>("SELECT user_gid FROM subscriptions WHERE profile_id = $1 AND status = 'active' ORDER BY user_gid", [profileId]);
    expect(subs.map((s) => s.user_gid)).toEqual(active);
    // The third attempt resumed from the first attempt's heartbeat, not from page one.
    const membershipPages = requests.filter(isMembershipPage);
    const servedBeforeBurst = membershipPages.findIndex((r) => r.status === 500);
    const resumedAt = dl.counts.resumedAtPage!;
    expect(resumedAt).toBeGreaterThanOrEqual(1);
    expect(resumedAt).toBeLessThanOrEqual(servedBeforeBurst);
    expect(dl.counts.pageFetches).toBe(servedBeforeBurst + pages - resumedAt);
    expect(membershipPages.filter((r) => r.status === 200)).toHaveLength(dl.counts.pageFetches!);
    expect((await activityAttempts(h, downloadId)).attempts.downloadMemberships).toBe(3);

    const act = (await jobOf(h, activityId))!;
    expect(act.status).toBe('succeeded');
    // Every task of every project, and every story on them, counted once.
    const world = h.sim.sim.stories;
    const from = (await h.db.query<{ coverage_start: Date }>("SELECT coverage_start FROM activity_cursors WHERE profile_id = $1 AND source = 'stories'", [profileId]))[0]!.coverage_start.getTime();
    const { tasks, stories: truth } = storiesSince(h.sim, from);
    expect(tasks).toBeGreaterThan(0);
    expect(act.counts).toMatchObject({ storyProjects: world.projects, storyTasks: tasks, stories: truth });
    // The retry re-read only the project the failure hit: each finished project's tasks were listed once.
    const taskLists = requests.filter((r) => taskPageProject(r) !== null && r.status === 200).map((r) => taskPageProject(r)!);
    const listedTwice = [...new Set(taskLists)].filter((gid) => taskLists.filter((g) => g === gid).length > 1);
    expect(taskLists.length).toBeLessThanOrEqual(world.projects + 1);
    expect(listedTwice.length).toBeLessThanOrEqual(1);
    expect((await activityAttempts(h, activityId)).attempts.walkStories).toBe(2);
    console.info(
      `500 bursts: download of ${pages} pages resumed at page ${resumedAt} after 2 lost attempts (${dl.counts.pageFetches} page fetches);` +
        ` stories walk of ${world.projects} projects (${truth} stories) resumed after 1 lost attempt, ${taskLists.length} task listings`,
    );
  }, 40_000);
});

function runMs(job: { started_at: Date; finished_at: Date | null } | undefined): number {
  return job?.finished_at ? job.finished_at.getTime() - job.started_at.getTime() : NaN;
}
