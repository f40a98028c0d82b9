import type { Counts, RunInput } from '../../runs/types';
import { shortActivities } from './activities';
import { runAsJob } from './job';

/** Reconcile: the licence position of every model, kept with its time (weekly by schedule, or on demand). */
export async function reconcileWorkflow(input: RunInput): Promise<Counts> {
  return runAsJob('reconcile', input, async (jobId) => ({ ...(await shortActivities.reconcileLicences({ profileId: input.profileId, jobId })) }));
}
