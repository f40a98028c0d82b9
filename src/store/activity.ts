// Each person's newest activity and where the activity sources stand: the only module that reads or
// writes `user_activity` and `activity_cursors`.
import type { Queryable, Tx } from '../db/pool';
import type { AuditLogEvent } from '../asana/types';

export type CursorStatus = 'caught_up' | 'unavailable' | 'failed' | 'in_progress';

export interface ActivityCursor {
  coverageStart: Date;
  watermark: string | null;
  status: CursorStatus;
  statusDetail: string | null;
}

export async function getActivityCursor(db: Queryable, profileId: string): Promise<ActivityCursor | null> {
  const rows = await db.query<{ coverage_start: Date; watermark: string | null; status: CursorStatus; status_detail: string | null }>(
    'SELECT coverage_start, watermark, status, status_detail FROM activity_cursors WHERE profile_id = $1',
    [profileId],
  );
  const r = rows[0];
  return r ? { coverageStart: r.coverage_start, watermark: r.watermark, status: r.status, statusDetail: r.status_detail } : null;
}

/** The first pull starts at `analyzeActivityFrom`, whatever the profile's age; later pulls from the watermark. */
export async function openActivityCursor(db: Queryable, profileId: string, analyzeActivityFrom: Date): Promise<ActivityCursor> {
  await db.query(
    `INSERT INTO activity_cursors (profile_id, coverage_start, status) VALUES ($1, $2, 'in_progress')
     ON CONFLICT (profile_id) DO UPDATE SET status = 'in_progress', status_detail = NULL, updated_at = now()`,
    [profileId, analyzeActivityFrom],
  );
  return (await getActivityCursor(db, profileId))!;
}

export async function setCursorStatus(db: Queryable, profileId: string, status: CursorStatus, detail: string | null): Promise<void> {
  await db.query('UPDATE activity_cursors SET status = $2, status_detail = $3, updated_at = now() WHERE profile_id = $1', [profileId, status, detail]);
}

/**
 * Folds one page of audit events into each person's last activity ("update if later") and moves the
 * watermark, in one transaction: a page replayed after a crash changes nothing.
 */
export async function applyAuditPage(tx: Tx, profileId: string, events: AuditLogEvent[], nextOffset: string | null): Promise<{ users: number }> {
  const latest = new Map<string, string>();
  for (const e of events) {
    // An event without a readable time tells nothing about when someone was last active.
    if (e.actor?.actor_type !== 'user' || !e.actor.gid || Number.isNaN(Date.parse(e.created_at))) continue;
    const seen = latest.get(e.actor.gid);
    if (!seen || Date.parse(e.created_at) > Date.parse(seen)) latest.set(e.actor.gid, e.created_at);
  }
  if (latest.size > 0) {
    await tx.query(
      `INSERT INTO user_activity AS a (profile_id, user_gid, last_activity_at)
       SELECT $1, u.gid, u.at FROM unnest($2::text[], $3::timestamptz[]) AS u(gid, at)
       ON CONFLICT (profile_id, user_gid) DO UPDATE SET last_activity_at = GREATEST(a.last_activity_at, EXCLUDED.last_activity_at)`,
      [profileId, [...latest.keys()], [...latest.values()]],
    );
  }
  await tx.query(
    `UPDATE activity_cursors SET watermark = COALESCE($2, watermark), events_read = events_read + $3, updated_at = now() WHERE profile_id = $1`,
    [profileId, nextOffset, events.length],
  );
  return { users: latest.size };
}

/**
 * Since when the recorded activity can be trusted to be complete: the cursor's coverage start once the source
 * has been read up to now, else null ("no signal is not inactivity": then only the database may be asked).
 */
export async function activityReadSince(db: Queryable, profileId: string): Promise<Date | null> {
  const cursor = await getActivityCursor(db, profileId);
  return cursor?.status === 'caught_up' ? cursor.coverageStart : null;
}

/** People with a recorded last activity (each counted once). */
export async function countPeopleWithActivity(db: Queryable, profileId: string): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM user_activity WHERE profile_id = $1', [profileId]);
  return rows[0]!.n;
}
