import type { Client } from '@temporalio/client';
import type { Db } from '../db/pool';
import type { Metrics } from '../metrics';
import { acquireRunLease, finishJobResult, releaseRunLease, startJobResult, type FinishedStatus, type LeaseOutcome } from '../store/jobs';
import type { Counts, JobKind, JobTrigger } from '../runs/types';
import { getProfileRow } from '../store/profiles';
import { appendAuditEvent } from '../store/audit';
import { withOptionDefaults } from '../profiles/options';
import { workflowIsRunning } from '../temporal/workflowStatus';

interface LeaseInput {
  profileId: string;
  kind: JobKind;
  workflowId: string;
}

export function createJobActivities(deps: { db: Db; temporal: Client; metrics?: Metrics }) {
  const isRunning = workflowIsRunning(deps.temporal);
  return {
    /** Claims the profile's slot for runs of this kind; a run that cannot have it does nothing. */
    async claimRun(input: LeaseInput): Promise<LeaseOutcome> {
      return deps.db.withTransaction((tx) => acquireRunLease(tx, input, isRunning));
    },

    async releaseRun(input: LeaseInput): Promise<void> {
      await releaseRunLease(deps.db, input);
    },

    async startJob(input: { id: string; profileId: string; kind: JobKind; trigger: JobTrigger; workflowId: string; runId: string }): Promise<string> {
      return startJobResult(deps.db, input);
    },

    /** Completes the job result, and records how the run ended in the audit trail (with who asked for it). */
    async finishJob(input: { jobId: string; status: FinishedStatus; counts: Counts; error?: string | null; profileId?: string; kind?: JobKind; actor?: string }): Promise<void> {
      const finished = await finishJobResult(deps.db, input.jobId, input);
      if (finished && input.actor && input.profileId) {
        await appendAuditEvent(deps.db, {
          actor: input.actor,
          action: `run.${input.kind ?? finished.kind}.${input.status}`,
          profileId: input.profileId,
          objectType: 'job',
          objectId: input.jobId,
          after: { counts: input.counts, error: input.error ?? null },
        }, { once: true });
      }
      if (finished && deps.metrics) {
        deps.metrics.runs.inc({ kind: finished.kind, outcome: input.status });
        deps.metrics.runDuration.observe({ kind: finished.kind, outcome: input.status }, finished.seconds);
      }
    },

    /** The options a run follows, read when it runs (an option changed since the schedule was made counts). */
    async loadRunSettings(input: { profileId: string }): Promise<{ exists: boolean; displayName: string; downloadActivity: boolean; reclaimSubscriptions: boolean }> {
      const profile = await getProfileRow(deps.db, input.profileId);
      if (!profile) return { exists: false, displayName: input.profileId, downloadActivity: false, reclaimSubscriptions: false };
      const options = withOptionDefaults(profile.options);
      return { exists: true, displayName: profile.display_name, downloadActivity: options.downloadActivity, reclaimSubscriptions: options.reclaimSubscriptions };
    },
  };
}
