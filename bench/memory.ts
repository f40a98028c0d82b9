// memory: every run streams, so a worker's memory stays flat as the organization grows.
//
// For each organization size, a download run and then an activity run, each in a fresh worker process
// (support/workerProcess.ts). The worker takes its idle baseline (after a full GC) once it polls, then
// samples its RSS and heap every 100 ms during the run, and reads the kernel's RSS high-water mark.
// Reported: peak RSS over the idle baseline per size, and largest ÷ smallest.
//
// RSS also counts garbage V8 has not collected yet (it sizes its heap to the allocation rate), so for the
// smallest and largest sizes each run is repeated in a worker that forces a full GC every 200 ms and
// records the heap still in use right after it: the live heap, which only grows if a run holds data.
import v8 from 'node:v8';
import vm from 'node:vm';
import type { BenchEnv } from './support/env';
import { startStack, type JobKind, type Stack } from './support/stack';
import type { MemoryReport } from './support/protocol';
import { fmt, int, MB, median, printSection, progress, table, type BenchResult } from './support/report';

export const SIZES = [2_000, 10_000, 40_000];
/** Audit events per active person per day: ~1.2 events a person over the 60 days read, so activity pages grow with size too. */
const EVENTS_PER_USER_PER_DAY = 0.0125;
const RSS_TARGET = 1.25;
const LIVE_TARGET = 1.1;
const LIVE_GC_MS = '200';
/** Runs per job for the smallest and largest organizations (their medians make the ratio). */
const REPS = 3;

export function scenarioFor(people: number, seed = 11): Record<string, unknown> {
  const guests = Math.round(people * 0.1);
  const viewOnly = Math.round(people * 0.05);
  return {
    seed,
    members: people - guests - viewOnly,
    guests,
    viewOnly,
    admins: 3,
    inactiveShare: 0.3,
    eventsPerUserPerDay: EVENTS_PER_USER_PER_DAY,
    days: 60,
    deactivatedMembers: 1,
  };
}

interface Sample {
  wallMs: number;
  idleRssMb: number;
  peakRssMb: number;
  /** Peak during the run over the idle worker's RSS: what the run needs on top of an idle worker. */
  deltaRssMb: number;
  /** Peak heap in use during the run, garbage included. */
  peakHeapMb: number;
}

interface Row {
  people: number;
  job: JobKind;
  pages: number;
  items: number;
  samples: Sample[];
  /** From a repeat with a full GC every 200 ms (smallest and largest sizes only). */
  liveHeapMb?: number;
  peakSource: string;
}

const ALL_JOBS = ['download', 'activity'] as const;
/** BENCH_MEMORY_JOBS=download measures the download alone (the activity run takes most of the time at large sizes). */
const JOBS = ALL_JOBS.filter((job) => (process.env.BENCH_MEMORY_JOBS ?? ALL_JOBS.join(',')).split(',').includes(job));
/**
 * Node options of the measured workers (BENCH_WORKER_NODE_OPTIONS), e.g. a capped young generation
 * (--max-semi-space-size): the memory a worker needs depends on how V8 is allowed to size its heap.
 */
const WORKER_NODE_OPTIONS = process.env.BENCH_WORKER_NODE_OPTIONS ?? '';

function med(row: Row, key: keyof Sample): number {
  return median(row.samples.map((s) => s[key]));
}

