// Each person's newest activity and where the activity sources stand: the only module that reads or writes
// `user_activity`, `activity_cursors`, `activity_backfill_slices` and `story_project_cursors`.
import type { Queryable, Tx } from '../db/pool';
import type { ActivitySource } from '../profiles/types';

export type CursorStatus = 'caught_up' | 'unavailable' | 'failed' | 'in_progress';

export interface ActivityCursor {
  source: ActivitySource;
  /** The first instant the source's signals cover (analyzeActivityFrom of its first read). */
  coverageStart: Date;
  /** The audit log's stream offset (the stories walk keeps a watermark per project instead). */
  watermark: string | null;
  status: CursorStatus;
  statusDetail: string | null;
}

interface CursorRow {
  source: ActivitySource;
  coverage_start: Date;
  watermark: string | null;
  status: CursorStatus;
  status_detail: string | null;
}

const toCursor = (r: CursorRow): ActivityCursor => ({ source: r.source, coverageStart: r.coverage_start, watermark: r.watermark, status: r.status, statusDetail: r.status_detail });

export async function getActivityCursor(db: Queryable, profileId: string, source: ActivitySource): Promise<ActivityCursor | null> {
  const rows = await db.query<CursorRow>('SELECT source, coverage_start, watermark, status, status_detail FROM activity_cursors WHERE profile_id = $1 AND source = $2', [
    profileId,
    source,
  ]);
  return rows[0] ? toCursor(rows[0]) : null;
}

/** The first read of a source starts at `analyzeActivityFrom`, whatever the profile's age; later reads where it stopped. */
export async function openActivityCursor(db: Queryable, profileId: string, source: ActivitySource, analyzeActivityFrom: Date): Promise<ActivityCursor> {
  await db.query(
    `INSERT INTO activity_cursors (profile_id, source, coverage_start, status) VALUES ($1, $2, $3, 'in_progress')
     ON CONFLICT (profile_id, source) DO UPDATE SET status = 'in_progress', status_detail = NULL, updated_at = now()`,
    [profileId, source, analyzeActivityFrom],
  );
  return (await getActivityCursor(db, profileId, source))!;
}

export async function setCursorStatus(db: Queryable, profileId: string, source: ActivitySource, status: CursorStatus, detail: string | null): Promise<void> {
  await db.query('UPDATE activity_cursors SET status = $3, status_detail = $4, updated_at = now() WHERE profile_id = $1 AND source = $2', [
    profileId,
    source,
    status,
    detail,
  ]);
}

/**
 * Since when the recorded activity of `sources` is complete: the latest coverage start among them once each has
 * been read up to now, else null ("no signal is not inactivity": a person without a signal is taken as inactive
 * only since the start of what every source covers, and not at all while one could not be read).
 */
export async function activityCompleteSince(db: Queryable, profileId: string, sources: readonly ActivitySource[]): Promise<Date | null> {
  if (sources.length === 0) return null;
  const rows = await db.query<{ source: ActivitySource; coverage_start: Date; status: CursorStatus }>(
    'SELECT source, coverage_start, status FROM activity_cursors WHERE profile_id = $1 AND source = ANY($2)',
    [profileId, sources],
  );
  if (rows.length < sources.length || rows.some((r) => r.status !== 'caught_up')) return null;
  return new Date(Math.max(...rows.map((r) => r.coverage_start.getTime())));
}

/**
 * A person's newest signal from one source, folded into their last activity ("update if later"). Rows are
 * locked in the order of their gid, so pages folded side by side (slices, projects) wait for each other, never
 * deadlock.
 */
async function foldLatest(tx: Tx, profileId: string, column: 'last_story_at' | 'last_audit_event_at', latest: Map<string, string>): Promise<void> {
  if (latest.size === 0) return;
  await tx.query(
    `INSERT INTO user_activity AS a (profile_id, user_gid, last_activity_at, ${column})
     SELECT $1, u.gid, u.at, u.at FROM unnest($2::text[], $3::timestamptz[]) AS u(gid, at) ORDER BY u.gid
     ON CONFLICT (profile_id, user_gid) DO UPDATE SET
       last_activity_at = GREATEST(a.last_activity_at, EXCLUDED.last_activity_at),
       ${column} = GREATEST(a.${column}, EXCLUDED.${column})`,
    [profileId, [...latest.keys()], [...latest.values()]],
  );
}

/** Keeps, per person, the newest of `at` seen (skipping times that cannot be read). */
export function newestPerPerson(into: Map<string, string>, gid: string, at: string): void {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return;
  const seen = into.get(gid);
  if (!seen || t > Date.parse(seen)) into.set(gid, at);
}

/**
 * Folds one page of (meaningful) audit events into each person's last activity and moves the stream's
 * watermark, in one transaction: a page replayed after a crash changes nothing.
 */
export async function applyAuditPage(tx: Tx, profileId: string, latest: Map<string, string>, read: number, nextOffset: string | null): Promise<void> {
  await foldLatest(tx, profileId, 'last_audit_event_at', latest);
  await tx.query(
    `UPDATE activity_cursors SET watermark = COALESCE($2, watermark), events_read = events_read + $3, updated_at = now() WHERE profile_id = $1 AND source = 'auditLog'`,
    [profileId, nextOffset, read],
  );
}

// ---- the audit log's first read, in time slices ----

export interface BackfillSlice {
  index: number;
  startAt: Date;
  /** Exclusive; null for the newest slice, whose offset is the stream's watermark. */
  endAt: Date | null;
  /** Asana's offset after the slice's last committed page (null before its first). */
  offset: string | null;
  pages: number;
  done: boolean;
}

export interface SliceBounds {
  index: number;
  startAt: Date;
  endAt: Date | null;
}

