// Shared by the durability tests: reading the simulator's request log, waiting for progress, and
// reading what Temporal recorded about a run's activities.
import type { Harness } from '../support/harness';
import type { JobResultRow } from '../../src/store/jobs';
import { TASKS_PER_PROJECT, type RequestLogEntry, type RunningSimulator } from '@licence-manager/asana-simulator';

/** One entry of `GET /_sim/requests`. */
export type SimRequest = RequestLogEntry;

export async function simRequests(h: Harness): Promise<SimRequest[]> {
  return (await h.simControl('GET', '/_sim/requests')) as SimRequest[];
}

export const isMembershipPage = (r: SimRequest): boolean => r.method === 'GET' && /^\/api\/1\.0\/workspaces\/\d+\/workspace_memberships$/.test(r.path);
export const isAuditPage = (r: SimRequest): boolean => r.method === 'GET' && /^\/api\/1\.0\/workspaces\/\d+\/audit_log_events$/.test(r.path);
export const isProjectPage = (r: SimRequest): boolean => r.method === 'GET' && /^\/api\/1\.0\/workspaces\/\d+\/projects$/.test(r.path);
/** A page of one project's tasks (`GET /tasks?project=`); the project it lists, or null for any other request. */
export const taskPageProject = (r: SimRequest): string | null => (r.method === 'GET' && r.path === '/api/1.0/tasks' && typeof r.query.project === 'string' ? r.query.project : null);
export const isStoryPage = (r: SimRequest): boolean => r.method === 'GET' && /^\/api\/1\.0\/tasks\/\d+\/stories$/.test(r.path);

/** Polls until `probe` answers something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The job result a run workflow wrote (one per workflow run). */
export async function jobOf(h: Harness, workflowId: string): Promise<JobResultRow | undefined> {
  const rows = await h.db.query<JobResultRow>('SELECT * FROM job_results WHERE workflow_id = $1 ORDER BY started_at', [workflowId]);
  return rows[0];
}

export interface ActivityAttempts {
  /** Activity type → how many attempts started (the last attempt's number, from its ActivityTaskStarted event). */
  attempts: Record<string, number>;
  /** Failures and timeouts Temporal recorded, as `type: message`. */
  failures: string[];
}

/** What a workflow's history says about its activities: attempts per type and every failure or timeout. */
export async function activityAttempts(h: Harness, workflowId: string): Promise<ActivityAttempts> {
  const history = await h.temporal.workflow.getHandle(workflowId).fetchHistory();
  const types = new Map<string, string>();
  const attempts: Record<string, number> = {};
  const failures: string[] = [];
  for (const event of history.events ?? []) {
    const id = String(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) types.set(id, scheduled.activityType?.name ?? '?');
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const type = types.get(String(started.scheduledEventId)) ?? '?';
      attempts[type] = Math.max(attempts[type] ?? 0, started.attempt ?? 1);
      // Retries happen inside the server: only the last attempt is recorded, with the failure before it.
      if (started.lastFailure) failures.push(`${type} (before attempt ${started.attempt}): ${started.lastFailure.message}`);
    }
    const failed = event.activityTaskFailedEventAttributes;
    if (failed) failures.push(`${types.get(String(failed.scheduledEventId))}: ${failed.failure?.message}`);
    const timedOut = event.activityTaskTimedOutEventAttributes;
    if (timedOut) failures.push(`${types.get(String(timedOut.scheduledEventId))}: ${timedOut.failure?.message}`);
  }
  return { attempts, failures };
}

export const ms = (iso: string): number => Date.parse(iso);

/** What a full stories walk from `from` reads, from the simulator itself: the tasks modified since, and their stories. */
export function storiesSince(sim: RunningSimulator, from: number): { tasks: number; stories: number } {
  const world = sim.sim.stories;
  let tasks = 0;
  let stories = 0;
  for (let project = 0; project < world.projects; project++) {
    for (let task = 0; task < TASKS_PER_PROJECT; task++) {
      if (world.taskModifiedAt({ project, task }) < from) continue;
      tasks += 1;
      stories += world.storiesOf({ project, task }).length;
    }
  }
  return { tasks, stories };
}
