// ratelimit: with Asana's rate limit in force, a run should take no more than ~1.1x the time the limit
// itself requires: requests ÷ limit × window.
//
// Each run (download, then activity) is timed first without a limit (the work itself), then again with
// the simulator limiting the token to a number of requests per window (a sliding window; rejected
// requests count against it, and Retry-After is whole seconds, as Asana's). The simulator's request log
// tells how many requests the run needed and where the time between them went.
import type { BenchEnv } from './support/env';
import { startStack, type JobKind, type Stack } from './support/stack';
import { fmt, int, printSection, progress, table, type BenchResult } from './support/report';
import { scenarioFor } from './memory';

/** A short window for both runs; then a longer one for the download, where a whole-second Retry-After costs less. */
const LIMITS: Array<{ limit: number; windowS: number; jobs: JobKind[] }> = [
  { limit: 20, windowS: 2, jobs: ['download', 'activity'] },
  { limit: 50, windowS: 5, jobs: ['download'] },
];
const PEOPLE = 20_000;
/** ~200 audit pages over the 60 days read, like the 200 membership pages. */
const EVENTS_PER_USER_PER_DAY = 0.007;
const TARGET = 1.1;

interface SimRequest {
  method: string;
  path: string;
  status: number;
  time: string;
  startedAt: string;
}

interface Row {
  job: JobKind;
  limit: number;
  windowS: number;
  unlimitedMs: number;
  wallMs: number;
  admitted: number;
  rejected: number;
  requiredMs: number;
  /** The least any client needs for `admitted` requests under a sliding window: ⌊(n−1)/limit⌋ × window. */
  floorMs: number;
  ratio: number;
  /** Σ over 429s: Retry-After (whole seconds) − the wait the window actually needed. */
  roundingMs: number;
  /** Σ over 429s: the next admitted request − (the 429 + its Retry-After). */
  reactionMs: number;
  /** First to last Asana request of the run. */
  walkMs: number;
}

export async function runRateLimit(env: BenchEnv): Promise<BenchResult> {
  const command = 'npm run bench -- ratelimit';
  const stack = await startStack(env, { scenario: { ...scenarioFor(PEOPLE), eventsPerUserPerDay: EVENTS_PER_USER_PER_DAY } });
  const rows: Row[] = [];
  try {
    const worker = await stack.startWorker();
    const profileId = await stack.readyProfile({ source: 'auditLog' });
    const unlimitedMs = new Map<JobKind, number>();
    for (const { limit, windowS, jobs } of LIMITS) {
      for (const job of jobs) {
        if (!unlimitedMs.has(job)) {
          progress(`ratelimit: ${job}, no limit`);
          await clearLimit(stack);
          await stack.resetActivity(profileId);
          unlimitedMs.set(job, (await stack.runJob(profileId, job)).wallMs);
        }
        progress(`ratelimit: ${job}, ${limit} requests per ${windowS} s`);
        await stack.resetActivity(profileId);
        await stack.simControl('POST', '/_sim/faults', { rateLimitPerMinute: limit, rateLimitWindowSeconds: windowS });
        // Start with an empty window.
        await new Promise((resolve) => setTimeout(resolve, windowS * 1000 + 100));
        await stack.simControl('DELETE', '/_sim/requests');
        const limited = await stack.runJob(profileId, job);
        const log = ((await stack.simControl('GET', '/_sim/requests')) as SimRequest[]).filter((r) => r.path.startsWith('/api/1.0/'));
        const a = analyse(log, limit, windowS * 1000);
        const requiredMs = (a.admitted / limit) * windowS * 1000;
        rows.push({
          job,
          limit,
          windowS,
          unlimitedMs: unlimitedMs.get(job)!,
          wallMs: limited.wallMs,
          requiredMs,
          floorMs: Math.floor((a.admitted - 1) / limit) * windowS * 1000,
          ratio: limited.wallMs / requiredMs,
          ...a,
        });
        progress(`  ${a.admitted} requests (${a.rejected} answered 429) in ${fmt(limited.wallMs / 1000)} s; the limit requires ${fmt(requiredMs / 1000)} s`);
      }
    }
    await clearLimit(stack);
    await worker.stop();
  } finally {
    await stack.close();
  }

  const body = [
    table(
      ['run', 'limit', 'requests', '429s', 'no limit s', 'with limit s', 'limit requires s', 'wall ÷ required', 'wall ÷ least possible', 'lost to whole-second Retry-After s', 'lost reacting s'],
      rows.map((r) => [
        r.job,
        `${r.limit} / ${r.windowS} s`,
        int(r.admitted),
        int(r.rejected),
        fmt(r.unlimitedMs / 1000),
        fmt(r.wallMs / 1000),
        fmt(r.requiredMs / 1000),
        fmt(r.ratio, 2),
        fmt(r.wallMs / r.floorMs, 2),
        fmt(r.roundingMs / 1000),
        fmt(r.reactionMs / 1000),
      ]),
    ),
    `Sliding window per token; organization of ${int(PEOPLE)} people. "Limit requires" = requests ÷ limit × window; ` +
      `wall time runs from POST .../runs to the workflow's result. For each 429, the simulator's request log gives the wait the window actually needed ` +
      '(until the oldest request in it leaves) against the whole seconds Retry-After announced, and the time from then to the next request admitted. ' +
      '"Least possible" = ⌊(requests − 1) ÷ limit⌋ × window, what any client needs under a sliding window.',
  ];
  printSection('ratelimit: run time with a rate limit in force', command, body);
  return {
    name: 'ratelimit',
    command,
    verdicts: rows.map((r) => ({
      name: `ratelimit: ${r.job}, ${r.limit} per ${r.windowS} s, wall ÷ (requests ÷ limit × window)`,
      value: r.ratio,
      target: `≤ ${TARGET}`,
      met: r.ratio <= TARGET,
    })),
    data: { people: PEOPLE, rows },
  };
}

async function clearLimit(stack: Stack): Promise<void> {
  await stack.simControl('POST', '/_sim/faults', { rateLimitPerMinute: null, rateLimitWindowSeconds: null });
}


/** Replays the simulator's sliding window over the request log to see where the waiting went. */
function analyse(log: SimRequest[], limit: number, windowMs: number): Pick<Row, 'admitted' | 'rejected' | 'roundingMs' | 'reactionMs' | 'walkMs'> {
  const reqs = log.map((r) => ({ at: Date.parse(r.startedAt), status: r.status })).sort((a, b) => a.at - b.at);
  const hits: number[] = [];
  let admitted = 0;
  let rejected = 0;
  let roundingMs = 0;
  let reactionMs = 0;
  for (let i = 0; i < reqs.length; i++) {
    const { at, status } = reqs[i]!;
    while (hits.length > 0 && hits[0]! <= at - windowMs) hits.shift();
    hits.push(at);
    if (status !== 429) {
      admitted += 1;
      continue;
    }
    rejected += 1;
    const pivot = hits[hits.length - limit] ?? at;
    const neededMs = Math.max(0, pivot + windowMs - at);
    const retryAfterMs = Math.max(1, Math.ceil(neededMs / 1000)) * 1000;
    roundingMs += retryAfterMs - neededMs;
    const next = reqs.slice(i + 1).find((r) => r.status !== 429);
    if (next) reactionMs += Math.max(0, next.at - (at + retryAfterMs));
  }
  const walkMs = reqs.length > 1 ? reqs[reqs.length - 1]!.at - reqs[0]!.at : 0;
  return { admitted, rejected, roundingMs, reactionMs, walkMs };
}