interface SliceRow {
  slice: number;
  start_at: Date;
  end_at: Date | null;
  page_offset: string | null;
  pages: number;
  done: boolean;
}

const SLICE_COLUMNS = 'slice, start_at, end_at, page_offset, pages, done';
const toSlice = (r: SliceRow): BackfillSlice => ({ index: r.slice, startAt: r.start_at, endAt: r.end_at, offset: r.page_offset, pages: r.pages, done: r.done });

/** The audit log's backfill slices of a profile, oldest first (none: it never had one). */
export async function getBackfillSlices(db: Queryable, profileId: string): Promise<BackfillSlice[]> {
  const rows = await db.query<SliceRow>(`SELECT ${SLICE_COLUMNS} FROM activity_backfill_slices WHERE profile_id = $1 ORDER BY slice`, [profileId]);
  return rows.map(toSlice);
}

/**
 * Records the slices of a first read, unless the profile has some already (an attempt that raced this one
 * planned first: its slices stand, so the two never split the window differently). Answers the slices that stand.
 */
export async function planBackfill(tx: Tx, profileId: string, slices: readonly SliceBounds[]): Promise<BackfillSlice[]> {
  await tx.query("SELECT 1 FROM activity_cursors WHERE profile_id = $1 AND source = 'auditLog' FOR UPDATE", [profileId]);
  const existing = await getBackfillSlices(tx, profileId);
  if (existing.length > 0) return existing;
  const rows = await tx.query<SliceRow>(
    `INSERT INTO activity_backfill_slices (profile_id, slice, start_at, end_at)
     SELECT $1, s.i, s.start_at, s.end_at FROM unnest($2::int[], $3::timestamptz[], $4::timestamptz[]) AS s(i, start_at, end_at)
     RETURNING ${SLICE_COLUMNS}`,
    [profileId, slices.map((s) => s.index), slices.map((s) => s.startAt), slices.map((s) => s.endAt)],
  );
  return rows.map(toSlice).sort((a, b) => a.index - b.index);
}

/**
 * Folds one page of a slice into each person's last activity and moves the slice's offset, in one transaction;
 * the newest slice's offset is also the stream's watermark. `done`: the slice has nothing more to give.
 */
export async function applySlicePage(
  tx: Tx,
  p: { profileId: string; slice: number; newest: boolean; latest: Map<string, string>; read: number; nextOffset: string | null; done: boolean },
): Promise<void> {
  await foldLatest(tx, p.profileId, 'last_audit_event_at', p.latest);
  await tx.query(
    `UPDATE activity_backfill_slices SET page_offset = COALESCE($3, page_offset), pages = pages + 1, events_read = events_read + $4, done = $5, updated_at = now()
     WHERE profile_id = $1 AND slice = $2`,
    [p.profileId, p.slice, p.nextOffset, p.read, p.done],
  );
  await tx.query(
    `UPDATE activity_cursors SET watermark = CASE WHEN $4 THEN COALESCE($2, watermark) ELSE watermark END, events_read = events_read + $3, updated_at = now()
     WHERE profile_id = $1 AND source = 'auditLog'`,
    [p.profileId, p.nextOffset, p.read, p.newest],
  );
}

/** People with a recorded last activity (each counted once). */
export async function countPeopleWithActivity(db: Queryable, profileId: string): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM user_activity WHERE profile_id = $1', [profileId]);
  return rows[0]!.n;
}

// ---- the stories walk, project by project ----

export interface ProjectCursor {
  /** Tasks modified since this instant are read next (null: never read, from the source's coverage start). */
  watermark: Date | null;
  /** The run that last finished this project. */
  walkedByJob: string | null;
}

/** Records that this run saw these projects (a project no run sees any more was deleted), and answers their cursors. */
export async function seeProjects(db: Queryable, profileId: string, jobId: string, projectGids: string[]): Promise<Map<string, ProjectCursor>> {
  const rows = await db.query<{ project_gid: string; watermark: Date | null; walked_by_job: string | null }>(
    `INSERT INTO story_project_cursors AS c (profile_id, project_gid, seen_by_job)
     SELECT $1, g, $2 FROM unnest($3::text[]) AS g
     ON CONFLICT (profile_id, project_gid) DO UPDATE SET seen_by_job = EXCLUDED.seen_by_job, updated_at = now()
     RETURNING project_gid, watermark, walked_by_job`,
    [profileId, jobId, projectGids],
  );
  return new Map(rows.map((r) => [r.project_gid, { watermark: r.watermark, walkedByJob: r.walked_by_job }]));
}

/**
 * One project read: its people's newest stories folded in, its watermark moved to when the read began, and the
 * run's mark on it, in one transaction, so a retried walk reads it again only if this never committed.
 */
export async function finishProject(tx: Tx, p: { profileId: string; jobId: string; projectGid: string; readFrom: Date; latest: Map<string, string> }): Promise<void> {
  await foldLatest(tx, p.profileId, 'last_story_at', p.latest);
  await tx.query('UPDATE story_project_cursors SET watermark = $3, walked_by_job = $4, updated_at = now() WHERE profile_id = $1 AND project_gid = $2', [
    p.profileId,
    p.projectGid,
    p.readFrom,
    p.jobId,
  ]);
}

/** Projects this run did not see are gone from Asana: their cursors go too. */
export async function dropUnseenProjects(db: Queryable, profileId: string, jobId: string): Promise<number> {
  const rows = await db.query<{ project_gid: string }>('DELETE FROM story_project_cursors WHERE profile_id = $1 AND seen_by_job IS DISTINCT FROM $2 RETURNING project_gid', [
    profileId,
    jobId,
  ]);
  return rows.length;
}
