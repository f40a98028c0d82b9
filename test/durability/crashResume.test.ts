// A worker process killed (SIGKILL) while it walks Asana page by page: the runs finish on a new worker,
// resume where the walks had got to, and leave nothing lost and nothing written twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import type { WalkProgress } from '../../src/activities/downloadActivities';
import { startHarness, type Harness } from '../support/harness';
import { readyAuditLogProfile, simMembers } from '../support/runs';
import { processExists, startWorkerProcess, type WorkerProcess } from '../support/spawnWorker';
import { activityAttempts, isAuditPage, isMembershipPage, jobOf, ms, simRequests, waitFor, type SimRequest } from './support';

const HOUR = 3_600_000;
// 2,500 people: 25 membership pages of 100. The last sixty hours of their audit log hold ~2,700 events (~28 pages).
const scenario = { seed: 7, members: 2450, guests: 30, viewOnly: 20, admins: 3, inactiveShare: 0.2, eventsPerUserPerDay: 2, days: 60, deactivatedMembers: 1 };
const PAGE_LATENCY_MS = 250;
const HEARTBEAT_TIMEOUT_S = 2;
const CRASH_AFTER_PAGES = 10;

let h: Harness;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  h = await startHarness({ scenario, inProcessWorker: false });
  workers.push(await startWorkerProcess(h.workerEnv));
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  await h?.close();
});

interface CrashRun {
  profileId: string;
  downloadId: string;
  activityId: string;
  crashAt: number;
  /** Membership pages the first attempt had written (its job result's counts) when the worker died. */
  pagesWrittenBeforeCrash: number;
  /** The walk's progress as the Temporal server last received it in a heartbeat. */
  lastHeartbeat: WalkProgress;
  /** The audit-log watermark and events read that the first attempt had committed when the worker died. */
  watermarkAtCrash: string;
  eventsReadAtCrash: number;
  /** From the crash until both runs had finished on the new worker. */
  recoveryMs: number;
  requests: SimRequest[];
}

const cursorOf = async (profileId: string) =>
  (
    await h.db.query<{ watermark: string; events_read: number; coverage_start: Date; status: string }>(
      "SELECT watermark, events_read::int AS events_read, coverage_start, status FROM activity_cursors WHERE profile_id = $1 AND source = 'auditLog'",
      [profileId],
    )
  )[0];

/** The details of the last heartbeat the server holds for the workflow's running activity. */
async function lastHeartbeatOf(workflowId: string): Promise<WalkProgress> {
  const { raw } = await h.temporal.workflow.getHandle(workflowId).describe();
  const payload = raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.[0];
  if (!payload) throw new Error(`${workflowId} has no heartbeat recorded`);
  return defaultPayloadConverter.fromPayload<WalkProgress>(payload);
}

