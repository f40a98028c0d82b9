import { executeChild, ParentClosePolicy, workflowInfo } from '@temporalio/workflow';
import type { Counts, RunInput } from '../../runs/types';
import { JOB_KIND, PROFILE_ID } from '../../temporal/searchAttributes';
import { shortActivities, heartbeatingActivities } from './activities';
import { runAsJob, wasSkipped } from './job';
import { reclaimWorkflow } from './reclaim';
import { runDetails, runSummary } from '../../runs/summaries';

/**
 * Refresh activity and analyse: read each activity source the profile uses (stories, the audit log) from where
 * it stopped, turn inactivity into removal candidates, then (when reclaimSubscriptions is on) reclaim as a child
 * run with its own job result.
 */
export async function refreshActivityWorkflow(input: RunInput): Promise<Counts> {
  const counts = await runAsJob('activity', input, async (jobId) => {
    const { sources } = await shortActivities.planActivitySources({ profileId: input.profileId });
    const walk = heartbeatingActivities(input.tuning);
    const base = { profileId: input.profileId, jobId, transientRetries: input.tuning?.transientRetries };
    // The sources have a token (and rate-limit budget) each, so they are read side by side.
    const reads = await Promise.all(
      sources.map((source) => (source === 'stories' ? walk.walkStories({ ...base, concurrency: input.tuning?.storyConcurrency }) : walk.pullAuditLog({ ...base, concurrency: input.tuning?.auditLogConcurrency }))),
    );
    const analysisStarted = new Date(Date.now() - 60_000).toISOString();
    const analysis = await shortActivities.analyzeActivity({ profileId: input.profileId, jobId, reads });
    // Notify and wait: reviews of candidates closed just now stop; new candidates of such rules get one.
    const { signaled } = await shortActivities.signalClosedReviews({ profileId: input.profileId, since: analysisStarted });
    const { reclaimSubscriptions } = await shortActivities.loadRunSettings({ profileId: input.profileId });
    const reviews = reclaimSubscriptions ? await shortActivities.startCandidateReviews({ profileId: input.profileId }) : { started: 0, unsent: 0 };
    const sourceCounts = Object.assign({}, ...reads.map((r) => r.counts)) as Counts;
    return {
      ...sourceCounts,
      sourcesRead: reads.filter((r) => r.readable).length,
      sourcesUnavailable: reads.filter((r) => !r.readable).length,
      ...analysis,
      reviewsStarted: reviews.started,
      reviewsEnded: signaled,
      notifyUnsent: reviews.unsent,
    };
  });
  if (wasSkipped(counts)) return counts;
  const settings = await shortActivities.loadRunSettings({ profileId: input.profileId });
  if (settings.reclaimSubscriptions) {
    await executeChild(reclaimWorkflow, {
      workflowId: `${workflowInfo().workflowId}/reclaim`,
      args: [{ profileId: input.profileId, trigger: 'after_activity', tuning: input.tuning, requestedBy: input.requestedBy }],
      staticSummary: runSummary('reclaim', settings.displayName),
      staticDetails: runDetails('reclaim', input.profileId, 'after_activity'),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: PROFILE_ID, value: input.profileId },
        { key: JOB_KIND, value: 'reclaim' },
      ],
    });
  }
  return counts;
}
