// stories: the stories walk (activity on every plan, read with the admin's OAuth grant).
//
// 1. Bound by the rate limit, not by latency: an organization of 2,000 people in 400 projects, Asana's paid
//    limit of 1,500 requests a minute per token and 100 ms per request. Wall time ÷ (requests ÷ limit) should
//    stay ≤ 1.1: projects are read several at a time, so latency × requests (≈ 9 minutes here) is not the bound.
// 2. An incremental walk: after stories land on a few tasks, the next run's requests per changed task.
// 3. Memory: peak worker RSS over its idle baseline for a first walk, 2,000 people (400 projects) against
//    20,000 (4,000 projects), each in a fresh worker, no latency or limit.
import type { BenchEnv } from './support/env';
import { startStack, type Stack } from './support/stack';
import { fmt, int, MB, printSection, progress, table, type BenchResult } from './support/report';
import { measured, scenarioFor } from './memory';

const RATE_PEOPLE = 2_000;
const RATE_PROJECTS = 400;
const LIMIT_PER_MINUTE = 1_500;
const LATENCY_MS = 100;
const CHANGED_TASKS = 40;
const MEMORY_SIZES = [2_000, 20_000];
const RATIO_TARGET = 1.1;
const RSS_TARGET = 1.25;

interface SimRequest {
  method: string;
  path: string;
  status: number;
  query: Record<string, string | string[]>;
}

const isApi = (r: SimRequest) => r.path.startsWith('/api/1.0/');
const isTaskListing = (r: SimRequest) => r.path === '/api/1.0/tasks';
const isStoryPage = (r: SimRequest) => /^\/api\/1\.0\/tasks\/\d+\/stories$/.test(r.path);

function storiesScenario(people: number, projects: number): Record<string, unknown> {
  return { ...scenarioFor(people), projects, storiesPerUserPerDay: 2 };
}

async function requestLog(stack: Stack): Promise<SimRequest[]> {
  return ((await stack.simControl('GET', '/_sim/requests')) as SimRequest[]).filter(isApi);
}

