import type { Counts, RunInput } from '../../runs/types';
import { shortActivities, heartbeatingActivities } from './activities';
import { runAsJob } from './job';

/** Download subscriptions: walk every membership page, then end the subscriptions of those who left. */
export async function downloadSubscriptionsWorkflow(input: RunInput): Promise<Counts> {
  return runAsJob('download', input, async (jobId) => {
    const walk = await heartbeatingActivities(input.tuning).downloadMemberships({ profileId: input.profileId, jobId, transientRetries: input.tuning?.transientRetries });
    const summary = await shortActivities.finishDownload({ profileId: input.profileId, jobId });
    return {
      pages: walk.pages,
      members: walk.members,
      ...(walk.resumedAtPage !== null ? { resumedAtPage: walk.resumedAtPage } : {}),
      ...summary,
    };
  });
}
