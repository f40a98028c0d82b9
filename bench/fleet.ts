// fleet: many organizations at once. 50 profiles on 50 simulated organizations (2,000 to 20,000 people, each with
// its own token limit and 100 ms latency, all in one simulator process) start their subscription downloads together.
//   - every run completes;
//   - no token goes over its limit: per token, the most requests the simulator received in any minute ÷ its limit
//     (≤ 1), and the 429s it answered (0), from each organization's own request log;
//   - no profile waits behind another's walk: a profile's wall time in the batch ÷ its wall time alone (≤ 1.5),
//     alone measured for a stratified sample of the profiles (the smallest, the largest and evenly between, plus
//     the largest on the free plan), the worst of them being the figure;
//   - two worker processes finish the batch faster than one (batch wall with two ÷ with one, < 1).
// Every phase starts with every token's window empty (the simulator's limiter and the service's shared window
// cleared), as a new day's schedules would, so no phase pays for the previous one's requests.
import type { BenchEnv } from './support/env';
import { loopDelayOf, sqlTime, type LoopDelay, type SqlTiming } from './support/protocol';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startStack, type Stack, type WorkerHandle } from './support/stack';
import { fmt, int, printSection, progress, table, type BenchResult } from './support/report';
import { scenarioFor } from './memory';
import { cpuMeter, type CpuGroups } from './support/cpu';
import os from 'node:os';

const ORGS = 50;
const SMALLEST = 2_000;
const LARGEST = 20_000;
const LATENCY_MS = 100;
/** Asana's limits per token: free plans 150 a minute, paid ones 1,500. */
const FREE = 150;
const PAID = 1_500;
const WINDOW_MS = 60_000;
const RATIO_TARGET = 1.5;

interface Org {
  index: number;
  key: string;
  people: number;
  limit: number;
  baseUrl: string;
  profileId: string;
}

interface SimRequest {
  path: string;
  status: number;
  startedAt: string;
  tokenHint: string | null;
}

interface TokenFigure {
  org: string;
  limit: number;
  requests: number;
  maxInWindow: number;
  rejected: number;
}

/** Where a run's time went, from the simulator's log: until its first Asana request, and its membership walk. */
interface Phases {
  /** From POST .../runs to the run's first Asana request. */
  untilFirstRequestMs: number;
  /** From the first membership page requested to the last. */
  walkMs: number;
}

function phasesOf(log: SimRequest[], postedAt: number): Phases {
  const times = log.map((r) => Date.parse(r.startedAt));
  const pages = log.filter((r) => r.path.includes('/workspace_memberships')).map((r) => Date.parse(r.startedAt));
  return { untilFirstRequestMs: Math.min(...times) - postedAt, walkMs: Math.max(...pages) - Math.min(...pages) };
}

async function apiLog(stack: Stack, o: Org): Promise<SimRequest[]> {
  return ((await stack.simControl('GET', '/_sim/requests', undefined, o.baseUrl)) as SimRequest[]).filter((r) => r.path.startsWith('/api/1.0/'));
}

interface Batch {
  workers: number;
  phases: Map<string, Phases>;
  wallMs: number;
  /** Each profile's wall, from POST .../runs to its workflow's result; NaN when it failed. */
  runMs: Map<string, number>;
  failures: string[];
  tokens: TokenFigure[];
  cpu: { groups: CpuGroups; stackCores: number; machineCores: number };
  /** How late each process's event loop ran its callbacks during the batch: this one (the simulator and the API), each worker. */
  loopDelay: { stack: LoopDelay; workers: LoopDelay[] };
  /** The workers' SQL, timed from asking the pool to the answer (waiting for a connection included). */
  sql: { admissions: SqlTiming; pageTransactions: SqlTiming; other: SqlTiming };
}

/** Every fifth organization is on the free plan; the rest on a paid one. */
const CPU_GROUPS = ['simulator + API', 'workers', 'PostgreSQL', 'Temporal', 'other'];

function limitOf(index: number): number {
  return index % 5 === 4 ? FREE : PAID;
}

function peopleOf(index: number): number {
  return Math.round(SMALLEST + (index * (LARGEST - SMALLEST)) / (ORGS - 1));
}

