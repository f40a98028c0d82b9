import { Context } from '@temporalio/activity';
import type { Db, Tx } from '../db/pool';
import type { AsanaClient } from '../asana/client';
import type { AuditLogEvent, Page } from '../asana/types';
import type { AsanaClients } from '../profiles/asanaClients';
import type { ProfileOptions } from '../profiles/types';
import { AsanaApiError, AsanaAuthError } from '../asana/errors';
import { auditEventCounts } from '../runs/activitySources';
import {
  applyAuditPage,
  applySlicePage,
  getActivityCursor,
  getBackfillSlices,
  newestPerPerson,
  openActivityCursor,
  planBackfill,
  setCursorStatus,
  type ActivityCursor,
  type BackfillSlice,
} from '../store/activity';
import { getJobCounts, incrementJobCounts } from '../store/jobs';
import { withAsanaFailures } from './asanaFailures';
import { DEFAULT_AUDIT_LOG_CONCURRENCY, planSlices } from './auditLogSlices';
import { forEachConcurrently } from './concurrently';
import { openRunContext, runClientOptions } from './runContext';
import type { SourceRead } from './sourceRead';

const NO_SERVICE_ACCOUNT =
  "The audit log needs a Service Account token on Enterprise or Enterprise+; the connection holds none. Add one as connection.serviceAccountToken, or leave activitySources on auto: activity will come from stories.";
const PAGE_LIMIT = 100;

/** What a pull heartbeats: the stream's watermark, pages read by the run, and the backfill's slices still open. */
export interface AuditLogProgress {
  watermark: string | null;
  pages: number;
  slicesLeft?: number;
}

interface Pull {
  asana: AsanaClient;
  workspaceGid: string;
  profileId: string;
  /** Commits one page (its events folded in by `write`) with the job's counts, then heartbeats where the pull stands. */
  commit: (page: Page<AuditLogEvent>, write: (tx: Tx, latest: Map<string, string>) => Promise<void>, stands?: Partial<AuditLogProgress>) => Promise<void>;
}

export function createAuditLogActivities(deps: { db: Db; asana: AsanaClients }) {
  return {
    /**
     * Reads audit-log events, as the connection's Service Account (the only credential Asana lets read it). Only
     * meaningful events count: the person acted (never only a target), never a failed login, logins and other
     * events as the profile's meaningfulActivity says. Each page, its offset and the job's counts are written in
     * one transaction, so a retry resumes after the last page written and counts every event once.
     *
     * The first read (from analyzeActivityFrom) is split into time slices read `concurrency` at a time, so it is
     * bound by the token's rate limit rather than by one request after another; each slice resumes from its own
     * offset. The newest slice has no end and its offset is the watermark: every later read is one stream from
     * there until Asana answers an empty page. A concurrency of 1 reads the first time as one stream too.
     */
    async pullAuditLog(input: { profileId: string; jobId: string; transientRetries?: number; concurrency?: number }): Promise<SourceRead> {
      const ctx = Context.current();
      let progress: AuditLogProgress = { watermark: null, pages: 0 };
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
        const pull: Pull = {
          asana,
          workspaceGid,
          profileId: input.profileId,
          commit: async (page, write, stands) => {
            const latest = newestMeaningful(page.data, options);
            // As for membership pages: a page lost to a database crash is read again from its offset.
            await deps.db.withTransaction(async (tx) => {
              await write(tx, latest);
              await incrementJobCounts(tx, input.jobId, { auditEvents: page.data.length, auditPages: 1 });
            }, { asyncCommit: true });
            progress = { ...progress, ...stands, pages: progress.pages + 1 };
            ctx.heartbeat(progress);
          },
        };
        try {
          const concurrency = Math.max(1, Math.floor(input.concurrency ?? DEFAULT_AUDIT_LOG_CONCURRENCY));
          let slices = await getBackfillSlices(deps.db, input.profileId);
          if (slices.length === 0 && cursor.watermark === null && concurrency > 1) {
            const bounds = planSlices(cursor.coverageStart, new Date(), concurrency);
            slices = await deps.db.withTransaction((tx) => planBackfill(tx, input.profileId, bounds));
          }
          if (slices.some((s) => !s.done)) {
            await readSlices(pull, slices, concurrency);
          } else {
            await readStream(pull, cursor, slices);
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

/** Each person's newest meaningful event on a page. */
function newestMeaningful(events: readonly AuditLogEvent[], options: ProfileOptions): Map<string, string> {
  const latest = new Map<string, string>();
  for (const e of events) {
    if (e.actor?.actor_type === 'user' && e.actor.gid && auditEventCounts(e.event_type, options.meaningfulActivity)) newestPerPerson(latest, e.actor.gid, e.created_at);
  }
  return latest;
}

/**
 * One stream: from the watermark; without one, from where the backfill's newest slice began (it found no event
 * to leave an offset) or, never sliced, from the coverage start.
 */
async function readStream(pull: Pull, cursor: ActivityCursor, slices: readonly BackfillSlice[]): Promise<void> {
  const from = cursor.watermark ? { offset: cursor.watermark } : { startAt: (slices.at(-1)?.startAt ?? cursor.coverageStart).toISOString() };
  let watermark = cursor.watermark;
  for await (const page of pull.asana.auditLogEventPages(pull.workspaceGid, { actorType: 'user', limit: PAGE_LIMIT, ...from })) {
    watermark = page.nextOffset ?? watermark;
    await pull.commit(page, (tx, latest) => applyAuditPage(tx, pull.profileId, latest, page.data.length, page.nextOffset), { watermark });
  }
}

/**
 * The slices not yet finished, `concurrency` at a time, each from its own offset with its own bounds (the same
 * query on every page, as Asana's offsets expect). A slice is finished by its first empty page (or a page with no
 * next one). When one slice fails, the others stop after the page they are reading, so the retry comes soon.
 */
async function readSlices(pull: Pull, slices: readonly BackfillSlice[], concurrency: number): Promise<void> {
  const newest = slices.at(-1)!.index;
  const open = slices.filter((s) => !s.done);
  let slicesLeft = open.length;
  let failed = false;
  await forEachConcurrently(open, concurrency, async (slice) => {
    const query = {
      actorType: 'user' as const,
      limit: PAGE_LIMIT,
      startAt: slice.startAt.toISOString(),
      ...(slice.endAt ? { endAt: slice.endAt.toISOString() } : {}),
      ...(slice.offset ? { offset: slice.offset } : {}),
    };
    try {
      for await (const page of pull.asana.auditLogEventPages(pull.workspaceGid, query)) {
        const done = page.data.length === 0 || page.nextOffset === null;
        const isNewest = slice.index === newest;
        if (done) slicesLeft -= 1;
        await pull.commit(
          page,
          (tx, latest) => applySlicePage(tx, { profileId: pull.profileId, slice: slice.index, newest: isNewest, latest, read: page.data.length, nextOffset: page.nextOffset, done }),
          { slicesLeft, ...(isNewest && page.nextOffset ? { watermark: page.nextOffset } : {}) },
        );
        if (failed) return;
      }
    } catch (err) {
      failed = true;
      throw err;
    }
  });
}
