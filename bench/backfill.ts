// backfill: the audit log's first read (up to 60 days) in time slices read side by side, bound by the token's
// rate limit rather than by latency.
//
// An Enterprise+ organization with a Service Account token and ~2,000 pages of audit log over the 60 days read;
// 200 ms added to every request and Asana's paid limit of 1,500 requests a minute per token (a sliding window;
// rejected requests count). Read as one stream, one request after another, the pull could not go faster than
// 5 requests a second (a fifth of the limit): requests × 200 ms. In slices it should take no more than 1.15 ×
// what the limit itself requires: requests ÷ limit. Then a later read, after new events: one stream from the
// watermark (its requests one after another, each from the offset the last one answered).
import os from 'node:os';
import type { BenchEnv } from './support/env';
import { startStack, type Stack } from './support/stack';
import { fmt, int, printSection, progress, table, type BenchResult } from './support/report';
import { scenarioFor } from './memory';

const PEOPLE = 2_000;
/** ~2,000 pages of 100 people's events over the 60 days read: more than a minute's worth of the limit. */
const EVENTS_PER_USER_PER_DAY = 2.4;
const LIMIT_PER_MINUTE = 1_500;
const LATENCY_MS = 200;
const LATER_EVENTS = 250;
const TARGET = 1.15;

interface SimRequest {
  method: string;
  path: string;
  status: number;
  query: Record<string, string | string[]>;
  startedAt: string;
  time: string;
}

const isAuditPage = (r: SimRequest) => r.method === 'GET' && /^\/api\/1\.0\/workspaces\/\d+\/audit_log_events$/.test(r.path);

async function auditRequests(stack: Stack): Promise<SimRequest[]> {
  return ((await stack.simControl('GET', '/_sim/requests')) as SimRequest[]).filter(isAuditPage);
}

const loadAverage = () => os.loadavg().map((l) => fmt(l, 2)).join(' ');