/** The most requests in any window of a minute (the simulator counts rejected ones too). */
function maxInWindow(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= WINDOW_MS) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export async function runFleet(env: BenchEnv): Promise<BenchResult> {
  const command = 'npm run bench -- fleet';
  const stack = await startStack(env, { scenario: { members: 20, guests: 0, viewOnly: 0, admins: 1 } });
  const orgs: Org[] = [];
  let alone = new Map<string, number>();
  const alonePhases = new Map<string, Phases>();
  const batches: Batch[] = [];
  let workers: WorkerHandle[] = [];
  const meter = cpuMeter((pid, comm) => {
    if (pid === process.pid) return 'simulator + API';
    if (workers.some((w) => w.pid === pid)) return 'workers';
    if (comm.startsWith('postgres')) return 'PostgreSQL';
    if (comm.includes('temporal')) return 'Temporal';
    return 'other';
  });
  const useWorkers = async (n: number) => {
    await Promise.all(workers.map((w) => w.stop()));
    workers = [];
    for (let i = 0; i < n; i++) workers.push(await stack.startWorker());
  };
  try {
    progress(`fleet: ${ORGS} organizations of ${int(SMALLEST)} to ${int(LARGEST)} people, ${LATENCY_MS} ms latency`);
    const seeded = performance.now();
    for (let index = 0; index < ORGS; index++) {
      const key = `org-${String(index).padStart(2, '0')}`;
      const people = peopleOf(index);
      const limit = limitOf(index);
      const baseUrl = await stack.addOrganization(key, scenarioFor(people, 100 + index), { rateLimitPerMinute: limit, latencyMs: LATENCY_MS });
      orgs.push({ index, key, people, limit, baseUrl, profileId: '' });
    }
    progress(`  seeded in ${fmt((performance.now() - seeded) / 1000)} s`);
    await useWorkers(1);
    progress(`fleet: ${ORGS} profiles created, authorized and validated`);
    for (let i = 0; i < orgs.length; i += 10) {
      await Promise.all(
        orgs.slice(i, i + 10).map(async (o) => {
          o.profileId = await stack.readyProfile({ baseUrl: o.baseUrl, options: { downloadActivity: false, asanaRequestsPerMinute: o.limit } });
        }),
      );
    }

    const sample = sampleOf(orgs);
    progress(`fleet: alone, one at a time: ${sample.map((o) => `${o.key} (${int(o.people)}, ${o.limit}/min)`).join(', ')}`);
    alone = new Map();
    for (const o of sample) {
      await emptyWindows(stack, [o]);
      const postedAt = Date.now();
      const run = await stack.runJob(o.profileId, 'download');
      alone.set(o.key, run.wallMs);
      alonePhases.set(o.key, phasesOf(await apiLog(stack, o), postedAt));
      progress(`  ${o.key}: ${fmt(run.wallMs / 1000)} s`);
    }

    for (const n of [1, 2]) {
      await useWorkers(n);
      await emptyWindows(stack, orgs);
      progress(`fleet: all ${ORGS} downloads started together, ${n} worker process${n > 1 ? 'es' : ''}`);
      await Promise.all(workers.map((w) => w.baseline()));
      meter.start();
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const batch = await runBatch(stack, orgs, n);
      loop.disable();
      const cpu = meter.stop(batch.wallMs);
      const reports = await Promise.all(workers.map((w) => w.report()));
      const sum = (match: RegExp) => reports.map((r) => sqlTime(r.sql, match)).reduce((a, b) => ({ count: a.count + b.count, ms: a.ms + b.ms }), { count: 0, ms: 0 });
      const admissions = sum(/^SELECT booked, wait_ms FROM asana_admit_requests/);
      const pageTransactions = sum(/^tx: /);
      const all = sum(/^(?!\s+in tx:)/);
      const loopDelay = { stack: loopDelayOf(loop), workers: reports.map((r) => r.loopDelay) };
      batches.push({ ...batch, cpu, loopDelay, sql: { admissions, pageTransactions, other: { count: all.count - admissions.count - pageTransactions.count, ms: all.ms - admissions.ms - pageTransactions.ms } } });
      const b = batches.at(-1)!;
      progress(`  batch ${fmt(b.wallMs / 1000)} s, ${b.failures.length} failed, ${b.tokens.reduce((s, t) => s + t.rejected, 0)} answered 429`);
    }
    await useWorkers(0);
  } finally {
    await stack.close();
  }

  const [one, two] = batches as [Batch, Batch];
  const sampled = orgs.filter((o) => alone.has(o.key));
  const ratioRows = sampled.map((o) => {
    const aloneMs = alone.get(o.key)!;
    return { o, aloneMs, oneMs: one.runMs.get(o.key)!, twoMs: two.runMs.get(o.key)! };
  });
  const worstRatio = Math.max(...ratioRows.map((r) => r.oneMs / r.aloneMs));
  const worstRatioTwo = Math.max(...ratioRows.map((r) => r.twoMs / r.aloneMs));
  const slowest = ratioRows.reduce((a, b) => (b.oneMs > a.oneMs ? b : a));
  const allTokens = [...one.tokens, ...two.tokens];
  const worstWindow = Math.max(...allTokens.map((t) => t.maxInWindow / t.limit));
  const rejected = allTokens.reduce((s, t) => s + t.rejected, 0);
  const completed = Math.min(ORGS - one.failures.length, ORGS - two.failures.length);
  const scaling = two.wallMs / one.wallMs;
  const totalPeople = orgs.reduce((s, o) => s + o.people, 0);
  // Requests of the sampled profiles alone ≈ their requests in the batch (the same walk).
  const requestsOf = (b: Batch, key: string) => b.tokens.filter((t) => t.org === key).reduce((s, t) => s + t.requests, 0);
  const aloneRate = sampled.reduce((s, o) => s + requestsOf(one, o.key), 0) / (sampled.reduce((s, o) => s + alone.get(o.key)!, 0) / 1000);
  const batchRate = one.tokens.reduce((s, t) => s + t.requests, 0) / (one.wallMs / 1000);

  const tokenRows = (b: Batch) => {
    const byLimit = [FREE, PAID].map((limit) => {
      const ts = b.tokens.filter((t) => t.limit === limit);
      const worst = ts.reduce((a, t) => (t.maxInWindow / t.limit > a.maxInWindow / a.limit ? t : a), ts[0]!);
      return [
        `${b.workers} worker${b.workers > 1 ? 's' : ''}, ${limit}/min`,
        int(ts.length),
        int(ts.reduce((s, t) => s + t.requests, 0)),
        `${int(worst.maxInWindow)} (${worst.org})`,
        fmt(worst.maxInWindow / worst.limit, 2),
        int(ts.reduce((s, t) => s + t.rejected, 0)),
      ];
    });
    return byLimit;
  };

  const body = [
    table(
      ['figure', 'measured', 'goal'],
      [
        ['runs completed (each batch)', `${completed} of ${ORGS}`, `${ORGS} of ${ORGS}`],
        ['per token: most requests in any minute ÷ its limit (both batches)', fmt(worstWindow, 2), '≤ 1'],
        ['429s answered (both batches, every token)', int(rejected), '0'],
        [`worst profile wall in the batch ÷ alone (1 worker; ${sampled.length} sampled)`, fmt(worstRatio, 2), `≤ ${RATIO_TARGET}`],
        [`slowest sampled profile (${slowest.o.key}) wall in the batch ÷ alone`, fmt(slowest.oneMs / slowest.aloneMs, 2), `≤ ${RATIO_TARGET}`],
        ['batch wall with 2 worker processes ÷ with 1', fmt(scaling, 2), '< 1'],
      ],
    ),
    table(
      ['profile', 'people', 'limit / min', 'alone s', 'batch, 1 worker s', '÷ alone', 'batch, 2 workers s', '÷ alone'],
      ratioRows.map((r) => [
        r.o.key,
        int(r.o.people),
        int(r.o.limit),
        fmt(r.aloneMs / 1000),
        fmt(r.oneMs / 1000),
        fmt(r.oneMs / r.aloneMs, 2),
        fmt(r.twoMs / 1000),
        fmt(r.twoMs / r.aloneMs, 2),
      ]),
    ),
    'Where each sampled run\'s time went (the simulator\'s log): from POST to its first Asana request, and its membership walk (first page requested to last):',
    table(
      ['profile', 'alone: until 1st request s', 'walk s', '1 worker: until 1st request s', 'walk s', '2 workers: until 1st request s', 'walk s'],
      ratioRows.map((r) => {
        const a = alonePhases.get(r.o.key)!;
        const b1 = one.phases.get(r.o.key)!;
        const b2 = two.phases.get(r.o.key)!;
        return [r.o.key, ...[a, b1, b2].flatMap((p) => [fmt(p.untilFirstRequestMs / 1000), fmt(p.walkMs / 1000)])];
      }),
    ),
    table(['batch, tokens', 'tokens', 'requests', 'most in a minute (org)', '÷ limit', '429s'], [...tokenRows(one), ...tokenRows(two)]),
    table(
      ['batch', 'wall s', 'failed', 'fastest profile s', 'median profile s', 'slowest profile s'],
      batches.map((b) => {
        const walls = [...b.runMs.values()].filter(Number.isFinite).sort((x, y) => x - y);
        return [`${b.workers} worker${b.workers > 1 ? 's' : ''}`, fmt(b.wallMs / 1000), int(b.failures.length), fmt(walls[0]! / 1000), fmt(walls[Math.floor(walls.length / 2)]! / 1000), fmt(walls.at(-1)! / 1000)];
      }),
    ),
    table(
      ['batch', 'machine busy (cores of ' + os.cpus().length + ')', 'this stack (cores)', ...CPU_GROUPS.map((g) => `${g} s`)],
      batches.map((b) => [
        `${b.workers} worker${b.workers > 1 ? 's' : ''}`,
        fmt(b.cpu.machineCores, 2),
        fmt(b.cpu.stackCores, 2),
        ...CPU_GROUPS.map((g) => fmt(b.cpu.groups[g] ?? 0)),
      ]),
    ),
    table(
      ['batch', 'event loop late, simulator + API: p50 / p99 / max ms', 'workers: p50 / p99 / max ms'],
      batches.map((b) => {
        const show = (d: LoopDelay) => `${fmt(d.p50, 1)} / ${fmt(d.p99, 1)} / ${fmt(d.max, 0)}`;
        return [`${b.workers} worker${b.workers > 1 ? 's' : ''}`, show(b.loopDelay.stack), b.loopDelay.workers.map(show).join('; ')];
      }),
    ),
    table(
      ['batch', 'requests', 'wall per request per walk ms', 'budget booking (PostgreSQL) ms each', 'transactions', 'transaction ms each', 'other statements', 'other ms each'],
      batches.map((b) => {
        const requests = b.tokens.reduce((s2, t) => s2 + t.requests, 0);
        return [
          `${b.workers} worker${b.workers > 1 ? 's' : ''}`,
          int(requests),
          fmt((ORGS * b.wallMs) / requests, 0),
          fmt(b.sql.admissions.ms / Math.max(1, b.sql.admissions.count), 1),
          int(b.sql.pageTransactions.count),
          fmt(b.sql.pageTransactions.ms / Math.max(1, b.sql.pageTransactions.count), 1),
          int(b.sql.other.count),
          fmt(b.sql.other.ms / Math.max(1, b.sql.other.count), 1),
        ];
      }),
    ),
    `Pages a second: alone ${fmt(aloneRate, 1)} for one walk (the sampled profiles' requests ÷ their alone time); in the batch with one worker ` +
      `${fmt(batchRate, 1)} for all ${ORGS} together, ${fmt(batchRate / ORGS, 2)} each, i.e. ${fmt(aloneRate / (batchRate / ORGS), 1)}× slower per walk than alone. ` +
      'Every walk slows alike (small and large), so none waits behind another; the busy cores and the SQL times above show where the shared time goes ' +
      '(SQL times are from asking the pool to the answer; the event-loop delays say how much of that is a process too busy to read the answer).',
    `${ORGS} organizations of ${int(SMALLEST)} to ${int(LARGEST)} people (evenly spread, ${int(totalPeople)} in all) in one simulator process, ` +
      `each ${LATENCY_MS} ms latency and its own token limit: every fifth on the free plan (${FREE}/min), the rest paid (${PAID}/min); each profile's ` +
      '`asanaRequestsPerMinute` says the same. A download walks the memberships 100 a page, so a free-plan organization above ~15,000 people needs more ' +
      'than its minute allows and must wait for its window. Runs are timed from POST .../runs to the workflow\'s result; the batch from the first POST ' +
      'to the last result. Request counts come from each organization\'s own `/_sim/requests` (a sliding minute over arrival times, 429s included). ' +
      `Alone: each sampled profile's download with nothing else running (one worker), before the batches. Workers run the defaults ` +
      '(WORKER_MAX_CONCURRENT_ACTIVITIES 100, ASANA_MAX_CONCURRENT_REQUESTS 50, DATABASE_POOL_SIZE 25); the budget is booked in PostgreSQL, shared by both workers.',
  ];
  printSection('fleet: many organizations at once', command, body);
  return {
    name: 'fleet',
    command,
    verdicts: [
      { name: 'fleet: runs completed', value: completed, target: `${ORGS}`, met: completed === ORGS },
      { name: 'fleet: most requests in a minute ÷ token limit', value: worstWindow, target: '≤ 1', met: worstWindow <= 1 },
      { name: 'fleet: 429s', value: rejected, target: '0', met: rejected === 0 },
      { name: 'fleet: worst profile in the batch ÷ alone', value: worstRatio, target: `≤ ${RATIO_TARGET}`, met: worstRatio <= RATIO_TARGET },
      { name: 'fleet: batch with 2 workers ÷ 1', value: scaling, target: '< 1', met: scaling < 1 },
    ],
    data: {
      orgs: orgs.map(({ key, people, limit }) => ({ key, people, limit })),
      alone: Object.fromEntries(alone),
      alonePhases: Object.fromEntries(alonePhases),
      worstRatioTwoWorkers: worstRatioTwo,
      pagesPerSecond: { alone: aloneRate, batch: batchRate },
      batches: batches.map((b) => ({ workers: b.workers, wallMs: b.wallMs, failures: b.failures, runMs: Object.fromEntries(b.runMs), phases: Object.fromEntries(b.phases), tokens: b.tokens, cpu: b.cpu, loopDelay: b.loopDelay, sql: b.sql })),
    },
  };
}

