import { Context } from '@temporalio/activity';
import type { Db } from '../db/pool';
import type { Metrics } from '../metrics';
import type { AsanaClients } from '../profiles/asanaClients';
import { newerActivityCheck } from './newerActivity';
import { countReclaimTargets, markDryRun, nextReclaimTargets, planReclaim, reclaimOutcome, type ReclaimPlan } from '../store/candidates';
import { getProfileRow } from '../store/profiles';
import { addJobCounts } from '../store/jobs';
import { withOptionDefaults } from '../profiles/options';
import { reclaimOne } from './reclaimOne';
import { withAsanaFailures } from './asanaFailures';
import { openRunContext, runClientOptions } from './runContext';

export function createReclaimActivities(deps: { db: Db; asana: AsanaClients; metrics?: Metrics }) {
  return {
    /** Picks this run's candidates within the cap; in a dry run, records them as what would be reclaimed. */
    async planReclaim(input: { profileId: string; jobId: string }): Promise<ReclaimPlan & { dryRun: boolean }> {
      const profile = await getProfileRow(deps.db, input.profileId);
      const options = withOptionDefaults(profile?.options ?? {});
      const plan = await planReclaim(deps.db, { profileId: input.profileId, jobId: input.jobId, capPercent: options.reclaimCapPercent });
      // The cap is the run's from now on: reclaims that come out of reviews meanwhile count against it too.
      await addJobCounts(deps.db, input.jobId, { activeSeats: plan.activeSeats, cap: plan.cap, selected: plan.selected });
      if (options.reclaimDryRun) await markDryRun(deps.db, input);
      return { ...plan, dryRun: options.reclaimDryRun };
    },

    /**
     * Reclaims up to `batchSize` of this job's candidates, one at a time: checks each again, then removes
     * the member. Returns how many are left, so the workflow can loop (and report progress) between batches.
     */
    async reclaimBatch(input: { profileId: string; jobId: string; batchSize: number; transientRetries?: number; actor?: string }): Promise<{ processed: number; remaining: number }> {
      const ctx = Context.current();
      return withAsanaFailures(deps, input.profileId, async () => {
        const progress = () => ({ processed: 0 });
        const { asana, connection, workspaceGid, options } = await openRunContext(deps, input.profileId, { progress, transientRetries: input.transientRetries });
        const newerActivity = await newerActivityCheck(deps, { connection, options, workspaceGid, clientOptions: runClientOptions(ctx, progress, input.transientRetries) });
        const targets = await nextReclaimTargets(deps.db, { ...input, limit: input.batchSize });
        let processed = 0;
        for (const target of targets) {
          await reclaimOne({ db: deps.db, asana, workspaceGid, profileId: input.profileId, target, newerActivity, metrics: deps.metrics, actor: input.actor ?? 'schedule' });
          processed += 1;
          ctx.heartbeat({ processed });
        }
        return { processed, remaining: await countReclaimTargets(deps.db, input) };
      });
    },

    async reclaimOutcome(input: { jobId: string }): Promise<Record<string, number>> {
      return reclaimOutcome(deps.db, input.jobId);
    },
  };
}