export async function runMemory(env: BenchEnv, sizes = SIZES): Promise<BenchResult> {
  const envPrefix = [
    process.env.BENCH_MEMORY_JOBS ? `BENCH_MEMORY_JOBS=${process.env.BENCH_MEMORY_JOBS}` : '',
    WORKER_NODE_OPTIONS ? `BENCH_WORKER_NODE_OPTIONS='${WORKER_NODE_OPTIONS}'` : '',
  ].filter(Boolean);
  const command = `${envPrefix.map((e) => `${e} `).join('')}npm run bench -- memory${sizes === SIZES ? '' : ` --sizes ${sizes.join(',')}`}`;
  const stack = await startStack(env, { scenario: scenarioFor(sizes[0]!) });
  const rows: Row[] = [];
  const smallest = sizes[0]!;
  const largest = sizes[sizes.length - 1]!;
  let retained: { pages: number; jsonMb: number; heapMb: number } | undefined;
  try {
    for (const people of sizes) {
      progress(`memory: organization of ${int(people)}`);
      await stack.simControl('POST', '/_sim/scenario', scenarioFor(people));
      // The profile is created (authorized, validated) and downloaded once by a worker of its own, so every
      // measured worker starts from the same state, and every measured download is a second one.
      const setup = await stack.startWorker();
      let profileId: string;
      try {
        profileId = await stack.readyProfile({ source: 'auditLog', unpaced: true });
        await stack.runJob(profileId, 'download');
      } finally {
        await setup.stop();
      }
      const extreme = people === smallest || people === largest;
      for (let rep = 0; rep < (extreme ? REPS : 1); rep++) {
        for (const job of JOBS) {
          await stack.resetActivity(profileId);
          const { run, idle, rep: report } = await measured(stack, profileId, job);
          let row = rows.find((r) => r.people === people && r.job === job);
          if (!row) {
            row = {
              people,
              job,
              pages: (job === 'download' ? run.counts.pages : run.counts.auditPages) ?? 0,
              items: (job === 'download' ? run.counts.members : run.counts.auditEvents) ?? 0,
              samples: [],
              peakSource: report.peakSource,
            };
            rows.push(row);
          }
          row.samples.push({
            wallMs: run.wallMs,
            idleRssMb: idle.rss / MB,
            peakRssMb: report.peakRss / MB,
            deltaRssMb: (report.peakRss - idle.rss) / MB,
            peakHeapMb: report.peakHeapUsed / MB,
          });
          progress(`  ${job}: ${(job === 'download' ? run.counts.pages : run.counts.auditPages) ?? 0} pages in ${fmt(run.wallMs / 1000)} s, peak RSS ${fmt(report.peakRss / MB)} MB (idle ${fmt(idle.rss / MB)} MB)`);
        }
      }
      if (extreme) {
        for (const job of JOBS) {
          await stack.resetActivity(profileId);
          const { rep: report } = await measured(stack, profileId, job, { BENCH_LIVE_HEAP_MS: LIVE_GC_MS });
          rows.find((r) => r.people === people && r.job === job)!.liveHeapMb = report.peakLiveHeap / MB;
          progress(`  ${job}, full GC every ${LIVE_GC_MS} ms: live heap ${fmt(report.peakLiveHeap / MB)} MB`);
        }
      }
    }
    retained = await retainedCost(stack);
  } finally {
    await stack.close();
  }

  const pick = (job: JobKind, people: number) => rows.find((r) => r.job === job && r.people === people)!;
  const verdicts = JOBS.flatMap((job) => {
    const small = pick(job, smallest);
    const big = pick(job, largest);
    const rss = med(big, 'deltaRssMb') / med(small, 'deltaRssMb');
    const live = big.liveHeapMb! / small.liveHeapMb!;
    return [
      { name: `memory: ${job}, peak RSS over idle, ${int(largest)} ÷ ${int(smallest)} people`, value: rss, target: `≤ ${RSS_TARGET} (flat)`, met: rss <= RSS_TARGET },
      { name: `memory: ${job}, live heap, ${int(largest)} ÷ ${int(smallest)} people`, value: live, target: `≤ ${LIVE_TARGET} (flat)`, met: live <= LIVE_TARGET },
    ];
  });
  const dl = pick('download', smallest);
  // What holding the pages would add going from the smallest organization to the largest.
  const grown = (retained?.heapMb ?? 0) * (1 - smallest / largest);
  const range = (row: Row) => {
    const d = row.samples.map((x) => x.deltaRssMb);
    return d.length > 1 ? `${fmt(Math.min(...d))}–${fmt(Math.max(...d))}` : '';
  };

  const body = [
    table(
      ['people', 'run', 'pages', 'members/events', 'runs', 'wall s', 'idle RSS MB', 'peak RSS MB', 'peak − idle MB', 'range', 'peak heap MB', 'live heap MB'],
      rows.map((r) => [
        int(r.people),
        r.job,
        int(r.pages),
        int(r.items),
        String(r.samples.length),
        fmt(med(r, 'wallMs') / 1000),
        fmt(med(r, 'idleRssMb')),
        fmt(med(r, 'peakRssMb')),
        fmt(med(r, 'deltaRssMb')),
        range(r),
        fmt(med(r, 'peakHeapMb')),
        r.liveHeapMb === undefined ? '' : fmt(r.liveHeapMb),
      ]),
    ),
    table(
      ['run', `peak − idle, ${int(largest)} ÷ ${int(smallest)}`, `live heap, ${int(largest)} ÷ ${int(smallest)}`, 'peak heap (garbage incl.)'],
      JOBS.map((job) => {
        const small = pick(job, smallest);
        const big = pick(job, largest);
        return [
          job,
          `${fmt(med(big, 'deltaRssMb') / med(small, 'deltaRssMb'), 2)} (target ≤ ${RSS_TARGET})`,
          `${fmt(big.liveHeapMb! / small.liveHeapMb!, 2)} (target ≤ ${LIVE_TARGET})`,
          `${fmt(med(small, 'peakHeapMb'))} → ${fmt(med(big, 'peakHeapMb'))} MB`,
        ];
      }),
    ),
    `Each run in a fresh worker process; idle RSS and heap after a full GC once it polls. Medians of ${REPS} runs for the smallest and largest ` +
      'organizations (range: lowest–highest peak − idle), one run in between. Measured downloads are second downloads (a first one ran before). Peak RSS: ' +
      `${rows[0]?.peakSource === 'kernel' ? "the kernel's high-water mark (VmHWM, reset at the baseline) and " : ''}samples every 100 ms. ` +
      `Peak heap: the main isolate's heap in use, garbage included. Live heap: the same run once more in a worker forcing a full GC every ${LIVE_GC_MS} ms, ` +
      'highest heap in use right after one.',
    retained
      ? `Sensitivity: holding every membership page of the ${int(largest)}-person organization at once (what a non-streaming download would do) ` +
        `takes ${fmt(retained.heapMb)} MB of heap (${int(retained.pages)} pages, ${fmt(retained.jsonMb)} MB of JSON): ` +
        `the download's live heap ratio would be at least ${fmt((dl.liveHeapMb! + grown) / dl.liveHeapMb!, 2)}, ` +
        `its peak − idle ratio at least ${fmt((med(dl, 'deltaRssMb') + grown) / med(dl, 'deltaRssMb'), 2)}.`
      : '',
  ].filter(Boolean);
  printSection('memory: peak worker memory while the organization grows', command, body);
  return { name: 'memory', command, verdicts, data: { rows, retained } };
}


