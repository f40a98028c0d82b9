// Plain data shared by the run workflows, their activities and the API.
import type { ScheduleKind } from '../profiles/types';

export type JobKind = 'download' | 'activity' | 'reclaim' | 'reconcile';
export type JobTrigger = 'schedule' | 'on_demand' | 'after_activity';
export const JOB_KINDS: readonly JobKind[] = ['download', 'activity', 'reclaim', 'reconcile'];

/** Knobs an operator (or a test) can turn per run; the defaults suit production. */
export interface RunTuning {
  /** How long an activity may go without a heartbeat before Temporal retries it elsewhere. */
  heartbeatTimeoutSeconds?: number;
  /** How many candidates one reclaim activity handles before reporting back. */
  reclaimBatchSize?: number;
  /** How often a GET that meets a 5xx or network error is retried inside the activity (default 4). */
  transientRetries?: number;
  /** How many projects the stories walk reads at once (default 8). */
  storyConcurrency?: number;
  /** How many time slices of the audit log's first read are read at once (default 8; 1: one stream). */
  auditLogConcurrency?: number;
}

/** What a schedule (or `POST .../runs`) passes to a run workflow. */
export interface RunInput {
  profileId: string;
  trigger?: JobTrigger;
  tuning?: RunTuning;
  /** Who asked for the run (the token's name, for the audit trail); unset: its schedule. */
  requestedBy?: string;
}

/** Who the audit trail names for what a run decides. */
export const runActor = (input: { requestedBy?: string }): string => input.requestedBy ?? 'schedule';

/** Counts a run reports; never lists of users (payloads stay small whatever the organization's size). */
export type Counts = Record<string, number>;

/** The workflow each kind of run is; the API's on-demand runs and the schedules start these. */
export const runWorkflowType: Record<JobKind, string> = {
  download: 'downloadSubscriptionsWorkflow',
  activity: 'refreshActivityWorkflow',
  reclaim: 'reclaimWorkflow',
  reconcile: 'reconcileWorkflow',
};

/** What each of a profile's schedules starts (reclaim has none: it runs after each activity run). */
export const scheduleWorkflowType: Record<ScheduleKind, string> = runWorkflowType;
