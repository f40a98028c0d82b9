// PostgreSQL and the Temporal server restarted while a download walks Asana page by page: the run completes,
// every member is written once, and the walk carries on from where it had got to instead of from page one.
// The file restarts servers of its own (restartable.ts); the run's shared ones serve other files meanwhile.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import type { RunTuning } from '../../src/runs/types';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile, simMembers } from '../support/runs';
import { activityAttempts, isMembershipPage, jobOf, ms, simRequests, waitFor, type SimRequest } from './support';
import { startOwnServers, type OwnServers } from './restartable';

// 3,000 people: 30 membership pages of 100.
const scenario = { seed: 23, members: 2950, guests: 30, viewOnly: 20, admins: 3, inactiveShare: 0.2, eventsPerUserPerDay: 0.05, days: 30, deactivatedMembers: 1 };
const PAGES = 30;
const DOWN_MS = 2_000;
/**
 * How long the worker keeps retrying an activity's completion while the server is unreachable: the Temporal
 * client inside the worker retries a call with backoff (100 ms, x1.7, at most 5 s a wait, ±20%) and gives up
 * once 10 s have passed, so its last try comes at most ~16 s after the first. Past this, the report is lost.
 */
const COMPLETION_RETRY_BUDGET_MS = 17_000;

let servers: OwnServers;
let h: Harness;

beforeAll(async () => {
  servers = await startOwnServers(createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', 'test-restarts'));
  h = await startHarness({ scenario, temporalAddress: servers.temporalAddress, databaseUrl: servers.databaseUrl });
});
afterEach(async () => {
  // A test that failed mid-outage leaves the next one its servers.
  if (!servers.postgres.running) await servers.postgres.start();
  if (!servers.temporal.running) await servers.temporal.start();
  await h.simControl('DELETE', '/_sim/faults');
});
afterAll(async () => {
  await h?.close();
  await servers?.close();
});

const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));
const committedPages = async (workflowId: string) => (await jobOf(h, workflowId))?.counts.pages ?? 0;

/** Starts a download whose every page the simulator answers after `latencyMs`; resolves once `afterPages` pages are committed. */
async function startSlowDownload(label: string, opts: { latencyMs: number; afterPages: number; tuning?: RunTuning }) {
  const profileId = await readyProfile(h, { reclaimSubscriptions: false });
  await h.simControl('DELETE', '/_sim/requests');
  await h.simControl('POST', '/_sim/faults', { latencyMs: opts.latencyMs });
  const workflowId = `profile/${profileId}/run/download/${label}`;
  const started = Date.now();
  await h.temporal.workflow.start('downloadSubscriptionsWorkflow', {
    workflowId,
    taskQueue: h.taskQueue,
    args: [{ profileId, trigger: 'on_demand', tuning: opts.tuning }],
  });
  await waitFor(`${opts.afterPages} pages written`, async () => (await committedPages(workflowId)) >= opts.afterPages);
  return { profileId, workflowId, started };
}

/** What every run here must end with: succeeded, its counts right, one active row per active member, one job result. */
async function expectCompleteDownload(profileId: string, workflowId: string) {
  const job = (await jobOf(h, workflowId))!;
  const listed = (await simMembers(h)).filter((m) => !m.removedAt);
  const active = listed.filter((m) => m.isActive).map((m) => m.gid).sort();
  expect(Math.ceil(listed.length / 100)).toBe(PAGES);
  expect(job.status).toBe('succeeded');
  expect(job.counts).toMatchObject({ pages: PAGES, members: active.length, activeSubscriptions: active.length, endedSubscriptions: 0 });
  const subs = await h.db.query<{ user_gid: string; status: string; last_seen_job: string }>(
    'SELECT user_gid, status, last_seen_job FROM subscriptions WHERE profile_id = $1 ORDER BY user_gid',
    [profileId],
  );
  expect(subs.map((s) => s.user_gid)).toEqual(active);
  expect(new Set(subs.map((s) => `${s.status} ${s.last_seen_job}`))).toEqual(new Set([`active ${job.id}`]));
  const rows = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM job_results WHERE workflow_id = $1', [workflowId]);
  expect(rows[0]!.n, 'one job result for the run, however many attempts').toBe(1);
  return { job, requests: await simRequests(h) };
}

