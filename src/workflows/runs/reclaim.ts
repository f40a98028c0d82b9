import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import { runActor, type Counts, type RunInput } from '../../runs/types';
import { shortActivities, heartbeatingActivities } from './activities';
import { runAsJob } from './job';

export interface ReclaimInput extends RunInput {
  /** Set when the run continued as new: the job (and its plan) it carries on. */
  jobId?: string;
  planned?: Counts;
}

const DEFAULT_BATCH = 25;

/**
 * Reclaim: plan within the per-run cap, then remove candidates batch by batch. Progress lives in the
 * database (each candidate's state), so retries and continue-as-new never remove anyone twice.
 */
export async function reclaimWorkflow(input: ReclaimInput): Promise<Counts> {
  return runAsJob(
    'reclaim',
    input,
    async (jobId) => {
      const planned =
        input.planned ??
        (await (async () => {
          const plan = await shortActivities.planReclaim({ profileId: input.profileId, jobId });
          return { activeSeats: plan.activeSeats, cap: plan.cap, selected: plan.selected, overCap: plan.overflow, dryRun: plan.dryRun ? 1 : 0 };
        })());
      if (!planned.dryRun) {
        const batchSize = input.tuning?.reclaimBatchSize ?? DEFAULT_BATCH;
        for (let remaining = planned.selected; remaining > 0; ) {
          if (workflowInfo().continueAsNewSuggested) {
            await continueAsNew<typeof reclaimWorkflow>({ ...input, jobId, planned });
          }
          ({ remaining } = await heartbeatingActivities(input.tuning).reclaimBatch({ profileId: input.profileId, jobId, batchSize, transientRetries: input.tuning?.transientRetries, actor: runActor(input) }));
        }
      }
      return { ...planned, ...(await shortActivities.reclaimOutcome({ jobId })) };
    },
    input.jobId,
  );
}
