import type { Db, Tx } from '../db/pool';
import type { SecretBox } from '../secrets/secretBox';
import type { ProfileOptions, ProfileStatus, ScheduleKind, ValidationResult } from './types';
import { getConnection, type ConnectionRecord } from './connectionStore';

type Queryable = Pick<Db, 'query'> | Tx;

export interface ProfileRow {
  id: string;
  display_name: string;
  profile_type: string;
  status: ProfileStatus;
  options: ProfileOptions;
  validation: (ValidationResult & { staleReason?: string | null }) | null;
  schedules: ScheduleKind[];
  created_at: Date;
  updated_at: Date;
}

export async function insertProfile(
  tx: Tx,
  box: SecretBox,
  p: {
    id: string;
    displayName: string;
    options: ProfileOptions;
    connection: {
      baseUrl: string;
      redirectUrl: string;
      clientId?: string;
      clientSecret?: string;
      workspaceGid?: string | null;
      parentProfileId?: string;
      childBaseUrls?: string[];
    };
  },
): Promise<void> {
  await tx.query('INSERT INTO profiles (id, display_name, options) VALUES ($1, $2, $3)', [p.id, p.displayName, JSON.stringify(p.options)]);
  await tx.query(
    `INSERT INTO connections (profile_id, base_url, redirect_url, client_id, client_secret_sealed, workspace_gid, parent_profile_id, child_base_urls)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      p.id,
      p.connection.baseUrl,
      p.connection.redirectUrl,
      p.connection.clientId ?? null,
      p.connection.clientSecret ? box.seal(p.connection.clientSecret) : null,
      p.connection.workspaceGid ?? null,
      p.connection.parentProfileId ?? null,
      p.connection.childBaseUrls ?? [],
    ],
  );
}

export async function getProfileRow(db: Queryable, id: string): Promise<ProfileRow | null> {
  const rows = await db.query<ProfileRow>('SELECT * FROM profiles WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function listProfileRows(db: Queryable, limit: number, offset: number): Promise<{ rows: ProfileRow[]; total: number }> {
  const rows = await db.query<ProfileRow & { total: number }>(
    'SELECT *, count(*) OVER () AS total FROM profiles ORDER BY created_at, id LIMIT $1 OFFSET $2',
    [limit, offset],
  );
  const total = rows[0]?.total ?? (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM profiles'))[0]!.n;
  return { rows, total };
}

export async function setDisplayName(db: Queryable, id: string, displayName: string): Promise<void> {
  await db.query('UPDATE profiles SET display_name = $2, updated_at = now() WHERE id = $1', [id, displayName]);
}

/**
 * Applies a connection edit. Changing where or as which app we connect drops the tokens (they belong to the
 * old app) and bumps the version, so the last validation no longer counts. Returns the new version.
 */
export async function updateConnection(
  tx: Tx,
  box: SecretBox,
  id: string,
  change: { baseUrl?: string; clientId?: string; clientSecret?: string; workspaceGid?: string | null; childBaseUrls?: string[] },
): Promise<{ version: number; tokensDropped: boolean }> {
  const before = await getConnection(tx, id);
  if (!before) throw new Error(`No connection for profile ${id}`);
  const appChanged =
    (change.baseUrl !== undefined && change.baseUrl !== before.baseUrl) ||
    (change.clientId !== undefined && change.clientId !== before.clientId) ||
    change.clientSecret !== undefined;
  const rows = await tx.query<{ version: number }>(
    `UPDATE connections SET
        base_url = COALESCE($2, base_url),
        client_id = COALESCE($3, client_id),
        client_secret_sealed = COALESCE($4, client_secret_sealed),
        workspace_gid = CASE WHEN $5 THEN $6 ELSE workspace_gid END,
        access_token_sealed = CASE WHEN $7 THEN NULL ELSE access_token_sealed END,
        refresh_token_sealed = CASE WHEN $7 THEN NULL ELSE refresh_token_sealed END,
        access_token_expires_at = CASE WHEN $7 THEN NULL ELSE access_token_expires_at END,
        child_base_urls = COALESCE($8, child_base_urls),
        version = version + 1,
        updated_at = now()
      WHERE profile_id = $1 RETURNING version`,
    [id, change.baseUrl ?? null, change.clientId ?? null, change.clientSecret ? box.seal(change.clientSecret) : null, change.workspaceGid !== undefined, change.workspaceGid ?? null, appChanged, change.childBaseUrls ?? null],
  );
  return { version: rows[0]!.version, tokensDropped: appChanged && before.hasTokens };
}

/** Profiles whose connections use this profile's OAuth app. */
export async function childProfileIds(db: Queryable, parentId: string): Promise<string[]> {
  const rows = await db.query<{ profile_id: string }>('SELECT profile_id FROM connections WHERE parent_profile_id = $1 ORDER BY profile_id', [parentId]);
  return rows.map((r) => r.profile_id);
}

/**
 * A parent's app changed (`all`: its children's tokens were issued to the old app), or the base URLs it lends
 * its app at did (`disallowed`: the children at a base URL no longer allowed), so those children's tokens go.
 */
export async function dropChildTokens(tx: Tx, parentId: string, which: 'all' | 'disallowed'): Promise<Array<{ profileId: string; version: number }>> {
  const rows = await tx.query<{ profile_id: string; version: number }>(
    `UPDATE connections c SET access_token_sealed = NULL, refresh_token_sealed = NULL, access_token_expires_at = NULL,
            version = c.version + 1, updated_at = now()
       FROM connections parent
      WHERE c.parent_profile_id = $1 AND parent.profile_id = $1
        AND ($2 OR NOT (c.base_url = parent.base_url OR c.base_url = ANY(parent.child_base_urls)))
      RETURNING c.profile_id, c.version`,
    [parentId, which === 'all'],
  );
  return rows.map((r) => ({ profileId: r.profile_id, version: r.version }));
}

export async function deleteProfileRow(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM profiles WHERE id = $1', [id]);
}

/** The profile as the API shows it: never a secret, only whether one is set. */
export function profileView(row: ProfileRow, connection: ConnectionRecord | null) {
  const { staleReason, ...validation } = row.validation ?? ({} as NonNullable<ProfileRow['validation']>);
  return {
    id: row.id,
    displayName: row.display_name,
    status: row.status,
    profileType: row.profile_type,
    options: row.options,
    connection: connection && {
      baseUrl: connection.baseUrl,
      clientId: connection.clientId,
      clientSecretSet: connection.hasClientSecret,
      parentProfileId: connection.parentProfileId,
      childBaseUrls: connection.childBaseUrls,
      redirectUrl: connection.redirectUrl,
      workspaceGid: connection.workspaceGid,
      authorized: connection.hasTokens && !connection.authError,
      authError: connection.authError,
      authorizedUser: connection.authorizedUserGid ? { gid: connection.authorizedUserGid, name: connection.authorizedUserName } : null,
      authorizedAt: connection.authorizedAt,
    },
    validation: row.validation ? { ...validation, stale: Boolean(staleReason), staleReason: staleReason ?? null } : null,
    schedules: row.schedules,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type ProfileView = ReturnType<typeof profileView>;