/** When the server recorded each activity type's completion (its ActivityTaskCompleted event), in ms. */
async function completionTimes(workflowId: string): Promise<Record<string, number>> {
  const history = await h.temporal.workflow.getHandle(workflowId).fetchHistory();
  const types = new Map<string, string>();
  const times: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) types.set(String(event.eventId), scheduled.activityType?.name ?? '?');
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) times[types.get(String(completed.scheduledEventId)) ?? '?'] = Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6);
  }
  return times;
}

const membershipFetches = (requests: SimRequest[]) => requests.filter(isMembershipPage);

describe('a PostgreSQL restart mid-walk', () => {
  it('fails the attempt in flight; its retry resumes after the last page committed and the run completes', async () => {
    const { profileId, workflowId, started } = await startSlowDownload('postgres-restart', { latencyMs: 200, afterPages: 5 });
    const pagesAtStop = await committedPages(workflowId);
    const stopAt = Date.now();
    await servers.postgres.stop();
    const stoppedAt = Date.now();
    await sleep(DOWN_MS);
    await servers.postgres.start();
    const upAt = Date.now();
    await waitFor('a page written after the restart', async () => (await committedPages(workflowId)) > pagesAtStop);
    const writingAgainAt = Date.now();
    await h.temporal.workflow.getHandle(workflowId).result();
    const finishedAt = Date.now();

    const { job, requests } = await expectCompleteDownload(profileId, workflowId);
    // Each page commits in one transaction with the walk's cursor, and a fast shutdown keeps every commit: the
    // retry began after the last page committed (at least the last the test saw before stopping the server).
    const resumedAt = job.counts.resumedAtPage!;
    expect(resumedAt).toBeGreaterThanOrEqual(pagesAtStop);
    expect(resumedAt).toBeLessThan(PAGES);
    expect(job.counts.pageFetches, 'pages committed, over both attempts').toBe(PAGES);

    // Every page fetched once, plus the one whose commit the shutdown cut off and the one fetched ahead of it
    // (the walk asks for the next page while it writes the current one): resumed, not restarted.
    const fetches = membershipFetches(requests);
    expect(fetches.length - PAGES).toBeGreaterThanOrEqual(0);
    expect(fetches.length - PAGES).toBeLessThanOrEqual(2);
    expect(fetches.length).toBeLessThan(2 * PAGES);
    // The first page asked for after the restart is the one after the last page written.
    const after = fetches.filter((r) => ms(r.startedAt) > upAt);
    expect(after[0]?.query.offset).toBeDefined();
    expect(after[0]?.query.offset).toBe(fetches[resumedAt]?.query.offset);

    // The attempt that lost its database failed (a retryable error) and a later one finished the walk.
    const { attempts, failures } = await activityAttempts(h, workflowId);
    expect(attempts.downloadMemberships).toBeGreaterThanOrEqual(2);
    // The history keeps the failure before the attempt that finished (a second lost attempt, while the server
    // was still coming up, leaves no separate trace).
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures.length).toBeLessThanOrEqual(attempts.downloadMemberships! - 1);
    for (const failure of failures) expect(failure).toMatch(/^downloadMemberships \(before attempt \d\): /);
    console.info(
      `postgres restart: stopped after page ${pagesAtStop} (stop ${stoppedAt - stopAt} ms), down ${upAt - stoppedAt} ms; resumed at page ${resumedAt};` +
        ` first page written ${writingAgainAt - upAt} ms after the restart, run done ${finishedAt - upAt} ms after it (whole run ${finishedAt - started} ms);` +
        ` pageFetches ${job.counts.pageFetches}, membership GETs ${fetches.length} for ${PAGES} pages; attempts ${attempts.downloadMemberships}; ${failures.join('; ')}`,
    );
  });
});

