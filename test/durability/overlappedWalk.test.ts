// The membership walk asks Asana for the next page while it writes the current one. Shown with the database's
// page writes slowed on purpose (a statement trigger that sleeps): the walk then takes Asana's time, not Asana's
// plus the database's; and a worker killed while it writes one page with the next in hand resumes after the
// last page committed, fetching the prefetched page again rather than skipping it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile, simMembers } from '../support/runs';
import { processExists, startWorkerProcess, type WorkerProcess } from '../support/spawnWorker';
import { activityAttempts, isMembershipPage, jobOf, ms, simRequests, waitFor, type SimRequest } from './support';

// 2,000 people: 20 membership pages of 100.
const scenario = { seed: 31, members: 1950, guests: 30, viewOnly: 20, admins: 3, inactiveShare: 0.2, eventsPerUserPerDay: 0.05, days: 30, deactivatedMembers: 1 };
const PAGES = 20;

let h: Harness;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  h = await startHarness({ scenario, inProcessWorker: false });
  workers.push(await startWorkerProcess(h.workerEnv));
});
afterEach(async () => {
  await slowPageWrites(null);
  await h.simControl('DELETE', '/_sim/faults');
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  await h?.close();
});

/** Makes every statement that writes subscription rows take `ms` longer (null: as fast as it is). */
async function slowPageWrites(msToSleep: number | null): Promise<void> {
  await h.db.query('DROP TRIGGER IF EXISTS test_slow_page_writes ON subscriptions');
  if (msToSleep === null) return;
  await h.db.query(`CREATE OR REPLACE FUNCTION test_slow_page_writes() RETURNS trigger LANGUAGE plpgsql AS $$
                      BEGIN PERFORM pg_sleep(${msToSleep / 1000}); RETURN NULL; END $$`);
  await h.db.query('CREATE TRIGGER test_slow_page_writes BEFORE INSERT ON subscriptions FOR EACH STATEMENT EXECUTE FUNCTION test_slow_page_writes()');
}

async function startDownload(label: string, latencyMs: number) {
  const profileId = await readyProfile(h, { reclaimSubscriptions: false });
  await h.simControl('DELETE', '/_sim/requests');
  await h.simControl('POST', '/_sim/faults', { latencyMs });
  const workflowId = `profile/${profileId}/run/download/${label}`;
  await h.temporal.workflow.start('downloadSubscriptionsWorkflow', {
    workflowId,
    taskQueue: h.taskQueue,
    args: [{ profileId, trigger: 'on_demand', tuning: { heartbeatTimeoutSeconds: 2 } }],
  });
  return { profileId, workflowId };
}

/** Succeeded, its counts right, one active row per active member and no other. */
async function expectCompleteDownload(profileId: string, workflowId: string) {
  const job = (await jobOf(h, workflowId))!;
  const listed = (await simMembers(h)).filter((m) => !m.removedAt);
  const active = listed.filter((m) => m.isActive).map((m) => m.gid).sort();
  expect(Math.ceil(listed.length / 100)).toBe(PAGES);
  expect(job.status).toBe('succeeded');
  expect(job.counts).toMatchObject({ pages: PAGES, members: active.length, activeSubscriptions: active.length, endedSubscriptions: 0 });
  const subs = await h.db.query<{ user_gid: string; last_seen_job: string }>('SELECT user_gid, last_seen_job FROM subscriptions WHERE profile_id = $1 ORDER BY user_gid', [profileId]);
  expect(subs.map((s) => s.user_gid)).toEqual(active);
  expect(new Set(subs.map((s) => s.last_seen_job))).toEqual(new Set([job.id]));
  return job;
}

const byStart = (a: SimRequest, b: SimRequest) => ms(a.startedAt) - ms(b.startedAt);

