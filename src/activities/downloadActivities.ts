import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/pool';
import type { AsanaClients } from '../profiles/asanaClients';
import { DEFAULT_MEMBERSHIP_FIELDS } from '../asana/client';
import { finishDownload, writeMembershipPage, type DownloadSummary } from '../store/subscriptions';
import { addJobCounts, claimWalk } from '../store/jobs';
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
      // This attempt's claim: an earlier attempt still running (the server gave up on it while a history shard
      // moved) writes nothing more from here on, so the two never walk on side by side.
      const { claim, progress: committed } = await claimWalk(deps.db, input.jobId);
      const resumed = (committed as WalkProgress | null) ?? heartbeated;
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
        const pages = walked ? undefined : asana.workspaceMembershipPages(workspaceGid, { optFields: DEFAULT_MEMBERSHIP_FIELDS, limit: 100, offset: progress.offset ?? undefined });
        // One page ahead: the next page is asked for while this one is written, so the walk takes Asana's
        // time rather than Asana's plus the database's. Only written pages move the committed cursor, so a
        // crash costs at most the page being written and the one prefetched, and skips none.
        let ahead = pages?.next();
        try {
          while (ahead) {
            const step = await ahead;
            if (step.done) break;
            ahead = pages!.next();
            // Settled below whatever happens; a write that throws first must not leave it unhandled.
            ahead.catch(() => undefined);
            const page = step.value;
            fetched += 1;
            // One turn of the event loop first, so the next page's request goes out before this page's rows are
            // built and sent to the database (which would otherwise hold it back by their CPU time).
            await new Promise<void>((resolve) => setImmediate(resolve));
            Object.assign(
              progress,
              await writeMembershipPage(deps.db, { profileId: input.profileId, jobId: input.jobId, page: page.data, nextOffset: page.nextOffset, before: progress, claim, ensured }),
            );
            ctx.heartbeat(progress);
          }
        } finally {
          // A walk that stops early (a failed write) lets the request in flight end and asks for no more.
          void pages?.return(undefined).catch(() => undefined);
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