export async function runBackfill(env: BenchEnv): Promise<BenchResult> {
  const command = 'npm run bench -- backfill';
  const stack = await startStack(env, { scenario: { ...scenarioFor(PEOPLE), eventsPerUserPerDay: EVENTS_PER_USER_PER_DAY } });
  let first: { requests: number; rejected: number; events: number; wallMs: number; requiredMs: number; sequentialMs: number; slices: number; minPages: number; maxPages: number; peakInFlight: number; load: string };
  let later: { events: number; requests: number; oneStream: boolean; wallMs: number };
  try {
    const worker = await stack.startWorker();
    const profileId = await stack.readyProfile({ source: 'auditLog' });
    // An empty window for the Service Account's token, then the limit and the latency.
    await stack.simControl('DELETE', '/_sim/faults');
    await stack.simControl('POST', '/_sim/faults', { latencyMs: LATENCY_MS, rateLimitPerMinute: LIMIT_PER_MINUTE });
    await stack.simControl('DELETE', '/_sim/requests');
    progress(`backfill: ${int(PEOPLE)} people, 60 days of audit log, ${int(LIMIT_PER_MINUTE)} requests a minute, ${LATENCY_MS} ms a request`);
    const run = await stack.runJob(profileId, 'activity');
    const log = await auditRequests(stack);
    const admitted = log.filter((r) => r.status !== 429);
    const slices = await stack.db.query<{ pages: number }>('SELECT pages FROM activity_backfill_slices WHERE profile_id = $1 ORDER BY slice', [profileId]);
    const spans = admitted.map((r) => [Date.parse(r.startedAt), Date.parse(r.time)] as const);
    first = {
      requests: admitted.length,
      rejected: log.length - admitted.length,
      events: run.counts.auditEvents ?? 0,
      wallMs: run.wallMs,
      requiredMs: (admitted.length / LIMIT_PER_MINUTE) * 60_000,
      sequentialMs: admitted.length * LATENCY_MS,
      slices: slices.length,
      minPages: Math.min(...slices.map((s) => s.pages)),
      maxPages: Math.max(...slices.map((s) => s.pages)),
      peakInFlight: Math.max(...spans.map(([at]) => spans.filter(([s, e]) => s <= at && e > at).length)),
      load: loadAverage(),
    };
    progress(`  ${int(first.requests)} requests (${int(first.rejected)} answered 429) in ${fmt(first.wallMs / 1000)} s; the limit requires ${fmt(first.requiredMs / 1000)} s, one stream ${fmt(first.sequentialMs / 1000)} s`);

    // A later read after new events, latency only: one stream from the watermark.
    await stack.simControl('DELETE', '/_sim/faults');
    await stack.simControl('POST', '/_sim/faults', { latencyMs: LATENCY_MS });
    const state = (await stack.simControl('GET', '/_sim/state')) as { members: Array<{ gid: string; isActive: boolean; removedAt: string | null }> };
    const actors = state.members.filter((m) => m.isActive && !m.removedAt);
    for (let i = 0; i < LATER_EVENTS; i++) await stack.simControl('POST', '/_sim/events', { actorGid: actors[i % actors.length]!.gid, eventType: 'task_created' });
    await stack.simControl('DELETE', '/_sim/requests');
    const next = await stack.runJob(profileId, 'activity');
    const nextLog = await auditRequests(stack);
    const sequential = nextLog.every((r, i) => i === 0 || Date.parse(r.startedAt) >= Date.parse(nextLog[i - 1]!.time));
    const fromOffsets = nextLog.every((r) => typeof r.query.offset === 'string' && r.query.start_at === undefined) && new Set(nextLog.map((r) => r.query.offset)).size === nextLog.length;
    later = { events: next.counts.auditEvents ?? 0, requests: nextLog.length, oneStream: sequential && fromOffsets, wallMs: next.wallMs };
    progress(`  later read: ${later.events} events in ${later.requests} requests, ${later.oneStream ? 'one stream' : 'NOT one stream'}`);
    await stack.simControl('DELETE', '/_sim/faults');
    await worker.stop();
  } finally {
    await stack.close();
  }

  const ratio = first.wallMs / first.requiredMs;
  const gain = first.sequentialMs / first.wallMs;
  const body = [
    table(
      ['first read', 'events', 'requests', '429s', 'slices', 'pages per slice', 'peak in flight', 'wall s', 'limit requires s', 'one stream needs s', 'wall ÷ required', 'one stream ÷ wall', 'load average'],
      [[
        `${int(PEOPLE)} people, 60 days`,
        int(first.events),
        int(first.requests),
        int(first.rejected),
        int(first.slices),
        `${first.minPages}–${first.maxPages}`,
        int(first.peakInFlight),
        fmt(first.wallMs / 1000),
        fmt(first.requiredMs / 1000),
        fmt(first.sequentialMs / 1000),
        fmt(ratio, 2),
        fmt(gain, 1),
        first.load,
      ]],
    ),
    table(
      ['later read', 'new events', 'requests', 'one stream from the watermark', 'wall s'],
      [['after new events', int(later.events), int(later.requests), later.oneStream ? 'yes' : 'NO', fmt(later.wallMs / 1000)]],
    ),
    `Limit: ${int(LIMIT_PER_MINUTE)} requests a minute per token (a sliding window, starting empty; 429s count), ${LATENCY_MS} ms added to every request. ` +
      '"Limit requires" = requests admitted ÷ limit; "one stream needs" = requests × latency, the least the one request sequence it replaces ' +
      'takes (at most 5 requests a second); wall time runs from POST .../runs to the workflow\'s result. The window is split into time slices ' +
      '(four per slice in flight, 8 in flight by default), each ended by an empty page; the newest slice has no end and becomes the watermark. ' +
      'The later read runs with the latency only: its requests must follow one another, each from the offset the last one answered.',
  ];
  printSection('backfill: the audit log\'s first read in time slices, under the rate limit', command, body);
  return {
    name: 'backfill',
    command,
    verdicts: [
      { name: `backfill: first audit-log read, ${int(LIMIT_PER_MINUTE)}/min, ${LATENCY_MS} ms, wall ÷ (requests ÷ limit)`, value: ratio, target: `≤ ${TARGET}`, met: ratio <= TARGET },
      { name: 'backfill: later read, requests outside one stream from the watermark', value: later.oneStream ? 0 : later.requests, target: '0', met: later.oneStream },
    ],
    data: { people: PEOPLE, limitPerMinute: LIMIT_PER_MINUTE, latencyMs: LATENCY_MS, first, later },
  };
}
