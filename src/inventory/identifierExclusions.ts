import crypto from 'node:crypto';
import { paged, type Page, type Paged, type Queryable } from './sql';

export interface IdentifierExclusionRow {
  id: string;
  identifier: string;
  active: boolean;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface IdentifierExclusionChange {
  identifier?: string;
  active?: boolean;
  reason?: string | null;
}

const COLUMNS = 'id, identifier, active, reason, created_at, updated_at';

export async function listIdentifierExclusions(db: Queryable, profileId: string, page: Page): Promise<Paged<IdentifierExclusionRow>> {
  return paged<IdentifierExclusionRow>(db, `SELECT ${COLUMNS} FROM identifier_exclusions WHERE profile_id = $1`, [profileId], 'q.created_at, q.id', page);
}

export async function getIdentifierExclusion(db: Queryable, profileId: string, id: string): Promise<IdentifierExclusionRow | null> {
  const rows = await db.query<IdentifierExclusionRow>(`SELECT ${COLUMNS} FROM identifier_exclusions WHERE profile_id = $1 AND id = $2`, [profileId, id]);
  return rows[0] ?? null;
}

export async function findIdentifierExclusion(db: Queryable, profileId: string, identifier: string): Promise<IdentifierExclusionRow | null> {
  const rows = await db.query<IdentifierExclusionRow>(`SELECT ${COLUMNS} FROM identifier_exclusions WHERE profile_id = $1 AND identifier = $2`, [profileId, identifier]);
  return rows[0] ?? null;
}

export async function insertIdentifierExclusion(
  db: Queryable,
  profileId: string,
  input: { identifier: string; active: boolean; reason: string | null },
): Promise<IdentifierExclusionRow> {
  const rows = await db.query<IdentifierExclusionRow>(
    `INSERT INTO identifier_exclusions (id, profile_id, identifier, active, reason) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [crypto.randomUUID(), profileId, input.identifier, input.active, input.reason],
  );
  return rows[0]!;
}

/** Applies the fields that were sent (`reason: null` clears it); null when the rule is not the profile's. */
export async function updateIdentifierExclusion(db: Queryable, profileId: string, id: string, change: IdentifierExclusionChange): Promise<IdentifierExclusionRow | null> {
  const rows = await db.query<IdentifierExclusionRow>(
    `UPDATE identifier_exclusions SET
        identifier = COALESCE($3, identifier),
        active = COALESCE($4, active),
        reason = CASE WHEN $5 THEN $6 ELSE reason END,
        updated_at = now()
      WHERE profile_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [profileId, id, change.identifier ?? null, change.active ?? null, change.reason !== undefined, change.reason ?? null],
  );
  return rows[0] ?? null;
}

export async function deleteIdentifierExclusion(db: Queryable, profileId: string, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>('DELETE FROM identifier_exclusions WHERE profile_id = $1 AND id = $2 RETURNING id', [profileId, id]);
  return rows.length > 0;
}

export function identifierExclusionView(r: IdentifierExclusionRow) {
  return { id: r.id, identifier: r.identifier, active: r.active, reason: r.reason, createdAt: r.created_at, updatedAt: r.updated_at };
}
