import type { Counts, RunInput } from '../../runs/types';
import { bookkeeping, walkers } from './activities';
import { runAsJob } from './job';

/** Download subscriptions: walk every membership page, then end the subscriptions of those who left. */
export async function downloadSubscriptionsWorkflow(input: RunInput): Promise<Counts> {
  return runAsJob('download', input, async (jobId) => {
    const walk = await walkers(input.tuning).downloadMemberships({ profileId: input.profileId, jobId, transientRetries: input.tuning?.transientRetries });
    const summary = await bookkeeping.finishDownload({ profileId: input.profileId, jobId });
    return {
      pages: walk.pages,
      members: walk.members,
      ...(walk.resumedAtPage !== null ? { resumedAtPage: walk.resumedAtPage } : {}),
      ...summary,
    };
  });
}
