import { executeChild, ParentClosePolicy, workflowInfo } from '@temporalio/workflow';
import type { Counts, RunInput } from '../../runs/types';
import { JOB_KIND, PROFILE_ID } from '../../temporal/searchAttributes';
import { shortActivities, heartbeatingActivities } from './activities';
import { runAsJob, wasSkipped } from './job';
import { reclaimWorkflow } from './reclaim';

/**
 * Refresh activity and analyse: stream the audit log from the watermark, turn inactivity into removal
 * candidates, then (when reclaimSubscriptions is on) reclaim as a child run with its own job result.
 */
export async function refreshActivityWorkflow(input: RunInput): Promise<Counts> {
  const counts = await runAsJob('activity', input, async (jobId) => {
    const pull = await heartbeatingActivities(input.tuning).pullAuditLog({ profileId: input.profileId, jobId, transientRetries: input.tuning?.transientRetries });
    const analysisStarted = new Date(Date.now() - 60_000).toISOString();
    const analysis = await shortActivities.analyzeActivity({ profileId: input.profileId, jobId, activityReadable: pull.readable });
    // Notify and wait: reviews of candidates closed just now stop; new candidates of such rules get one.
    const { signaled } = await shortActivities.signalClosedReviews({ profileId: input.profileId, since: analysisStarted });
    const { reclaimSubscriptions } = await shortActivities.loadRunSettings({ profileId: input.profileId });
    const reviews = reclaimSubscriptions ? await shortActivities.startCandidateReviews({ profileId: input.profileId }) : { started: 0, unsent: 0 };
    return { events: pull.events, pages: pull.pages, usersWithActivity: pull.usersWithActivity, ...analysis, reviewsStarted: reviews.started, reviewsEnded: signaled, notifyUnsent: reviews.unsent };
  });
  if (wasSkipped(counts)) return counts;
  const settings = await shortActivities.loadRunSettings({ profileId: input.profileId });
  if (settings.reclaimSubscriptions) {
    await executeChild(reclaimWorkflow, {
      workflowId: `${workflowInfo().workflowId}/reclaim`,
      args: [{ profileId: input.profileId, trigger: 'after_activity', tuning: input.tuning }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: PROFILE_ID, value: input.profileId },
        { key: JOB_KIND, value: 'reclaim' },
      ],
    });
  }
  return counts;
}
