// A worker process killed (SIGKILL) while it walks stories project by project: the run finishes on a new worker
// without listing again the tasks of any project finished before the crash, and every story is counted once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { expectedCandidates, readyProfile, simMembers } from '../support/runs';
import { processExists, startWorkerProcess, type WorkerProcess } from '../support/spawnWorker';
import { activityAttempts, isStoryPage, jobOf, ms, simRequests, storiesSince, taskPageProject, waitFor } from './support';

// 600 people in 40 projects: 40 task listings and 480 story pages, read 8 projects at a time at 60 ms a request.
const scenario = { seed: 5, members: 570, guests: 20, viewOnly: 10, admins: 2, inactiveShare: 0.25, days: 90, projects: 40, storiesPerUserPerDay: 0.2 };
const LATENCY_MS = 60;
const CRASH_AFTER_PROJECTS = 12;

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

describe('a worker killed mid stories walk', () => {
  it('resumes without re-reading finished projects, and counts every story once', async () => {
    const profileId = await readyProfile(h, { reclaimSubscriptions: false });
    const download = `profile/${profileId}/run/download/before-crash`;
    await h.temporal.workflow.execute('downloadSubscriptionsWorkflow', { workflowId: download, taskQueue: h.taskQueue, args: [{ profileId, trigger: 'on_demand' }] });
    await h.simControl('DELETE', '/_sim/requests');
    await h.simControl('POST', '/_sim/faults', { latencyMs: LATENCY_MS });

    const activityId = `profile/${profileId}/run/activity/crash`;
    await h.temporal.workflow.start('refreshActivityWorkflow', {
      workflowId: activityId,
      taskQueue: h.taskQueue,
      args: [{ profileId, trigger: 'on_demand', tuning: { heartbeatTimeoutSeconds: 2 } }],
    });
    await waitFor('projects finished before the crash', async () => ((await jobOf(h, activityId))?.counts.storyProjects ?? 0) >= CRASH_AFTER_PROJECTS, 60_000, 20);
    await workers[0]!.crash();
    const crashAt = Date.now();
    expect(processExists(workers[0]!.child.pid!)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const job = (await jobOf(h, activityId))!;
    const finished = await h.db.query<{ project_gid: string }>('SELECT project_gid FROM story_project_cursors WHERE profile_id = $1 AND walked_by_job = $2', [profileId, job.id]);
    expect(finished.length).toBeGreaterThanOrEqual(CRASH_AFTER_PROJECTS);
    expect(finished.length, 'the worker died mid-walk').toBeLessThan(scenario.projects);
    workers.push(await startWorkerProcess(h.workerEnv));
    await h.temporal.workflow.getHandle(activityId).result();
    const recoveryMs = Date.now() - crashAt;
    await h.simControl('DELETE', '/_sim/faults');

    const requests = await simRequests(h);
    const listings = requests.filter((r) => taskPageProject(r) !== null && r.status === 200);
    const finishedGids = new Set(finished.map((f) => f.project_gid));
    // No project finished before the crash had its tasks listed again.
    const relisted = listings.filter((r) => ms(r.startedAt) > crashAt && finishedGids.has(taskPageProject(r)!));
    expect(relisted).toEqual([]);
    // Every project was listed; the ones in flight at the crash (at most 8) twice.
    const perProject = new Map<string, number>();
    for (const r of listings) perProject.set(taskPageProject(r)!, (perProject.get(taskPageProject(r)!) ?? 0) + 1);
    expect(perProject.size).toBe(scenario.projects);
    const twice = [...perProject.values()].filter((n) => n > 1).length;
    expect(twice).toBeLessThanOrEqual(8);

    const done = (await jobOf(h, activityId))!;
    expect(done.status).toBe('succeeded');
    const coverageStart = Date.parse((await h.api('GET', `/api/profiles/${profileId}`)).body.options.analyzeActivityFrom);
    const { tasks, stories } = storiesSince(h.sim, coverageStart);
    expect(done.counts).toMatchObject({ storyProjects: scenario.projects, storyTasks: tasks, stories });
    expect((await activityAttempts(h, activityId)).attempts.walkStories).toBe(2);

    const candidates = await h.db.query<{ user_gid: string }>('SELECT user_gid FROM removal_candidates WHERE profile_id = $1 ORDER BY user_gid', [profileId]);
    expect(candidates.map((c) => c.user_gid)).toEqual(expectedCandidates(await simMembers(h), { adminGid, coverageStart, sources: { stories: true, auditLog: false } }));
    const storyPages = requests.filter((r) => isStoryPage(r) && r.status === 200).length;
    console.info(
      `stories crash: ${scenario.projects} projects, ${finished.length} finished before the crash, ${twice} listed twice, ${relisted.length} finished ones re-read;` +
        ` ${storyPages} story pages for ${tasks} tasks; recovery ${recoveryMs} ms`,
    );
  }, 120_000);
});
