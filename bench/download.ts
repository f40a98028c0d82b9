// download: how fast a download of a large organization runs, and how close it comes to what Asana's latency
// alone requires.
//
// A 50,000-person organization (500 membership pages of 100), a worker in a process of its own, warmed up on
// a small organization first. Asana's offsets are opaque, so a walk is one request after another: with L ms
// per request it cannot take less than pages × L (the floor). The walk asks for the next page while it writes
// the current one, so the database's writes should hide behind that floor.
//   a. no latency, no limit: members a second, from POST .../runs to the workflow's result (run start-up included);
//   b. 25 ms per request: the run's wall time ÷ (pages × 25 ms).
import type { BenchEnv } from './support/env';
import { startStack, type Stack, type WorkerHandle } from './support/stack';
import { sqlTime } from './support/protocol';
import { fmt, int, printSection, progress, table, type BenchResult } from './support/report';
import { scenarioFor } from './memory';

const PEOPLE = 50_000;
const LATENCY_MS = 25;
const MEMBERS_PER_S_GOAL = 25_000;
const FLOOR_GOAL = 1.1;

interface Measured {
  label: string;
  latencyMs: number;
  members: number;
  pages: number;
  wallMs: number;
  /** From the first membership request's start to the last one's answer, from the simulator's log. */
  walkMs: number;
  /** Asana requests of any kind the run sent. */
  requests: number;
  /** The page statements' time as the worker timed them (rows + progress, one statement a page). */
  pageWritesMs: number;
  /** Each request's booking in the token's shared window (PostgreSQL), on average. */
  bookingMs: number;
  /** Mean time the simulator took to answer a membership page (the latency included). */
  answerMs: number;
  /** Mean time from one membership page's answer to the next page's request arriving. */
  betweenMs: number;
}

interface SimLogEntry {
  method: string;
  path: string;
  startedAt: string;
  time: string;
  durationMs: number;
}

