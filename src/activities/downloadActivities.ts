import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/pool';
import type { AsanaClients } from '../profiles/asanaClients';
import { DEFAULT_MEMBERSHIP_FIELDS } from '../asana/client';
import { finishDownload, upsertMembershipPage, type DownloadSummary } from '../store/subscriptions';
import { addJobCounts, commitWalkProgress, getJobProgress } from '../store/jobs';
import { withAsanaFailures } from './asanaFailures';
import { openRunContext } from './runContext';

/** Where a membership walk stands: heartbeated, and committed with each page, so a retry resumes there. */
export interface WalkProgress {
  offset: string | null;
  pages: number;
  members: number;
}

export function createDownloadActivities(deps: { db: Db; asana: AsanaClients }) {
  return {
    /**
     * Pages through the organization's memberships (never `/users`, which Asana caps at 2,000) and upserts
     * each page. After a crash the retry starts from the cursor committed with the last page written: it
     * says exactly what is in the database (a heartbeat can only lag it, or, after a database crash lost
     * the newest commits, run ahead of it). The heartbeated cursor is the fallback.
     */
    async downloadMemberships(input: { profileId: string; jobId: string; transientRetries?: number }): Promise<WalkProgress & { resumedAtPage: number | null; fetched: number }> {
      const ctx = Context.current();
      const heartbeated = ctx.info.heartbeatDetails as WalkProgress | undefined;
      const committed = (await getJobProgress(deps.db, input.jobId)) as WalkProgress | null;
      const resumed = committed ?? heartbeated;
      // A copy: the walk moves `progress` on, while `resumed` must keep saying where this attempt began.
      const progress: WalkProgress = resumed ? { ...resumed } : { offset: null, pages: 0, members: 0 };
      // Pages written and no next offset: the walk had ended, only its completion never reached Temporal (the
      // worker died just after the last page, or the server was unreachable for longer than the worker retries
      // the report). Walking again from page one would fetch every page twice and count every member twice.
      const walked = resumed !== undefined && resumed.pages > 0 && resumed.offset === null;
      return withAsanaFailures(deps, input.profileId, async () => {
        const { asana, workspaceGid } = await openRunContext(deps, input.profileId, { progress: () => progress, transientRetries: input.transientRetries });
        if (resumed) ctx.log.info('resuming membership walk', { page: resumed.pages });
        let fetched = 0;
        const ensured = new Set<string>();
        const pages = walked ? [] : asana.workspaceMembershipPages(workspaceGid, { optFields: DEFAULT_MEMBERSHIP_FIELDS, limit: 100, offset: progress.offset ?? undefined });
        for await (const page of pages) {
          fetched += 1;
          const next: WalkProgress = { offset: page.nextOffset, pages: progress.pages + 1, members: progress.members };
          // A page lost to a database crash is walked again from Asana (its cursor is lost with it), so the
          // commit need not wait for the WAL flush; that wait would otherwise dominate a walk's writes.
          await deps.db.withTransaction(async (tx) => {
            next.members += await upsertMembershipPage(tx, input.profileId, input.jobId, page.data, ensured);
            await commitWalkProgress(tx, input.jobId, next);
          }, { asyncCommit: true });
          Object.assign(progress, next);
          ctx.heartbeat(progress);
        }
        if (progress.members === 0) {
          // An organization always has at least the admin who authorized us: ending everyone would be wrong.
          throw ApplicationFailure.nonRetryable('Asana listed no members; nothing was changed.', 'EmptyMembership');
        }
        if (resumed) await addJobCounts(deps.db, input.jobId, { resumedAtPage: resumed.pages });
        return { ...progress, resumedAtPage: resumed?.pages ?? null, fetched };
      });
    },

    async finishDownload(input: { profileId: string; jobId: string }): Promise<DownloadSummary> {
      return finishDownload(deps.db, input.profileId, input.jobId);
    },
  };
}