export async function runStories(env: BenchEnv): Promise<BenchResult> {
  const command = 'npm run bench -- stories';
  const stack = await startStack(env, { scenario: storiesScenario(RATE_PEOPLE, RATE_PROJECTS) });
  let rate: { requests: number; rejected: number; wallMs: number; requiredMs: number; latencyBoundMs: number; tasks: number; stories: number };
  let incremental: { changedTasks: number; requests: number; listings: number; storyPages: number; wallMs: number };
  const memory: Array<{ people: number; projects: number; requests: number; wallMs: number; idleMb: number; peakMb: number; deltaMb: number }> = [];
  try {
    // 1. The rate-limited first walk.
    const worker = await stack.startWorker();
    const profileId = await stack.readyProfile({ source: 'stories' });
    await stack.runJob(profileId, 'download');
    await stack.simControl('POST', '/_sim/faults', { latencyMs: LATENCY_MS, rateLimitPerMinute: LIMIT_PER_MINUTE });
    progress(`stories: ${int(RATE_PEOPLE)} people, ${RATE_PROJECTS} projects, ${int(LIMIT_PER_MINUTE)} requests a minute, ${LATENCY_MS} ms a request; waiting a minute for an empty window`);
    await new Promise((resolve) => setTimeout(resolve, 61_000));
    await stack.simControl('DELETE', '/_sim/requests');
    const first = await stack.runJob(profileId, 'activity');
    const log = await requestLog(stack);
    const admitted = log.filter((r) => r.status !== 429).length;
    rate = {
      requests: admitted,
      rejected: log.length - admitted,
      wallMs: first.wallMs,
      requiredMs: (admitted / LIMIT_PER_MINUTE) * 60_000,
      latencyBoundMs: admitted * LATENCY_MS,
      tasks: first.counts.storyTasks ?? 0,
      stories: first.counts.stories ?? 0,
    };
    progress(`  ${int(admitted)} requests (${int(rate.rejected)} answered 429) in ${fmt(first.wallMs / 1000)} s; the limit requires ${fmt(rate.requiredMs / 1000)} s`);

    // 2. New stories on a few tasks, then the next walk, without a limit.
    await stack.simControl('POST', '/_sim/faults', { rateLimitPerMinute: null });
    const state = (await stack.simControl('GET', '/_sim/state')) as { members: Array<{ gid: string; isActive: boolean; removedAt: string | null; lastStoryAt: string | null }> };
    const writers = state.members.filter((m) => m.isActive && !m.removedAt && m.lastStoryAt !== null).slice(0, CHANGED_TASKS);
    const changed = new Set<string>();
    for (const m of writers) changed.add(((await stack.simControl('POST', '/_sim/stories', { actorGid: m.gid })) as { taskGid: string }).taskGid);
    await stack.simControl('DELETE', '/_sim/requests');
    const next = await stack.runJob(profileId, 'activity');
    const nextLog = await requestLog(stack);
    incremental = {
      changedTasks: changed.size,
      requests: nextLog.length,
      listings: nextLog.filter(isTaskListing).length,
      storyPages: nextLog.filter(isStoryPage).length,
      wallMs: next.wallMs,
    };
    progress(`  next walk: ${incremental.requests} requests for ${changed.size} changed tasks`);
    await stack.simControl('DELETE', '/_sim/faults');
    await worker.stop();

    // 3. Memory of a first walk, by organization size.
    for (const people of MEMORY_SIZES) {
      const projects = Math.round(people / 5);
      progress(`stories memory: ${int(people)} people, ${int(projects)} projects`);
      await stack.simControl('POST', '/_sim/scenario', storiesScenario(people, projects));
      const setup = await stack.startWorker();
      let id: string;
      try {
        id = await stack.readyProfile({ source: 'stories', unpaced: true });
        await stack.runJob(id, 'download');
      } finally {
        await setup.stop();
      }
      await stack.simControl('DELETE', '/_sim/requests');
      const { run, idle, rep } = await measured(stack, id, 'activity');
      const requests = (await requestLog(stack)).length;
      memory.push({ people, projects, requests, wallMs: run.wallMs, idleMb: idle.rss / MB, peakMb: rep.peakRss / MB, deltaMb: (rep.peakRss - idle.rss) / MB });
      progress(`  ${int(requests)} requests in ${fmt(run.wallMs / 1000)} s, peak RSS ${fmt(rep.peakRss / MB)} MB (idle ${fmt(idle.rss / MB)} MB)`);
    }
  } finally {
    await stack.close();
  }

  const ratio = rate.wallMs / rate.requiredMs;
  const perTask = incremental.requests / incremental.changedTasks;
  const rss = memory[memory.length - 1]!.deltaMb / memory[0]!.deltaMb;
  const body = [
    table(
      ['first walk', 'requests', '429s', 'tasks', 'stories', 'wall s', 'limit requires s', 'requests × latency s', 'wall ÷ required'],
      [[`${int(RATE_PEOPLE)} people, ${RATE_PROJECTS} projects`, int(rate.requests), int(rate.rejected), int(rate.tasks), int(rate.stories), fmt(rate.wallMs / 1000), fmt(rate.requiredMs / 1000), fmt(rate.latencyBoundMs / 1000), fmt(ratio, 2)]],
    ),
    table(
      ['next walk', 'changed tasks', 'requests', 'task listings', 'story pages', 'wall s', 'requests per changed task'],
      [['after new stories', int(incremental.changedTasks), int(incremental.requests), int(incremental.listings), int(incremental.storyPages), fmt(incremental.wallMs / 1000), fmt(perTask, 1)]],
    ),
    table(
      ['people', 'projects', 'requests', 'wall s', 'idle RSS MB', 'peak RSS MB', 'peak − idle MB'],
      memory.map((m) => [int(m.people), int(m.projects), int(m.requests), fmt(m.wallMs / 1000), fmt(m.idleMb), fmt(m.peakMb), fmt(m.deltaMb)]),
    ),
    `Limit: ${int(LIMIT_PER_MINUTE)} requests a minute per token (a sliding window; 429s count), ${LATENCY_MS} ms added to every request. ` +
      '"Limit requires" = requests admitted ÷ limit; wall time runs from POST .../runs to the workflow\'s result. A next walk lists every project\'s ' +
      'tasks modified since its watermark (one request a project, Asana has no organization-wide filter) and reads the stories of the changed tasks only. ' +
      'Memory: one first walk per size in a fresh worker, no latency or limit; peak RSS over the idle worker after a full GC.',
  ];
  printSection('stories: the stories walk under the rate limit, incrementally, and in memory', command, body);
  return {
    name: 'stories',
    command,
    verdicts: [
      { name: `stories: ${int(RATE_PEOPLE)} people, ${LIMIT_PER_MINUTE}/min, wall ÷ (requests ÷ limit)`, value: ratio, target: `≤ ${RATIO_TARGET}`, met: ratio <= RATIO_TARGET },
      { name: `stories: peak RSS over idle, ${int(MEMORY_SIZES[1]!)} ÷ ${int(MEMORY_SIZES[0]!)} people`, value: rss, target: `≤ ${RSS_TARGET} (flat)`, met: rss <= RSS_TARGET },
    ],
    data: { rate, incremental, memory },
  };
}
