// API tokens: the only module that reads or writes `api_tokens`, and the home of the role vocabulary.
import type { Queryable } from '../db/pool';
import { camelRow, paged, type Page, type Paged } from '../db/sql';

/** The roles of the `api_tokens.role` CHECK, most powerful first. */
export const ROLES = ['admin', 'integrator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiTokenRow {
  id: string;
  name: string;
  role: Role;
  profile_ids: string[] | null;
  created_at: Date;
  created_by: string;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, role, profile_ids, created_at, created_by, last_used_at, revoked_at';

export async function insertApiToken(
  db: Queryable,
  t: { id: string; name: string; role: Role; profileIds: string[] | null; secretHash: Buffer; createdBy: string },
): Promise<ApiTokenRow> {
  const rows = await db.query<ApiTokenRow>(
    `INSERT INTO api_tokens (id, name, role, profile_ids, secret_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [t.id, t.name, t.role, t.profileIds, t.secretHash, t.createdBy],
  );
  return rows[0]!;
}

/** A live token by ID, with the hash of its secret (to compare with what a request sent). */
export async function findLiveToken(db: Queryable, id: string): Promise<(ApiTokenRow & { secret_hash: Buffer }) | null> {
  const rows = await db.query<ApiTokenRow & { secret_hash: Buffer }>(`SELECT ${COLUMNS}, secret_hash FROM api_tokens WHERE id = $1 AND revoked_at IS NULL`, [id]);
  return rows[0] ?? null;
}

/** Notes a use, at most once a minute per token (a read does not become a write on every request). */
export async function touchApiToken(db: Queryable, id: string): Promise<void> {
  await db.query("UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')", [id]);
}

export async function getApiToken(db: Queryable, id: string): Promise<ApiTokenRow | null> {
  const rows = await db.query<ApiTokenRow>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export function listApiTokens(db: Queryable, page: Page): Promise<Paged<ApiTokenRow>> {
  return paged<ApiTokenRow>(db, `SELECT ${COLUMNS} FROM api_tokens`, [], 'q.created_at, q.id', page);
}

/** Revokes a token from now on; answers the token as it was before, or null when there is none. */
export async function revokeApiToken(db: Queryable, id: string): Promise<ApiTokenRow | null> {
  const before = await getApiToken(db, id);
  if (!before) return null;
  await db.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  return before;
}

export function apiTokenView(r: ApiTokenRow) {
  return camelRow(r);
}