export async function runDownload(env: BenchEnv): Promise<BenchResult> {
  const command = 'npm run bench -- download';
  const stack = await startStack(env, { scenario: scenarioFor(PEOPLE) });
  const rows: Measured[] = [];
  try {
    // The profiles are validated by a worker of their own: the measured one then reads their lifted budgets afresh
    // (a worker that paced a profile keeps its budget for up to 30 s).
    const small = await stack.extraSimulator(scenarioFor(2_000));
    const setup = await stack.startWorker();
    const warmUpId = await stack.readyProfile({ baseUrl: small.url, unpaced: true });
    const profileId = await stack.readyProfile({ unpaced: true });
    await setup.stop();
    const worker = await stack.startWorker();
    progress('download: warming the worker up on a 2,000-person organization');
    await stack.runJob(warmUpId, 'download');

    progress(`download: ${int(PEOPLE)} people, no latency (a first download, then a second)`);
    rows.push(await measure(stack, worker, profileId, '1st download, no latency', 0));
    rows.push(await measure(stack, worker, profileId, '2nd download, no latency', 0));
    progress(`download: ${int(PEOPLE)} people, ${LATENCY_MS} ms per request`);
    await stack.simControl('POST', '/_sim/faults', { latencyMs: LATENCY_MS });
    rows.push(await measure(stack, worker, profileId, `3rd download, ${LATENCY_MS} ms per request`, LATENCY_MS));
    await stack.simControl('DELETE', '/_sim/faults');
    await worker.stop();
  } finally {
    await stack.close();
  }

  const fast = rows[0]!;
  const slow = rows[2]!;
  const membersPerS = (fast.members / fast.wallMs) * 1000;
  const floorMs = slow.pages * LATENCY_MS;
  const ratio = slow.wallMs / floorMs;
  const body = [
    `${int(PEOPLE)} people (${int(fast.members)} members to write, ${int(fast.pages)} pages of 100); one worker process, warmed up on a small organization first:`,
    table(
      ['run', 'latency ms', 'requests', 'wall s', 'members/s', 'walk s', 'floor s (pages × latency)', 'wall ÷ floor', 'page answered in ms', 'answer to next request ms', 'budget booking ms', 'page writes s'],
      rows.map((r) => [
        r.label,
        String(r.latencyMs),
        int(r.requests),
        fmt(r.wallMs / 1000, 2),
        int((r.members / r.wallMs) * 1000),
        fmt(r.walkMs / 1000, 2),
        r.latencyMs > 0 ? fmt((r.pages * r.latencyMs) / 1000, 2) : '',
        r.latencyMs > 0 ? fmt(r.wallMs / (r.pages * r.latencyMs), 2) : '',
        fmt(r.answerMs, 1),
        fmt(r.betweenMs, 1),
        fmt(r.bookingMs, 2),
        fmt(r.pageWritesMs / 1000, 2),
      ]),
    ),
    'Wall: from POST /api/profiles/{id}/runs to the workflow\'s result. Walk: the first membership request\'s start to the last one\'s answer (simulator log). ' +
      'Page answered in: the simulator\'s time per membership page, latency included; answer to next request: from one page\'s answer to the next request\'s arrival (the worker\'s share). ' +
      'Page writes: the page statements as the worker timed them; they run while the next page is fetched, so a walk one page ahead takes ' +
      'about max(fetch, write) a page rather than their sum.',
  ];
  printSection('download: members a second, and wall time against the latency floor', command, body);
  return {
    name: 'download',
    command,
    verdicts: [
      { name: `download: ${int(PEOPLE)} people, no latency, members/s (run start-up included)`, value: membersPerS, target: `≥ ${int(MEMBERS_PER_S_GOAL)}`, met: membersPerS >= MEMBERS_PER_S_GOAL },
      { name: `download: ${int(PEOPLE)} people, ${LATENCY_MS} ms per request, wall ÷ (pages × ${LATENCY_MS} ms)`, value: ratio, target: `≤ ${FLOOR_GOAL}`, met: ratio <= FLOOR_GOAL },
    ],
    data: { rows, membersPerS, floorMs, ratio },
  };
}

async function measure(stack: Stack, worker: WorkerHandle, profileId: string, label: string, latencyMs: number): Promise<Measured> {
  await stack.simControl('DELETE', '/_sim/requests');
  await worker.baseline();
  const run = await stack.runJob(profileId, 'download');
  const { sql } = await worker.report();
  const log = (await stack.simControl('GET', '/_sim/requests')) as SimLogEntry[];
  const pages = log.filter((r) => r.method === 'GET' && /\/workspace_memberships$/.test(r.path));
  const sorted = [...pages].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const gaps = sorted.slice(1).map((r, i) => Date.parse(r.startedAt) - Date.parse(sorted[i]!.time));
  const walkMs = Math.max(...pages.map((r) => Date.parse(r.time))) - Math.min(...pages.map((r) => Date.parse(r.startedAt)));
  const m: Measured = {
    label,
    latencyMs,
    members: run.counts.members ?? 0,
    pages: run.counts.pages ?? 0,
    wallMs: run.wallMs,
    walkMs,
    requests: log.length,
    pageWritesMs: sqlTime(sql, /^WITH page AS/).ms,
    bookingMs: ((b) => b.ms / Math.max(1, b.count))(sqlTime(sql, /^SELECT booked, wait_ms FROM asana_admit_requests/)),
    answerMs: pages.reduce((sum, r) => sum + r.durationMs, 0) / pages.length,
    betweenMs: gaps.reduce((sum, g) => sum + g, 0) / Math.max(1, gaps.length),
  };
  progress(`  ${label}: ${int(m.members)} members, ${m.pages} pages in ${fmt(m.wallMs / 1000, 2)} s (walk ${fmt(walkMs / 1000, 2)} s)`);
  return m;
}
