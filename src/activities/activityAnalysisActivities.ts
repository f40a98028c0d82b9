import { Context } from '@temporalio/activity';
import type { Db } from '../db/pool';
import type { AsanaClients } from '../profiles/asanaClients';
import { AsanaApiError } from '../asana/errors';
import { applyAuditPage, countPeopleWithActivity, getActivityCursor, openActivityCursor, setCursorStatus } from '../store/activity';
import { analyzeActivity, type AnalysisCounts } from '../store/candidates';
import { addJobCounts, getJobCounts } from '../store/jobs';
import { withAsanaFailures } from './asanaFailures';
import { openRunContext } from './runContext';

export interface PullSummary {
  /** False when Asana refused the audit log: the analysis then makes no candidate from missing events. */
  readable: boolean;
  events: number;
  pages: number;
  /** People with a recorded last activity after the pull (each counted once). */
  usersWithActivity: number;
  detail: string | null;
}

export function createActivityAnalysisActivities(deps: { db: Db; asana: AsanaClients }) {
  return {
    /**
     * Streams audit-log events from the stored watermark (the first time: from analyzeActivityFrom) until
     * Asana answers an empty page. Each page and the new watermark are written in one transaction, so a
     * retry resumes exactly after the last page written. The job's counts are committed with each page
     * too, so after a retry they still cover the whole run: every event once, however many attempts.
     */
    async pullAuditLog(input: { profileId: string; jobId: string; transientRetries?: number }): Promise<PullSummary> {
      const ctx = Context.current();
      const summary: PullSummary = { readable: true, events: 0, pages: 0, usersWithActivity: 0, detail: null };
      let watermark: string | null = null;
      return withAsanaFailures(deps, input.profileId, async () => {
        const { asana, workspaceGid, options } = await openRunContext(deps, input.profileId, {
          progress: () => ({ watermark, pages: summary.pages }),
          transientRetries: input.transientRetries,
        });
        const cursor = (await getActivityCursor(deps.db, input.profileId)) ?? (await openActivityCursor(deps.db, input.profileId, new Date(options.analyzeActivityFrom)));
        await setCursorStatus(deps.db, input.profileId, 'in_progress', null);
        watermark = cursor.watermark;
        const sofar = await getJobCounts(deps.db, input.jobId);
        summary.events = sofar.events ?? 0;
        summary.pages = sofar.pages ?? 0;
        try {
          const pages = asana.auditLogEventPages(workspaceGid, {
            actorType: 'user',
            limit: 100,
            ...(watermark ? { offset: watermark } : { startAt: cursor.coverageStart.toISOString() }),
          });
          for await (const page of pages) {
            // As for membership pages: a page lost to a database crash is read again from its watermark.
            await deps.db.withTransaction(async (tx) => {
              await applyAuditPage(tx, input.profileId, page.data, page.nextOffset);
              await addJobCounts(tx, input.jobId, { events: summary.events + page.data.length, pages: summary.pages + 1 });
            }, { asyncCommit: true });
            summary.pages += 1;
            summary.events += page.data.length;
            watermark = page.nextOffset ?? watermark;
            ctx.heartbeat({ watermark, pages: summary.pages });
          }
        } catch (err) {
          if (err instanceof AsanaApiError && (err.status === 402 || err.status === 403)) {
            const detail = `Asana refused the audit log (${err.status}): ${err.message}`;
            await setCursorStatus(deps.db, input.profileId, 'unavailable', detail);
            return { ...summary, readable: false, detail };
          }
          await setCursorStatus(deps.db, input.profileId, 'failed', (err as Error).message);
          throw err;
        }
        await setCursorStatus(deps.db, input.profileId, 'caught_up', null);
        return { ...summary, usersWithActivity: await countPeopleWithActivity(deps.db, input.profileId) };
      });
    },

    async analyzeActivity(input: { profileId: string; jobId: string; activityReadable: boolean }): Promise<AnalysisCounts> {
      return analyzeActivity(deps.db, input);
    },
  };
}
