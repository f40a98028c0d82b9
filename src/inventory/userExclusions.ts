import crypto from 'node:crypto';
import { paged, type Page, type Paged, type Queryable } from './sql';

export interface UserExclusionRow {
  id: string;
  user_gid: string | null;
  email: string | null;
  active: boolean;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface UserExclusionFields {
  userGid: string | null;
  email: string | null;
  active: boolean;
  reason: string | null;
}

const COLUMNS = 'id, user_gid, email, active, reason, created_at, updated_at';

export async function listUserExclusions(db: Queryable, profileId: string, page: Page): Promise<Paged<UserExclusionRow>> {
  return paged<UserExclusionRow>(db, `SELECT ${COLUMNS} FROM user_exclusions WHERE profile_id = $1`, [profileId], 'q.created_at, q.id', page);
}

export async function getUserExclusion(db: Queryable, profileId: string, id: string): Promise<UserExclusionRow | null> {
  const rows = await db.query<UserExclusionRow>(`SELECT ${COLUMNS} FROM user_exclusions WHERE profile_id = $1 AND id = $2`, [profileId, id]);
  return rows[0] ?? null;
}

/**
 * Another rule of the profile that already names this gid or email (emails compare without case, as the
 * unique index does); `exceptId` leaves out the rule being edited.
 */
export async function findConflictingUserExclusion(
  db: Queryable,
  profileId: string,
  who: { userGid: string | null; email: string | null },
  exceptId: string | null,
): Promise<UserExclusionRow | null> {
  const rows = await db.query<UserExclusionRow>(
    `SELECT ${COLUMNS} FROM user_exclusions
      WHERE profile_id = $1 AND id IS DISTINCT FROM $4::uuid
        AND (user_gid = $2 OR lower(email) = lower($3::text))
      ORDER BY created_at, id LIMIT 1`,
    [profileId, who.userGid, who.email, exceptId],
  );
  return rows[0] ?? null;
}

export async function insertUserExclusion(db: Queryable, profileId: string, f: UserExclusionFields): Promise<UserExclusionRow> {
  const rows = await db.query<UserExclusionRow>(
    `INSERT INTO user_exclusions (id, profile_id, user_gid, email, active, reason) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [crypto.randomUUID(), profileId, f.userGid, f.email, f.active, f.reason],
  );
  return rows[0]!;
}

/** Writes the rule's complete new state (the caller merged the change and checked it). */
export async function replaceUserExclusion(db: Queryable, profileId: string, id: string, f: UserExclusionFields): Promise<UserExclusionRow | null> {
  const rows = await db.query<UserExclusionRow>(
    `UPDATE user_exclusions SET user_gid = $3, email = $4, active = $5, reason = $6, updated_at = now()
      WHERE profile_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [profileId, id, f.userGid, f.email, f.active, f.reason],
  );
  return rows[0] ?? null;
}

export async function deleteUserExclusion(db: Queryable, profileId: string, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>('DELETE FROM user_exclusions WHERE profile_id = $1 AND id = $2 RETURNING id', [profileId, id]);
  return rows.length > 0;
}

export function userExclusionView(r: UserExclusionRow) {
  return { id: r.id, userGid: r.user_gid, email: r.email, active: r.active, reason: r.reason, createdAt: r.created_at, updatedAt: r.updated_at };
}