describe('a Temporal server restart', () => {
  it('mid-walk: the attempt walks on without the server, the worker reconnects and the run completes, nothing walked twice', async () => {
    // A heartbeat timeout longer than the outage: the server must not give the attempt up while it is away.
    const { profileId, workflowId, started } = await startSlowDownload('temporal-restart', { latencyMs: 350, afterPages: 4, tuning: { heartbeatTimeoutSeconds: 30 } });
    const pagesAtStop = await committedPages(workflowId);
    const stopAt = Date.now();
    await servers.temporal.stop();
    const stoppedAt = Date.now();
    await sleep(DOWN_MS);
    await servers.temporal.start();
    const upAt = Date.now();
    const pagesAtRestart = await committedPages(workflowId);
    await h.temporal.workflow.getHandle(workflowId).result();
    const finishedAt = Date.now();

    // The walk went on through the outage (it needs Asana and PostgreSQL, not Temporal), and was still going when
    // the server came back: its completion, and every step after it, went to the restarted server.
    expect(pagesAtRestart).toBeGreaterThan(pagesAtStop);
    expect(pagesAtRestart).toBeLessThan(PAGES);
    const { job, requests } = await expectCompleteDownload(profileId, workflowId);
    const completed = await completionTimes(workflowId);
    expect(completed.downloadMemberships).toBeGreaterThan(upAt - 1_000); // the server's clock, in whole milliseconds
    expect(Object.keys(completed).sort()).toEqual(['claimRun', 'downloadMemberships', 'finishDownload', 'finishJob', 'releaseRun', 'startJob']);

    // One attempt of everything, every page fetched exactly once.
    const { attempts, failures } = await activityAttempts(h, workflowId);
    expect(attempts).toEqual({ claimRun: 1, startJob: 1, downloadMemberships: 1, finishDownload: 1, finishJob: 1, releaseRun: 1 });
    expect(failures).toEqual([]);
    expect(job.counts.resumedAtPage).toBeUndefined();
    expect(job.counts.pageFetches).toBe(PAGES);
    const fetches = membershipFetches(requests);
    expect(fetches.length).toBe(PAGES);
    console.info(
      `temporal restart mid-walk: stopped after page ${pagesAtStop} (stop ${stoppedAt - stopAt} ms), serving again after ${upAt - stoppedAt} ms` +
        ` with page ${pagesAtRestart} written meanwhile; run done ${finishedAt - upAt} ms after the restart (whole run ${finishedAt - started} ms);` +
        ` membership GETs ${fetches.length} for ${PAGES} pages; one attempt of each activity`,
    );
  });

  it('as the walk ends: its completion is lost, the retry finds the walk complete and fetches nothing again', async () => {
    // A heartbeat timeout shorter than the outage: once back, the server gives the silent attempt up and retries it.
    const { profileId, workflowId, started } = await startSlowDownload('temporal-down-at-end', { latencyMs: 150, afterPages: PAGES - 16, tuning: { heartbeatTimeoutSeconds: 3 } });
    await servers.temporal.stop();
    const stoppedAt = Date.now();
    const pagesWhenStopped = await committedPages(workflowId);
    expect(pagesWhenStopped, 'the walk was still going when the server went away').toBeLessThan(PAGES);
    await waitFor('the walk to end while the server is down', async () => (await committedPages(workflowId)) === PAGES);
    const walkEndedAt = Date.now();
    // Long enough for the worker to give up reporting the activity's completion.
    await sleep(COMPLETION_RETRY_BUDGET_MS);
    await servers.temporal.start();
    const upAt = Date.now();
    await h.temporal.workflow.getHandle(workflowId).result();
    const finishedAt = Date.now();

    const { job, requests } = await expectCompleteDownload(profileId, workflowId);
    // The server never heard that the first attempt finished: it timed it out and ran a second one...
    const { attempts, failures } = await activityAttempts(h, workflowId);
    expect(attempts.downloadMemberships).toBe(2);
    expect(failures).toEqual(['downloadMemberships (before attempt 2): activity Heartbeat timeout']);
    // ...which found every page committed and the cursor at the end: it walked nothing again.
    expect(job.counts.resumedAtPage).toBe(PAGES);
    expect(job.counts.pageFetches).toBe(PAGES);
    const fetches = membershipFetches(requests);
    expect(fetches.length).toBe(PAGES);
    expect(fetches.filter((r) => ms(r.startedAt) > walkEndedAt)).toEqual([]);
    console.info(
      `temporal down as the walk ends: stopped at page ${pagesWhenStopped}, the walk ended ${walkEndedAt - stoppedAt} ms later; serving again after ${upAt - stoppedAt} ms;` +
        ` run done ${finishedAt - upAt} ms after the restart (whole run ${finishedAt - started} ms); attempts ${attempts.downloadMemberships},` +
        ` resumed at page ${job.counts.resumedAtPage}; membership GETs ${fetches.length} for ${PAGES} pages`,
    );
  });
});
