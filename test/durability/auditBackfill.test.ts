// The audit log's first read in time slices, read side by side: the same people, last activities and candidates
// as the simulator's own state, every event counted once; a worker killed (SIGKILL) mid-backfill resumes each
// slice from its own committed offset and reads no finished slice again; a later read is one stream from the
// watermark; a rate-limited backfill waits out every Retry-After; a newest slice that finds nothing leaves the next read
// to stream from where it began.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { expectedCandidates, readyAuditLogProfile, runJob, simMembers } from '../support/runs';
import { processExists, startWorkerProcess, type WorkerProcess } from '../support/spawnWorker';
import type { RateDecision } from '@licence-manager/asana-simulator';
import { activityAttempts, isAuditPage, jobOf, ms, simRequests, waitFor, type SimRequest } from './support';

// 300 people over 90 days; the default 60 days read hold ~3,300 events of people (~35 pages of 100).
const scenario = { seed: 31, members: 285, guests: 10, viewOnly: 5, admins: 2, inactiveShare: 0.3, recentlyCreatedShare: 0, eventsPerUserPerDay: 0.25, days: 90 };
// Three slices in flight, twelve slices of five days.
const CONCURRENCY = 3;
const SLICES = 12;
const PAGE = 100;

let h: Harness;
let adminGid: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  h = await startHarness({ scenario, inProcessWorker: false });
  adminGid = (await h.simControl('POST', '/_sim/scenario', scenario)).adminUserGid;
  workers.push(await startWorkerProcess(h.workerEnv));
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  await h?.close();
});

interface SliceRow {
  slice: number;
  start_at: Date;
  end_at: Date | null;
  page_offset: string | null;
  pages: number;
  events_read: number;
  done: boolean;
}

const slicesOf = (profileId: string) =>
  h.db.query<SliceRow>('SELECT slice, start_at, end_at, page_offset, pages, events_read::int AS events_read, done FROM activity_backfill_slices WHERE profile_id = $1 ORDER BY slice', [profileId]);

const cursorOf = async (profileId: string) =>
  (
    await h.db.query<{ watermark: string | null; events_read: number; coverage_start: Date; status: string }>(
      "SELECT watermark, events_read::int AS events_read, coverage_start, status FROM activity_cursors WHERE profile_id = $1 AND source = 'auditLog'",
      [profileId],
    )
  )[0]!;

/** The people's events in [from, to) as the simulator holds them (to: none, up to now). */
const eventsIn = (from: number, to: number | null): number =>
  h.sim.sim.auditLog.read(null, { startAt: from, ...(to === null ? {} : { endAt: to }), actorType: 'user' }, Number.MAX_SAFE_INTEGER, Date.now()).events.length;

/** Pages a slice of n events takes: the full and partial ones, then the empty one that ends it (an empty slice: that one only). */
const pagesFor = (n: number): number => (n === 0 ? 1 : Math.ceil(n / PAGE) + 1);

/** Which slice an audit-log request read: its start_at is the slice's own. */
const sliceOfRequest = (slices: SliceRow[], r: SimRequest): number | undefined => slices.find((s) => s.start_at.toISOString() === r.query.start_at)?.slice;

async function startActivity(profileId: string, name: string, tuning: Record<string, unknown> = {}): Promise<string> {
  const workflowId = `profile/${profileId}/run/activity/${name}`;
  await h.temporal.workflow.start('refreshActivityWorkflow', {
    workflowId,
    taskQueue: h.taskQueue,
    args: [{ profileId, trigger: 'on_demand', tuning: { auditLogConcurrency: CONCURRENCY, ...tuning } }],
  });
  return workflowId;
}

/** Each person's stored last activity against their newest meaningful event since the coverage start, from the simulator. */
async function expectLastActivityAsSimulator(profileId: string, coverageStart: number, least = 100): Promise<void> {
  const expected = Object.fromEntries(
    (await simMembers(h)).filter((m) => m.lastAuditEventAt !== null && ms(m.lastAuditEventAt) >= coverageStart).map((m) => [m.gid, ms(m.lastAuditEventAt!)]),
  );
  const rows = await h.db.query<{ user_gid: string; last_activity_at: Date }>('SELECT user_gid, last_activity_at FROM user_activity WHERE profile_id = $1', [profileId]);
  expect(Object.keys(expected).length).toBeGreaterThanOrEqual(least);
  expect(Object.fromEntries(rows.map((r) => [r.user_gid, r.last_activity_at.getTime()]))).toEqual(expected);
}