/** One run in a fresh worker, measured from the worker's idle baseline. */
export async function measured(stack: Stack, profileId: string, job: JobKind, workerEnv: Record<string, string> = {}) {
  const worker = await stack.startWorker({ ...(WORKER_NODE_OPTIONS ? { NODE_OPTIONS: WORKER_NODE_OPTIONS } : {}), ...workerEnv });
  try {
    // Let start-up settle (workflow threads, first polls) before the baseline.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = await worker.baseline();
    const run = await stack.runJob(profileId, job);
    const rep: MemoryReport = await worker.report();
    return { run, idle, rep };
  } finally {
    await worker.stop();
  }
}

/** What the membership pages of the current organization weigh when all held at once (the driver's own heap). */
async function retainedCost(stack: Stack): Promise<{ pages: number; jsonMb: number; heapMb: number }> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const { accessToken } = (await stack.simControl('POST', '/_sim/tokens', {})) as { accessToken: string };
  const workspaceGid = stack.sim.sim.org.workspace.gid;
  const fields = 'user.name,user.email,is_active,is_admin,is_guest,is_view_only,created_at';
  gc();
  const before = process.memoryUsage().heapUsed;
  const held: unknown[] = [];
  let jsonBytes = 0;
  let offset: string | undefined;
  for (;;) {
    const url = new URL(`${stack.sim.url}/api/1.0/workspaces/${workspaceGid}/workspace_memberships`);
    url.searchParams.set('limit', '100');
    url.searchParams.set('opt_fields', fields);
    if (offset) url.searchParams.set('offset', offset);
    const text = await (await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } })).text();
    jsonBytes += Buffer.byteLength(text);
    const page = JSON.parse(text) as { data: unknown[]; next_page: { offset: string } | null };
    held.push(page.data);
    if (!page.next_page) break;
    offset = page.next_page.offset;
  }
  gc();
  const heapMb = (process.memoryUsage().heapUsed - before) / MB;
  const pages = held.length;
  held.length = 0;
  return { pages, jsonMb: jsonBytes / MB, heapMb };
}