/** One worker runs a download and an activity pull of the same organization; it is killed while both are mid-walk. */
async function crashMidWalk(): Promise<CrashRun> {
  // The audit log (a Service Account's token) alone: the stories walk's own crash test is in test/runs/activitySources.test.ts.
  const profileId = await readyAuditLogProfile(h, { reclaimSubscriptions: false, analyzeActivityFrom: new Date(Date.now() - 60 * HOUR).toISOString() });
  await h.simControl('DELETE', '/_sim/requests');
  await h.simControl('POST', '/_sim/faults', { latencyMs: PAGE_LATENCY_MS });

  // The audit log as one stream (its first read in time slices has its own crash test, auditBackfill.test.ts).
  const tuning = { heartbeatTimeoutSeconds: HEARTBEAT_TIMEOUT_S, auditLogConcurrency: 1 };
  const downloadId = `profile/${profileId}/run/download/crash`;
  const activityId = `profile/${profileId}/run/activity/crash`;
  await Promise.all([
    h.temporal.workflow.start('downloadSubscriptionsWorkflow', { workflowId: downloadId, taskQueue: h.taskQueue, args: [{ profileId, trigger: 'on_demand', tuning }] }),
    h.temporal.workflow.start('refreshActivityWorkflow', { workflowId: activityId, taskQueue: h.taskQueue, args: [{ profileId, trigger: 'on_demand', tuning }] }),
  ]);

  await waitFor('both walks to be mid-way', async () => {
    const [job, cursor] = await Promise.all([jobOf(h, downloadId), cursorOf(profileId)]);
    return (job?.counts.pages ?? 0) >= CRASH_AFTER_PAGES && (cursor?.events_read ?? 0) >= CRASH_AFTER_PAGES * 100;
  });
  const doomed = workers[0]!;
  await doomed.crash();
  const crashAt = Date.now();
  expect(processExists(doomed.child.pid!), 'the killed worker is gone').toBe(false);
  // A statement the worker had sent just before it died may still commit: let PostgreSQL settle, then read.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const pagesWrittenBeforeCrash = (await jobOf(h, downloadId))!.counts.pages!;
  const cursor = (await cursorOf(profileId))!;
  const lastHeartbeat = await lastHeartbeatOf(downloadId);
  workers.push(await startWorkerProcess(h.workerEnv));

  await Promise.all([h.temporal.workflow.getHandle(downloadId).result(), h.temporal.workflow.getHandle(activityId).result()]);
  const recoveryMs = Date.now() - crashAt;
  await h.simControl('DELETE', '/_sim/faults');
  return {
    profileId,
    downloadId,
    activityId,
    crashAt,
    pagesWrittenBeforeCrash,
    lastHeartbeat,
    watermarkAtCrash: cursor.watermark,
    eventsReadAtCrash: cursor.events_read,
    recoveryMs,
    requests: await simRequests(h),
  };
}