/** The truth per slice: its events, and the pages reading them takes. */
function truthOf(slices: SliceRow[]): { events: number[]; pages: number[] } {
  const events = slices.map((s) => eventsIn(s.start_at.getTime(), s.end_at?.getTime() ?? null));
  return { events, pages: events.map(pagesFor) };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('the first audit-log read, in time slices', () => {
  let profileId: string;
  let coverageStart: number;
  let watermark: string;
  let firstSlices: SliceRow[];

  beforeAll(async () => {
    profileId = await readyAuditLogProfile(h, { reclaimSubscriptions: false });
    expect((await runJob(h, profileId, 'download')).ok).toBe(true);
  });

  it('reads every slice side by side and gives the simulator\'s last activities and candidates, each event counted once', async () => {
    await h.simControl('DELETE', '/_sim/requests');
    // A little latency, so requests of different slices are seen in flight together.
    await h.simControl('POST', '/_sim/faults', { latencyMs: 50 });
    const workflowId = await startActivity(profileId, 'first');
    await h.temporal.workflow.getHandle(workflowId).result();
    await h.simControl('DELETE', '/_sim/faults');

    const cursor = await cursorOf(profileId);
    coverageStart = cursor.coverage_start.getTime();
    const slices = await slicesOf(profileId);
    expect(slices).toHaveLength(SLICES);
    // Adjacent, from the coverage start, the newest open-ended.
    expect(slices[0]!.start_at.getTime()).toBe(coverageStart);
    for (let i = 1; i < slices.length; i++) expect(slices[i]!.start_at.getTime()).toBe(slices[i - 1]!.end_at!.getTime());
    expect(slices.at(-1)!.end_at).toBeNull();
    expect(slices.every((s) => s.done)).toBe(true);

    const truth = truthOf(slices);
    const total = eventsIn(coverageStart, null);
    expect(sum(truth.events)).toBe(total);
    expect(total).toBeGreaterThan(2_000);
    expect(slices.map((s) => s.events_read)).toEqual(truth.events);
    expect(slices.map((s) => s.pages)).toEqual(truth.pages);
    expect(cursor.status).toBe('caught_up');
    expect(cursor.events_read).toBe(total);
    // The newest slice's offset is the stream's watermark.
    expect(cursor.watermark).not.toBeNull();
    expect(cursor.watermark).toBe(slices.at(-1)!.page_offset);
    watermark = cursor.watermark!;
    firstSlices = slices;

    const job = (await jobOf(h, workflowId))!;
    expect(job.status).toBe('succeeded');
    expect(job.counts).toMatchObject({ auditEvents: total, auditPages: sum(truth.pages), sourcesRead: 1, sourcesUnavailable: 0 });
    await expectLastActivityAsSimulator(profileId, coverageStart);

    const candidates = (await h.db.query<{ user_gid: string }>("SELECT user_gid FROM removal_candidates WHERE profile_id = $1 AND state <> 'closed_canceled' ORDER BY user_gid", [profileId])).map((r) => r.user_gid);
    const expected = expectedCandidates(await simMembers(h), { adminGid, coverageStart, sources: { stories: false, auditLog: true } });
    expect(expected.length).toBeGreaterThan(10);
    expect(candidates).toEqual(expected);

    // Every request of a slice carries its bounds; the slices overlapped in time, never more than CONCURRENCY at once.
    const requests = (await simRequests(h)).filter(isAuditPage);
    expect(requests).toHaveLength(sum(truth.pages));
    for (const s of slices) {
      const own = requests.filter((r) => sliceOfRequest(slices, r) === s.slice);
      expect(own).toHaveLength(truth.pages[s.slice]!);
      expect(new Set(own.map((r) => r.query.end_at ?? null))).toEqual(new Set([s.end_at?.toISOString() ?? null]));
    }
    const inFlight = (at: number) => requests.filter((r) => ms(r.startedAt) <= at && ms(r.time) > at).length;
    const peak = Math.max(...requests.map((r) => inFlight(ms(r.startedAt))));
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(CONCURRENCY);
    // In one attempt: slices committing side by side never conflict.
    expect(await activityAttempts(h, workflowId)).toEqual({ attempts: expect.objectContaining({ pullAuditLog: 1 }), failures: [] });
  });

  it('reads on later as one stream from the watermark, and picks up what was appended', async () => {
    const members = (await simMembers(h)).filter((m) => m.isActive && !m.removedAt && !m.isAdmin).slice(0, 150);
    for (const m of members) await h.simControl('POST', '/_sim/events', { actorGid: m.gid, eventType: 'task_created' });
    await h.simControl('DELETE', '/_sim/requests');
    const workflowId = await startActivity(profileId, 'later');
    await h.temporal.workflow.getHandle(workflowId).result();

    const requests = (await simRequests(h)).filter(isAuditPage);
    // 150 new events: a full page, a partial one, then the empty one. One request after another, each from where the last stopped.
    expect(requests).toHaveLength(3);
    expect(requests[0]!.query.offset).toBe(watermark);
    expect(requests.every((r) => r.query.start_at === undefined && r.query.end_at === undefined)).toBe(true);
    for (let i = 1; i < requests.length; i++) expect(ms(requests[i]!.startedAt)).toBeGreaterThanOrEqual(ms(requests[i - 1]!.time));
    expect(new Set(requests.map((r) => r.query.offset)).size).toBe(3);

    const job = (await jobOf(h, workflowId))!;
    expect(job.counts).toMatchObject({ auditEvents: members.length, auditPages: 3 });
    // No slice was read again: the stream moves the watermark alone.
    expect(await slicesOf(profileId)).toEqual(firstSlices);
    expect((await cursorOf(profileId)).events_read).toBe(eventsIn(coverageStart, null));
    await expectLastActivityAsSimulator(profileId, coverageStart);
  });
});

describe('a worker killed mid-backfill', () => {
  it('resumes each slice from its committed offset, reads no finished slice again, and counts every event once', async () => {
    const profileId = await readyAuditLogProfile(h, { reclaimSubscriptions: false });
    await h.simControl('DELETE', '/_sim/requests');
    await h.simControl('POST', '/_sim/faults', { latencyMs: 200 });
    const workflowId = await startActivity(profileId, 'crash', { heartbeatTimeoutSeconds: 2 });

    // Some slices finished, others part-read (and perhaps some not begun).
    await waitFor('a slice finished while others are part-read', async () => {
      const slices = await slicesOf(profileId);
      return slices.some((s) => s.done) && slices.some((s) => !s.done && s.pages > 0);
    }, 60_000, 20);
    const doomed = workers.shift()!;
    await doomed.crash();
    const crashAt = Date.now();
    expect(processExists(doomed.pid), 'the killed worker is gone').toBe(false);
    // A statement the worker had sent just before it died may still commit: let PostgreSQL settle, then read.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const atCrash = await slicesOf(profileId);
    workers.push(await startWorkerProcess(h.workerEnv));
    await h.temporal.workflow.getHandle(workflowId).result();
    await h.simControl('DELETE', '/_sim/faults');

    const slices = await slicesOf(profileId);
    const truth = truthOf(slices);
    const total = eventsIn(slices[0]!.start_at.getTime(), null);
    expect(slices.every((s) => s.done)).toBe(true);
    expect(slices.map((s) => s.events_read)).toEqual(truth.events);
    expect(slices.map((s) => s.pages)).toEqual(truth.pages);
    const job = (await jobOf(h, workflowId))!;
    expect(job.status).toBe('succeeded');
    expect(job.counts).toMatchObject({ auditEvents: total, auditPages: sum(truth.pages) });
    expect((await cursorOf(profileId)).events_read).toBe(total);
    await expectLastActivityAsSimulator(profileId, slices[0]!.start_at.getTime());

    const requests = (await simRequests(h)).filter(isAuditPage);
    const after = requests.filter((r) => ms(r.startedAt) > crashAt);
    let inFlightAtCrash = 0;
    for (const s of atCrash) {
      const own = requests.filter((r) => sliceOfRequest(slices, r) === s.slice);
      const resumed = after.filter((r) => sliceOfRequest(slices, r) === s.slice);
      if (s.done) {
        // A finished slice is not read again.
        expect(resumed, `slice ${s.slice} finished before the crash`).toEqual([]);
        expect(own).toHaveLength(s.pages);
      } else {
        // Resumed from its own committed offset (a slice not begun: from its start), and read on to its end once.
        expect(resumed[0]?.query.offset, `slice ${s.slice} resumes from its offset`).toBe(s.page_offset ?? undefined);
        expect(resumed).toHaveLength(truth.pages[s.slice]! - s.pages);
        inFlightAtCrash += own.length - s.pages - resumed.length;
      }
    }
    // The only requests read twice: those in flight when the worker died, at most one per slice in flight.
    expect(inFlightAtCrash).toBeGreaterThanOrEqual(0);
    expect(inFlightAtCrash).toBeLessThanOrEqual(CONCURRENCY);
    expect(atCrash.filter((s) => s.done).length).toBeGreaterThan(0);

    const { attempts, failures } = await activityAttempts(h, workflowId);
    expect(attempts.pullAuditLog).toBe(2);
    expect(failures).toEqual(['pullAuditLog (before attempt 2): activity Heartbeat timeout']);
    console.info(
      `backfill crash: ${total} events in ${slices.length} slices (${sum(truth.pages)} pages); at the crash ${atCrash.filter((s) => s.done).length} finished, ` +
        `${atCrash.filter((s) => !s.done && s.pages > 0).length} part-read; ${after.length} requests after it, ${inFlightAtCrash} read again`,
    );
  }, 90_000);
});

describe('a rate-limited backfill', () => {
  it('waits out every Retry-After, across the slices in flight, and still counts every event once', async () => {
    const from = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const profileId = await readyAuditLogProfile(h, { reclaimSubscriptions: false, analyzeActivityFrom: from });
    const limiter = h.sim.sim.limiter;
    const original = limiter.check.bind(limiter);
    const decisions: Array<{ key: string; at: number; retryAfterSeconds: number | null }> = [];
    limiter.check = (key, now, limit, windowMs): RateDecision => {
      const decision = original(key, now, limit, windowMs);
      decisions.push({ key, at: now, retryAfterSeconds: decision.allowed ? null : decision.retryAfterSeconds });
      return decision;
    };
    let workflowId: string;
    try {
      await h.simControl('POST', '/_sim/faults', { rateLimitPerMinute: 6, rateLimitWindowSeconds: 2 });
      workflowId = await startActivity(profileId, 'limited', { heartbeatTimeoutSeconds: 2 });
      await h.temporal.workflow.getHandle(workflowId).result();
    } finally {
      limiter.check = original;
      await h.simControl('DELETE', '/_sim/faults');
    }

    const rejected = decisions.filter((d) => d.retryAfterSeconds !== null);
    expect(rejected.length).toBeGreaterThan(0);
    // After a 429, the token sends nothing until its Retry-After has passed; only requests already on their way
    // (at most one per other slice in flight, within moments of it) can still arrive.
    for (const r of rejected) {
      const until = r.at + r.retryAfterSeconds! * 1000;
      const early = decisions.filter((d) => d.key === r.key && d.at > r.at + 250 && d.at < until - 5);
      expect(early, `requests inside the Retry-After of the 429 at ${r.at}`).toEqual([]);
      const racing = decisions.filter((d) => d.key === r.key && d.at > r.at && d.at <= r.at + 250);
      expect(racing.length).toBeLessThanOrEqual(CONCURRENCY - 1);
    }

    const slices = await slicesOf(profileId);
    const truth = truthOf(slices);
    expect(slices.map((s) => s.pages)).toEqual(truth.pages);
    const job = (await jobOf(h, workflowId!))!;
    expect(job.status).toBe('succeeded');
    expect(job.counts).toMatchObject({ auditEvents: sum(truth.events), auditPages: sum(truth.pages) });
  }, 90_000);
});

describe('a backfill whose newest slice finds nothing', () => {
  it('leaves no watermark, and the next read streams from where that slice began', async () => {
    // One person active lately, and not in the last five days (the newest of twelve slices of the 60 days).
    const quiet = { seed: 3, members: 12, guests: 0, viewOnly: 0, admins: 1, inactiveShare: 1, eventsPerUserPerDay: 0.5, days: 90, recentlyCreatedShare: 0 };
    await h.simControl('POST', '/_sim/scenario', quiet);
    const profileId = await readyAuditLogProfile(h, { reclaimSubscriptions: false });
    await h.temporal.workflow.getHandle(await startActivity(profileId, 'quiet-first')).result();
    const slices = await slicesOf(profileId);
    const truth = truthOf(slices);
    expect(slices).toHaveLength(SLICES);
    expect(truth.events.at(-1), 'the newest slice holds no event').toBe(0);
    expect(sum(truth.events)).toBeGreaterThan(10);
    expect(slices.map((s) => s.pages)).toEqual(truth.pages);
    expect(slices.at(-1)!.page_offset).toBeNull();
    expect(await cursorOf(profileId)).toMatchObject({ watermark: null, status: 'caught_up', events_read: sum(truth.events) });

    const someone = (await simMembers(h)).find((m) => m.isActive && !m.removedAt)!;
    await h.simControl('POST', '/_sim/events', { actorGid: someone.gid, eventType: 'task_created' });
    await h.simControl('DELETE', '/_sim/requests');
    const workflowId = await startActivity(profileId, 'quiet-later');
    await h.temporal.workflow.getHandle(workflowId).result();
    const requests = (await simRequests(h)).filter(isAuditPage);
    // The new event, then the empty page: from the newest slice's start, then from the offset the first answered.
    expect(requests.map((r) => [r.query.start_at ?? null, r.query.offset === undefined])).toEqual([
      [slices.at(-1)!.start_at.toISOString(), true],
      [slices.at(-1)!.start_at.toISOString(), false],
    ]);
    expect((await jobOf(h, workflowId))!.counts).toMatchObject({ auditEvents: 1, auditPages: 2 });
    const cursor = await cursorOf(profileId);
    expect(cursor.watermark).toBe(requests[1]!.query.offset);
    expect(await slicesOf(profileId)).toEqual(slices);
    await expectLastActivityAsSimulator(profileId, cursor.coverage_start.getTime(), 1);
  });
});