describe('the membership walk, one page ahead', () => {
  it('asks for the next page while it writes the current one: the walk takes pages × latency, not pages × (latency + write)', async () => {
    const LATENCY_MS = 150;
    const WRITE_MS = 150;
    await slowPageWrites(WRITE_MS);
    const { profileId, workflowId } = await startDownload('overlap', LATENCY_MS);
    await h.temporal.workflow.getHandle(workflowId).result();
    await expectCompleteDownload(profileId, workflowId);

    const fetches = (await simRequests(h)).filter(isMembershipPage).sort(byStart);
    expect(fetches).toHaveLength(PAGES);
    // From the first page's answer to the next request: a walk one page ahead asks at once, one that writes
    // first waits the write out (≥ WRITE_MS every time).
    const gaps = fetches.slice(1).map((r, i) => ms(r.startedAt) - ms(fetches[i]!.time));
    const sortedGaps = [...gaps].sort((a, b) => a - b);
    const medianGap = sortedGaps[Math.floor(sortedGaps.length / 2)]!;
    const walkMs = ms(fetches.at(-1)!.time) - ms(fetches[0]!.startedAt);
    const summary = `walk ${walkMs} ms for ${PAGES} pages (latency ${LATENCY_MS} ms, write ${WRITE_MS} ms); gaps ${gaps.join(', ')} ms`;
    expect(medianGap, summary).toBeLessThan(WRITE_MS / 2);
    expect(walkMs, summary).toBeGreaterThanOrEqual(PAGES * LATENCY_MS);
    // One after the other would take PAGES × (LATENCY_MS + WRITE_MS) = 6 s.
    expect(walkMs, summary).toBeLessThan(0.75 * PAGES * (LATENCY_MS + WRITE_MS));
    console.info(`overlapped walk: ${summary}`);
  }, 60_000);

  it('a worker killed while it writes one page with the next in hand resumes after the last page committed and skips none', async () => {
    const WRITE_MS = 800;
    await slowPageWrites(WRITE_MS);
    const { profileId, workflowId } = await startDownload('overlap-crash', 20);
    // A page being written (committed pages + 1 answered) and the next already answered (+ 2).
    await waitFor('a page being written with the next one in hand', async () => {
      const committed = (await jobOf(h, workflowId))?.counts.pages ?? 0;
      const answered = (await simRequests(h)).filter((r) => isMembershipPage(r) && r.status === 200).length;
      return committed >= 3 && answered === committed + 2;
    }, 30_000, 20);
    const doomed = workers[0]!;
    await doomed.crash();
    const crashAt = Date.now();
    expect(processExists(doomed.child.pid!), 'the killed worker is gone').toBe(false);
    // The statement the worker had sent still runs to its commit in PostgreSQL: let it, then read.
    await new Promise((resolve) => setTimeout(resolve, WRITE_MS + 500));
    const committedAtCrash = (await jobOf(h, workflowId))!.counts.pages!;
    const before = (await simRequests(h)).filter(isMembershipPage).sort(byStart);
    expect(before.length, 'the page after the last one written was in hand').toBe(committedAtCrash + 1);
    await slowPageWrites(null);
    workers.push(await startWorkerProcess(h.workerEnv));
    await h.temporal.workflow.getHandle(workflowId).result();

    const job = await expectCompleteDownload(profileId, workflowId);
    const fetches = (await simRequests(h)).filter(isMembershipPage).sort(byStart);
    const after = fetches.filter((r) => ms(r.startedAt) > crashAt);
    // The committed cursor says exactly what was written: the retry begins there, with the page fetched ahead
    // of the crash and never written, asked for again.
    expect(job.counts.resumedAtPage).toBe(committedAtCrash);
    expect(after[0]?.query.offset).toBeDefined();
    expect(after[0]?.query.offset).toBe(before[committedAtCrash]?.query.offset);
    // Every page committed once over both attempts; fetched again: the prefetched one only.
    expect(job.counts.pageFetches).toBe(PAGES);
    expect(fetches).toHaveLength(PAGES + 1);
    const { attempts } = await activityAttempts(h, workflowId);
    expect(attempts.downloadMemberships).toBe(2);
    console.info(`overlapped walk crash: killed with ${committedAtCrash} pages committed and page ${committedAtCrash + 1} in hand; resumed at page ${job.counts.resumedAtPage}`);
  }, 90_000);
});