describe('a worker killed mid-walk', () => {
  let run: CrashRun;
  beforeAll(async () => {
    run = await crashMidWalk();
  }, 90_000);

  it('download: the membership walk resumes after the last page written and writes every member once', async () => {
    const job = (await jobOf(h, run.downloadId))!;
    const members = await simMembers(h);
    const listed = members.filter((m) => !m.removedAt);
    const active = listed.filter((m) => m.isActive).map((m) => m.gid).sort();
    const pages = Math.ceil(listed.length / 100);
    expect(pages).toBe(25);
    expect(run.pagesWrittenBeforeCrash, 'the worker died mid-walk').toBeLessThan(pages);

    expect(job.status).toBe('succeeded');
    expect(job.counts).toMatchObject({ pages, members: active.length, activeSubscriptions: active.length, endedSubscriptions: 0 });
    const subs = await h.db.query<{ user_gid: string; status: string }>('SELECT user_gid, status FROM subscriptions WHERE profile_id = $1 ORDER BY user_gid', [run.profileId]);
    expect(subs.map((s) => s.user_gid)).toEqual(active);
    expect(new Set(subs.map((s) => s.status))).toEqual(new Set(['active']));

    // The retry began right after the last page written before the crash: the cursor is committed with
    // each page, so it is never behind the last heartbeat the server had (heartbeats reach it at most every
    // HEARTBEAT_THROTTLE_MS), and nothing written is walked again.
    const fetches = run.requests.filter(isMembershipPage);
    const before = fetches.filter((r) => ms(r.startedAt) < run.crashAt);
    const after = fetches.filter((r) => ms(r.startedAt) > run.crashAt);
    const resumedAt = job.counts.resumedAtPage!;
    expect(resumedAt).toBe(run.pagesWrittenBeforeCrash);
    expect(resumedAt).toBeGreaterThanOrEqual(run.lastHeartbeat.pages);
    const unheartbeated = run.pagesWrittenBeforeCrash - run.lastHeartbeat.pages;
    // The second attempt's first request asked for exactly the page after the resumed one.
    expect(after[0]?.query.offset).toBeDefined();
    expect(after[0]?.query.offset).toBe(before[resumedAt]?.query.offset);

    // Fetches: every page once, plus the pages walked again, plus at most two fetched but never committed when
    // the worker died: the walk asks for the next page while it writes the current one, so both may be in hand.
    const pageFetches = job.counts.pageFetches!;
    expect(pageFetches).toBe(run.pagesWrittenBeforeCrash + (pages - resumedAt));
    expect(pageFetches).toBeLessThan(1.5 * pages);
    expect(fetches.length - pageFetches).toBeGreaterThanOrEqual(0);
    expect(fetches.length - pageFetches).toBeLessThanOrEqual(2);

    const { attempts, failures } = await activityAttempts(h, run.downloadId);
    expect(attempts.downloadMemberships).toBe(2);
    expect(failures).toEqual(['downloadMemberships (before attempt 2): activity Heartbeat timeout']);

    console.info(
      `download crash: ${pages} pages, crash after page ${run.pagesWrittenBeforeCrash}, resumed at page ${resumedAt}` +
        ` (pages written since the last heartbeat the server had: ${unheartbeated}), pageFetches ${pageFetches},` +
        ` membership GETs ${fetches.length}, recovery ${run.recoveryMs} ms`,
    );
  });

  it('activity: the audit-log pull resumes from its watermark and counts every event once', async () => {
    const job = (await jobOf(h, run.activityId))!;
    const cursor = (await cursorOf(run.profileId))!;
    const coverageStart = cursor.coverage_start.getTime();
    // Ground truth, from the simulator itself: the user events at or after the coverage start.
    const truth = h.sim.sim.auditLog.read(null, { startAt: coverageStart, actorType: 'user' }, Number.MAX_SAFE_INTEGER, Date.now()).events.length;
    const pages = Math.ceil(truth / 100) + 1; // the last page is the empty one that says "caught up"
    expect(truth).toBeGreaterThan(2000);
    expect(run.eventsReadAtCrash, 'the worker died mid-pull').toBeLessThan(truth);

    expect(job.status).toBe('succeeded');
    expect(cursor.status).toBe('caught_up');
    expect(cursor.events_read).toBe(truth);
    expect(job.counts).toMatchObject({ auditEvents: truth, auditPages: pages, sourcesRead: 1, sourcesUnavailable: 0 });

    // Each person's last activity is the newest meaningful event of theirs in the window: the simulator's lastAuditEventAt.
    const expected = Object.fromEntries(
      (await simMembers(h)).filter((m) => m.lastAuditEventAt !== null && ms(m.lastAuditEventAt) >= coverageStart).map((m) => [m.gid, ms(m.lastAuditEventAt!)]),
    );
    const rows = await h.db.query<{ user_gid: string; last_activity_at: Date }>('SELECT user_gid, last_activity_at FROM user_activity WHERE profile_id = $1', [run.profileId]);
    expect(Object.fromEntries(rows.map((r) => [r.user_gid, r.last_activity_at.getTime()]))).toEqual(expected);

    // The retry carried on from the watermark committed before the crash, not from the coverage start.
    const fetches = run.requests.filter(isAuditPage);
    const after = fetches.filter((r) => ms(r.startedAt) > run.crashAt);
    expect(fetches[0]?.query.start_at).toBeDefined();
    expect(after[0]?.query.offset).toBe(run.watermarkAtCrash);
    expect(after[0]?.query.start_at).toBeUndefined();
    // Every page fetched once, plus at most the one in flight when the worker died.
    expect(fetches.length - pages).toBeGreaterThanOrEqual(0);
    expect(fetches.length - pages).toBeLessThanOrEqual(1);

    const { attempts, failures } = await activityAttempts(h, run.activityId);
    expect(attempts.pullAuditLog).toBe(2);
    expect(failures).toEqual(['pullAuditLog (before attempt 2): activity Heartbeat timeout']);

    console.info(
      `audit-log crash: ${truth} events in ${pages} pages, crash after ${run.eventsReadAtCrash} events,` +
        ` audit GETs ${fetches.length} (${after.length} after the crash)`,
    );
  });
});
