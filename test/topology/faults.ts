// What the fault scenarios of test/topology share: a slow download to break into, where its workflow lives in the
// cluster, and the checks every scenario ends with.
import { expect } from 'vitest';
import type { Harness } from '../support/harness';
import { readyProfile, simMembers } from '../support/runs';
import { isMembershipPage, jobOf, simRequests, waitFor, type SimRequest } from '../durability/support';
import { scheduleId, type ScheduleKind } from '../../src/profiles/types';
import type { TemporalNode } from '../../topology/cluster';
import type { TopologyRun } from './support';

/** A page the simulator answers after this long: 200 pages then take long enough to break into mid-walk. */
export const PAGE_LATENCY_MS = 60;
/** Short enough that a lost worker's activity is retried within seconds (production's default is 60 s). */
export const HEARTBEAT_TIMEOUT_S = 10;
/** Fetched but not written when a fault cuts a walk: the page being written and the one fetched ahead of it. */
export const IN_FLIGHT_PAGES = 2;

const SCHEDULE_KINDS: ScheduleKind[] = ['download', 'activity', 'reconcile'];

/** A validated, published profile: its three schedules exist. */
export async function publishedProfile(h: Harness): Promise<string> {
  const profileId = await readyProfile(h, { reclaimSubscriptions: false });
  const published = await h.api('POST', `/api/profiles/${profileId}/publish`);
  expect(published.status, published.text).toBe(200);
  return profileId;
}

export const committedPages = async (h: Harness, workflowId: string): Promise<number> => (await jobOf(h, workflowId))?.counts.pages ?? 0;

/** Starts a download of the profile with the simulator slowed down; resolves once `afterPages` pages are committed. */
export async function startSlowDownload(h: Harness, profileId: string, label: string, afterPages: number): Promise<{ workflowId: string; startedAt: number }> {
  await h.simControl('DELETE', '/_sim/requests');
  await h.simControl('POST', '/_sim/faults', { latencyMs: PAGE_LATENCY_MS });
  const workflowId = `profile/${profileId}/run/download/${label}`;
  const startedAt = Date.now();
  await h.temporal.workflow.start('downloadSubscriptionsWorkflow', {
    workflowId,
    taskQueue: h.taskQueue,
    args: [{ profileId, trigger: 'on_demand', tuning: { heartbeatTimeoutSeconds: HEARTBEAT_TIMEOUT_S } }],
  });
  await waitFor(`${afterPages} pages written`, async () => (await committedPages(h, workflowId)) >= afterPages, 60_000);
  return { workflowId, startedAt };
}

/** The history shard holding the workflow, and the node that owns that shard now (its address is in the shard's record). */
export async function shardOwner(run: TopologyRun, workflowId: string): Promise<{ shard: number; node: TemporalNode | undefined }> {
  const rows = await run.temporalDb<{ shard_id: number }>('SELECT shard_id FROM executions WHERE workflow_id = $1', [workflowId]);
  const shard = rows[0]?.shard_id;
  if (shard === undefined) throw new Error(`${workflowId} is in no shard`);
  const owners = await run.temporalDb<Record<string, boolean>>(
    `SELECT ${run.topology.nodes.map((_n, i) => `position(convert_to($${i + 2}, 'UTF8') in data) > 0 AS n${i}`).join(', ')} FROM shards WHERE shard_id = $1`,
    [shard, ...run.topology.nodes.map((n) => `${n.ip}:${n.ports.history}`)],
  );
  const row = owners[0];
  return { shard, node: run.topology.nodes.find((_n, i) => row?.[`n${i}`]) };
}

/** Whether the cluster serves the workflow (its history shard answers), asked with a short deadline. */
export async function served(h: Harness, workflowId: string): Promise<boolean> {
  try {
    await h.temporal.connection.withDeadline(Date.now() + 1_000, () => h.temporal.workflow.getHandle(workflowId).describe());
    return true;
  } catch {
    return false;
  }
}

export interface PendingActivity {
  attempt: number;
  workerIdentity: string;
  lastStartedAt: number;
}

export async function pendingActivity(h: Harness, workflowId: string): Promise<PendingActivity | undefined> {
  const { raw } = await h.temporal.connection.withDeadline(Date.now() + 2_000, () => h.temporal.workflow.getHandle(workflowId).describe());
  const p = raw.pendingActivities?.[0];
  if (!p) return undefined;
  const t = p.lastStartedTime;
  return { attempt: p.attempt ?? 1, workerIdentity: p.lastWorkerIdentity ?? '', lastStartedAt: t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0 };
}

export interface CompletedWalk {
  pages: number;
  /** Membership pages the simulator answered during the run. */
  fetched: number;
  requests: SimRequest[];
}

/**
 * What every scenario ends with: the run succeeded with all its pages, one active subscription per active member,
 * one job result, and no page fetched twice beyond those in flight when a fault cut the walk.
 */
export async function expectCompletedWalk(h: Harness, profileId: string, workflowId: string, faults = 1): Promise<CompletedWalk> {
  await h.simControl('DELETE', '/_sim/faults');
  const job = (await jobOf(h, workflowId))!;
  const listed = (await simMembers(h)).filter((m) => !m.removedAt);
  const active = listed.filter((m) => m.isActive).map((m) => m.gid).sort();
  const pages = Math.ceil(listed.length / 100);
  expect(listed.length).toBeGreaterThanOrEqual(20_000);
  expect(job.status).toBe('succeeded');
  expect(job.counts).toMatchObject({ pages, members: active.length, activeSubscriptions: active.length, endedSubscriptions: 0 });
  const subs = await h.db.query<{ user_gid: string; n: number }>(
    "SELECT user_gid, count(*)::int AS n FROM subscriptions WHERE profile_id = $1 AND status = 'active' GROUP BY user_gid ORDER BY user_gid",
    [profileId],
  );
  expect(subs.map((s) => s.user_gid)).toEqual(active);
  expect(subs.filter((s) => s.n !== 1), 'one active subscription per member').toEqual([]);
  const results = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM job_results WHERE workflow_id = $1', [workflowId]);
  expect(results[0]!.n, 'one job result for the run').toBe(1);
  const requests = await simRequests(h);
  const fetched = requests.filter(isMembershipPage).length;
  expect(fetched).toBeGreaterThanOrEqual(pages);
  expect(fetched - pages, 'pages fetched again beyond those in flight').toBeLessThanOrEqual(IN_FLIGHT_PAGES * faults);
  return { pages, fetched, requests };
}

/** The profiles' schedules still describe, and none is paused. */
export async function expectSchedulesIntact(h: Harness, profileIds: string[]): Promise<number> {
  let n = 0;
  for (const profileId of profileIds) {
    for (const kind of SCHEDULE_KINDS) {
      const schedule = await h.temporal.schedule.getHandle(scheduleId(profileId, kind)).describe();
      expect(schedule.state.paused, `${kind} schedule of ${profileId} paused`).toBe(false);
      expect(schedule.info.nextActionTimes.length).toBeGreaterThan(0);
      n += 1;
    }
  }
  return n;
}
