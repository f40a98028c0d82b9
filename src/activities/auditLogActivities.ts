import { Context } from '@temporalio/activity';
import type { Db } from '../db/pool';
import type { AsanaClients } from '../profiles/asanaClients';
import { AsanaApiError, AsanaAuthError } from '../asana/errors';
import { auditEventCounts } from '../runs/activitySources';
import { applyAuditPage, getActivityCursor, newestPerPerson, openActivityCursor, setCursorStatus } from '../store/activity';
import { getJobCounts, incrementJobCounts } from '../store/jobs';
import { withAsanaFailures } from './asanaFailures';
import { openRunContext, runClientOptions } from './runContext';
import type { SourceRead } from './sourceRead';

const NO_SERVICE_ACCOUNT =
  "The audit log needs a Service Account token on Enterprise or Enterprise+; the connection holds none. Add one as connection.serviceAccountToken, or leave activitySources on auto: activity will come from stories.";

export function createAuditLogActivities(deps: { db: Db; asana: AsanaClients }) {
  return {
    /**
     * Streams audit-log events, as the connection's Service Account (the only credential Asana lets read it),
     * from the stored watermark (the first time: from analyzeActivityFrom) until Asana answers an empty page.
     * Only meaningful events count: the person acted (never only a target), never a failed login, logins and
     * other events as the profile's meaningfulActivity says. Each page, the watermark and the job's counts are
     * written in one transaction, so a retry resumes after the last page written and counts every event once.
     */
    async pullAuditLog(input: { profileId: string; jobId: string; transientRetries?: number }): Promise<SourceRead> {
      const ctx = Context.current();
      let progress = { watermark: null as string | null, pages: 0 };
      return withAsanaFailures(deps, input.profileId, async (): Promise<SourceRead> => {
        const { connection, workspaceGid, options } = await openRunContext(deps, input.profileId, { progress: () => progress });
        const asana = await deps.asana.forServiceAccount(connection, runClientOptions(ctx, () => progress, input.transientRetries));
        const cursor = (await getActivityCursor(deps.db, input.profileId, 'auditLog')) ?? (await openActivityCursor(deps.db, input.profileId, 'auditLog', new Date(options.analyzeActivityFrom)));
        const unavailable = async (detail: string): Promise<SourceRead> => {
          await setCursorStatus(deps.db, input.profileId, 'auditLog', 'unavailable', detail);
          return { source: 'auditLog', readable: false, detail, counts: {} };
        };
        if (!asana) return unavailable(NO_SERVICE_ACCOUNT);
        await setCursorStatus(deps.db, input.profileId, 'auditLog', 'in_progress', null);
        progress = { watermark: cursor.watermark, pages: (await getJobCounts(deps.db, input.jobId)).auditPages ?? 0 };
        try {
          const pages = asana.auditLogEventPages(workspaceGid, {
            actorType: 'user',
            limit: 100,
            ...(cursor.watermark ? { offset: cursor.watermark } : { startAt: cursor.coverageStart.toISOString() }),
          });
          for await (const page of pages) {
            const latest = new Map<string, string>();
            for (const e of page.data) {
              if (e.actor?.actor_type === 'user' && e.actor.gid && auditEventCounts(e.event_type, options.meaningfulActivity)) newestPerPerson(latest, e.actor.gid, e.created_at);
            }
            // As for membership pages: a page lost to a database crash is read again from its watermark.
            await deps.db.withTransaction(async (tx) => {
              await applyAuditPage(tx, input.profileId, latest, page.data.length, page.nextOffset);
              await incrementJobCounts(tx, input.jobId, { auditEvents: page.data.length, auditPages: 1 });
            }, { asyncCommit: true });
            progress = { watermark: page.nextOffset ?? progress.watermark, pages: progress.pages + 1 };
            ctx.heartbeat(progress);
          }
        } catch (err) {
          if (err instanceof AsanaApiError && (err.status === 402 || err.status === 403)) {
            const remedy = err.status === 402 ? 'The audit log is part of Enterprise and Enterprise+ only.' : 'Check that the token is a Service Account token of this organization.';
            return unavailable(`Asana refused the audit log (${err.status}): ${err.message}. ${remedy}`);
          }
          if (err instanceof AsanaAuthError && err.reason === 'service_account_rejected') return unavailable(err.message);
          await setCursorStatus(deps.db, input.profileId, 'auditLog', 'failed', (err as Error).message);
          throw err;
        }
        await setCursorStatus(deps.db, input.profileId, 'auditLog', 'caught_up', null);
        const counts = await getJobCounts(deps.db, input.jobId);
        return { source: 'auditLog', readable: true, detail: null, counts: { auditEvents: counts.auditEvents ?? 0, auditPages: counts.auditPages ?? 0 } };
      });
    },
  };
}
