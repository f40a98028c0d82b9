import { ActivityFailure, ApplicationFailure, CancellationScope, ContinueAsNew, uuid4, workflowInfo } from '@temporalio/workflow';
import { runActor, type Counts, type JobKind, type RunInput } from '../../runs/types';
import { shortActivities } from './activities';

/** What a run that found another of its kind in progress answers (it did nothing). */
export const SKIPPED: Counts = { skipped: 1 };

export const wasSkipped = (counts: Counts): boolean => counts.skipped === 1 && Object.keys(counts).length === 1;

/**
 * Wraps a run in its job result: written when the run starts, completed with its counts or its error.
 * A failed run still fails in Temporal (red in the UI) after the job result says why. Before anything
 * else the run claims the profile's slot for its kind, so two runs of one kind never overlap whatever
 * started them; a run that cannot claim it records itself as skipped, naming the run in progress.
 */
export async function runAsJob(kind: JobKind, input: RunInput, body: (jobId: string) => Promise<Counts>, existingJobId?: string): Promise<Counts> {
  const info = workflowInfo();
  const lease = { profileId: input.profileId, kind, workflowId: info.workflowId };
  const audit = { profileId: input.profileId, kind, actor: runActor(input) };
  const start = () =>
    shortActivities.startJob({ id: uuid4(), profileId: input.profileId, kind, trigger: input.trigger ?? 'schedule', workflowId: info.workflowId, runId: info.runId });
  // A run that continued as new already holds the slot and its job result.
  if (existingJobId === undefined) {
    const claim = await shortActivities.claimRun(lease);
    if (!claim.acquired) {
      const jobId = await start();
      const error = `Skipped: a ${kind} run of this profile is already running (${claim.holder}); this one did nothing.`;
      await shortActivities.finishJob({ jobId, status: 'skipped', counts: {}, error, ...audit });
      return SKIPPED;
    }
  }
  const jobId = existingJobId ?? (await start());
  let continuing = false;
  try {
    const counts = await body(jobId);
    await shortActivities.finishJob({ jobId, status: 'succeeded', counts, ...audit });
    return counts;
  } catch (err) {
    // Continuing as new is not an ending: the next run completes the same job result, holding the same slot.
    if (err instanceof ContinueAsNew) {
      continuing = true;
      throw err;
    }
    await shortActivities.finishJob({ jobId, status: 'failed', counts: {}, error: describeFailure(err), ...audit });
    throw err;
  } finally {
    // Released even when the run is being cancelled, so the next run need not wait for a takeover.
    if (!continuing) await CancellationScope.nonCancellable(() => shortActivities.releaseRun(lease));
  }
}

/** The message an operator can act on: the innermost application failure's. */
export function describeFailure(err: unknown): string {
  let current: unknown = err;
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  if (current instanceof ApplicationFailure) return current.type ? `${current.message} (${current.type})` : current.message;
  return current instanceof Error ? current.message : String(current);
}