/** The smallest, the largest and evenly between (paid plan), and the largest free-plan organization. */
function sampleOf(orgs: Org[]): Org[] {
  const picks = new Set<Org>();
  for (const at of [0, 0.25, 0.5, 0.75]) picks.add(orgs[Math.round(at * (orgs.length - 1))]!);
  const paid = orgs.filter((o) => o.limit === PAID);
  picks.add(paid.at(-1)!);
  picks.add(orgs.filter((o) => o.limit === FREE).at(-1)!);
  return [...picks].sort((a, b) => a.index - b.index);
}

/** Empties every token's window: the simulator's limiter (faults cleared and set again) and the service's shared one. */
async function emptyWindows(stack: Stack, orgs: Org[]): Promise<void> {
  for (const o of orgs) {
    await stack.simControl('DELETE', '/_sim/faults', undefined, o.baseUrl);
    await stack.simControl('POST', '/_sim/faults', { rateLimitPerMinute: o.limit, latencyMs: LATENCY_MS }, o.baseUrl);
    await stack.simControl('DELETE', '/_sim/requests', undefined, o.baseUrl);
  }
  await stack.db.query('DELETE FROM asana_requests_sent');
}

async function runBatch(stack: Stack, orgs: Org[], workers: number): Promise<Omit<Batch, 'cpu' | 'sql' | 'loopDelay'>> {
  const started = performance.now();
  const runMs = new Map<string, number>();
  const postedAt = new Map<string, number>();
  const failures: string[] = [];
  await Promise.all(
    orgs.map(async (o) => {
      try {
        postedAt.set(o.key, Date.now());
        runMs.set(o.key, (await stack.runJob(o.profileId, 'download')).wallMs);
      } catch (err) {
        runMs.set(o.key, Number.NaN);
        failures.push(`${o.key}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const tokens: TokenFigure[] = [];
  const phases = new Map<string, Phases>();
  for (const o of orgs) {
    const log = await apiLog(stack, o);
    phases.set(o.key, phasesOf(log, postedAt.get(o.key)!));
    const byToken = new Map<string, SimRequest[]>();
    for (const r of log) {
      const list = byToken.get(r.tokenHint ?? '') ?? [];
      list.push(r);
      byToken.set(r.tokenHint ?? '', list);
    }
    for (const list of byToken.values()) {
      tokens.push({
        org: o.key,
        limit: o.limit,
        requests: list.length,
        maxInWindow: maxInWindow(list.map((r) => Date.parse(r.startedAt))),
        rejected: list.filter((r) => r.status === 429).length,
      });
    }
  }
  for (const f of failures) progress(`  failed: ${f}`);
  return { workers, wallMs, runMs, failures, tokens, phases };
}
