import { ActivityFailure, ApplicationFailure, ContinueAsNew, uuid4, workflowInfo } from '@temporalio/workflow';
import type { Counts, JobKind, RunInput } from '../../runs/types';
import { bookkeeping } from './activities';

/**
 * Wraps a run in its job result: written when the run starts, completed with its counts or its error.
 * A failed run still fails in Temporal (red in the UI) after the job result says why.
 */
export async function runAsJob(kind: JobKind, input: RunInput, body: (jobId: string) => Promise<Counts>, existingJobId?: string): Promise<Counts> {
  const info = workflowInfo();
  const jobId =
    existingJobId ??
    (await bookkeeping.startJob({
      id: uuid4(),
      profileId: input.profileId,
      kind,
      trigger: input.trigger ?? 'schedule',
      workflowId: info.workflowId,
      runId: info.runId,
    }));
  try {
    const counts = await body(jobId);
    await bookkeeping.finishJob({ jobId, status: 'succeeded', counts });
    return counts;
  } catch (err) {
    // Continuing as new is not an ending: the next run completes the same job result.
    if (err instanceof ContinueAsNew) throw err;
    await bookkeeping.finishJob({ jobId, status: 'failed', counts: {}, error: describeFailure(err) });
    throw err;
  }
}

/** The message an operator can act on: the innermost application failure's. */
export function describeFailure(err: unknown): string {
  let current: unknown = err;
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  if (current instanceof ApplicationFailure) return current.type ? `${current.message} (${current.type})` : current.message;
  return current instanceof Error ? current.message : String(current);
}
