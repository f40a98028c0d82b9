// Integration profiles, their Asana connections and pending OAuth authorizations: the only module that reads or
// writes `profiles`, `connections` and `oauth_states`. Secrets arrive and leave sealed; only
// `openConnectionSecrets` opens them, for a request to Asana.
import type { Queryable, Tx } from '../db/pool';
import type { SecretBox } from '../secrets/secretBox';
import { sha256 } from '../secrets/secretBox';
import type { ProfileOptions, ProfileState, ProfileStatus, ScheduleKind, ValidationResult } from '../profiles/types';
import { withOptionDefaults } from '../profiles/options';

// ---- profiles ----

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
      serviceAccountToken?: string | null;
    };
  },
): Promise<void> {
  await tx.query('INSERT INTO profiles (id, display_name, options) VALUES ($1, $2, $3)', [p.id, p.displayName, JSON.stringify(p.options)]);
  await tx.query(
    `INSERT INTO connections (profile_id, base_url, redirect_url, client_id, client_secret_sealed, workspace_gid, parent_profile_id, child_base_urls,
                              service_account_token_sealed)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      p.id,
      p.connection.baseUrl,
      p.connection.redirectUrl,
      p.connection.clientId ?? null,
      p.connection.clientSecret ? box.seal(p.connection.clientSecret) : null,
      p.connection.workspaceGid ?? null,
      p.connection.parentProfileId ?? null,
      p.connection.childBaseUrls ?? [],
      p.connection.serviceAccountToken ? box.seal(p.connection.serviceAccountToken) : null,
    ],
  );
}

export async function getProfileRow(db: Queryable, id: string): Promise<ProfileRow | null> {
  const rows = await db.query<ProfileRow>('SELECT * FROM profiles WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** A page of profiles; `onlyIds` (a token limited to some profiles) narrows it to those. */
export async function listProfileRows(db: Queryable, limit: number, offset: number, onlyIds: string[] | null = null): Promise<{ rows: ProfileRow[]; total: number }> {
  const rows = await db.query<ProfileRow & { total: number }>(
    'SELECT *, count(*) OVER () AS total FROM profiles WHERE ($3::uuid[] IS NULL OR id = ANY($3)) ORDER BY created_at, id LIMIT $1 OFFSET $2',
    [limit, offset, onlyIds],
  );
  const total = rows[0]?.total ?? (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM profiles WHERE ($1::uuid[] IS NULL OR id = ANY($1))', [onlyIds]))[0]!.n;
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
  change: { baseUrl?: string; clientId?: string; clientSecret?: string; workspaceGid?: string | null; childBaseUrls?: string[]; serviceAccountToken?: string | null },
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
        service_account_token_sealed = CASE WHEN $9 THEN $10 ELSE service_account_token_sealed END,
        version = version + 1,
        updated_at = now()
      WHERE profile_id = $1 RETURNING version`,
    [id, change.baseUrl ?? null, change.clientId ?? null, change.clientSecret ? box.seal(change.clientSecret) : null, change.workspaceGid !== undefined, change.workspaceGid ?? null, appChanged, change.childBaseUrls ?? null,
      change.serviceAccountToken !== undefined, change.serviceAccountToken ? box.seal(change.serviceAccountToken) : null,
    ],
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
    // Profiles made before an option existed show its default.
    options: withOptionDefaults(row.options),
    connection: connection && {
      baseUrl: connection.baseUrl,
      clientId: connection.clientId,
      clientSecretSet: connection.hasClientSecret,
      serviceAccountTokenSet: connection.hasServiceAccountToken,
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

/** Persists the state the profile's workflow holds (status, options, validation, schedules). */
export async function saveProfileState(db: Queryable, state: ProfileState): Promise<void> {
  const validation = state.validation ? { ...state.validation, staleReason: state.validationStaleReason } : null;
  await db.query(`UPDATE profiles SET status = $2, options = $3, validation = $4, schedules = $5, updated_at = now() WHERE id = $1`, [
    state.profileId,
    state.status,
    JSON.stringify(state.options),
    validation && JSON.stringify(validation),
    JSON.stringify(state.schedules),
  ]);
}

// ---- connections ----

/** A connection as the service uses it internally; secrets are opened only where a request needs them. */
export interface ConnectionRecord {
  profileId: string;
  baseUrl: string;
  clientId: string | null;
  hasClientSecret: boolean;
  /** A Service Account token is stored (the only credential that reads the audit log). */
  hasServiceAccountToken: boolean;
  redirectUrl: string;
  workspaceGid: string | null;
  authorizedUserGid: string | null;
  authorizedUserName: string | null;
  authorizedAt: Date | null;
  accessTokenExpiresAt: Date | null;
  hasTokens: boolean;
  /** Set when a run found the grant revoked; cleared by the next authorization. */
  authError: string | null;
  version: number;
  /** Set on a child connection: the profile whose OAuth app it uses. */
  parentProfileId: string | null;
  /** On a parent: the base URLs (besides its own) its children may use its app at. */
  childBaseUrls: string[];
}

interface ConnectionRow {
  profile_id: string;
  base_url: string;
  client_id: string | null;
  client_secret_sealed: string | null;
  service_account_token_sealed: string | null;
  redirect_url: string;
  workspace_gid: string | null;
  authorized_user_gid: string | null;
  authorized_user_name: string | null;
  authorized_at: Date | null;
  access_token_expires_at: Date | null;
  access_token_sealed: string | null;
  refresh_token_sealed: string | null;
  auth_error: string | null;
  version: number;
  parent_profile_id: string | null;
  child_base_urls: string[];
}

// A child connection's OAuth app (client ID and secret) is its parent's; everything else is its own. The
// parent's secret is read for a child only while the child's base URL is one the parent's owner registered
// it for (the parent's own, or one of its child_base_urls): a secret never goes to another host.
const COLUMNS = `c.profile_id, c.base_url, COALESCE(parent.client_id, c.client_id) AS client_id,
  CASE WHEN c.parent_profile_id IS NULL OR c.base_url = parent.base_url OR c.base_url = ANY(parent.child_base_urls)
       THEN COALESCE(parent.client_secret_sealed, c.client_secret_sealed) END AS client_secret_sealed,
  c.redirect_url, c.workspace_gid,
  c.authorized_user_gid, c.authorized_user_name, c.authorized_at, c.access_token_expires_at, c.access_token_sealed,
  c.refresh_token_sealed, c.auth_error, c.version, c.parent_profile_id, c.child_base_urls, c.service_account_token_sealed`;
const FROM = 'connections c LEFT JOIN connections parent ON parent.profile_id = c.parent_profile_id';

function toRecord(row: ConnectionRow): ConnectionRecord {
  return {
    profileId: row.profile_id,
    baseUrl: row.base_url,
    clientId: row.client_id,
    hasClientSecret: row.client_secret_sealed !== null,
    hasServiceAccountToken: row.service_account_token_sealed !== null,
    redirectUrl: row.redirect_url,
    workspaceGid: row.workspace_gid,
    authorizedUserGid: row.authorized_user_gid,
    authorizedUserName: row.authorized_user_name,
    authorizedAt: row.authorized_at,
    accessTokenExpiresAt: row.access_token_expires_at,
    hasTokens: row.access_token_sealed !== null && row.refresh_token_sealed !== null,
    authError: row.auth_error,
    version: row.version,
    parentProfileId: row.parent_profile_id,
    childBaseUrls: row.child_base_urls,
  };
}

export async function getConnection(db: Queryable, profileId: string): Promise<ConnectionRecord | null> {
  const rows = await db.query<ConnectionRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE c.profile_id = $1`, [profileId]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export interface ConnectionSecrets {
  clientId: string;
  clientSecret: string;
  accessToken: string | null;
  refreshToken: string | null;
}

/** Opens the connection's secrets; call only where a request to Asana needs them, never to build a response. */
export async function openConnectionSecrets(db: Queryable, box: SecretBox, profileId: string, lock = false): Promise<ConnectionSecrets | null> {
  const rows = await db.query<ConnectionRow>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE c.profile_id = $1 ${lock ? 'FOR UPDATE OF c' : ''}`,
    [profileId],
  );
  const row = rows[0];
  if (!row || !row.client_id || !row.client_secret_sealed) return null;
  return {
    clientId: row.client_id,
    clientSecret: box.open(row.client_secret_sealed),
    accessToken: row.access_token_sealed ? box.open(row.access_token_sealed) : null,
    refreshToken: row.refresh_token_sealed ? box.open(row.refresh_token_sealed) : null,
  };
}

export async function storeTokens(
  tx: Queryable,
  box: SecretBox,
  profileId: string,
  tokens: { accessToken: string; refreshToken: string; expiresAt: Date },
  opts: { newGrant?: { userGid: string | null; userName: string | null } } = {},
): Promise<number> {
  const grant = opts.newGrant;
  const rows = await tx.query<{ version: number }>(
    `UPDATE connections SET access_token_sealed = $2, refresh_token_sealed = $3, access_token_expires_at = $4,
        authorized_user_gid = CASE WHEN $5 THEN $6 ELSE authorized_user_gid END,
        authorized_user_name = CASE WHEN $5 THEN $7 ELSE authorized_user_name END,
        authorized_at = CASE WHEN $5 THEN now() ELSE authorized_at END,
        auth_error = CASE WHEN $5 THEN NULL ELSE auth_error END,
        version = version + CASE WHEN $5 THEN 1 ELSE 0 END,
        updated_at = now()
      WHERE profile_id = $1 RETURNING version`,
    [profileId, box.seal(tokens.accessToken), box.seal(tokens.refreshToken), tokens.expiresAt, grant !== undefined, grant?.userGid ?? null, grant?.userName ?? null],
  );
  if (!rows[0]) throw new Error(`No connection for profile ${profileId}`);
  return rows[0].version;
}

export async function setWorkspaceGid(db: Queryable, profileId: string, workspaceGid: string): Promise<void> {
  await db.query('UPDATE connections SET workspace_gid = $2, updated_at = now() WHERE profile_id = $1 AND workspace_gid IS NULL', [profileId, workspaceGid]);
}

/** A run found the grant revoked: the profile shows it (the first cause found) until the connection is authorized again. */
export async function recordAuthError(db: Queryable, profileId: string, message: string): Promise<void> {
  await db.query('UPDATE connections SET auth_error = COALESCE(auth_error, $2), updated_at = now() WHERE profile_id = $1', [profileId, message]);
}

/** Opens the Service Account token; call only to send it to Asana, never to build a response. */
export async function openServiceAccountToken(db: Queryable, box: SecretBox, profileId: string): Promise<string | null> {
  const rows = await db.query<{ sealed: string | null }>('SELECT service_account_token_sealed AS sealed FROM connections WHERE profile_id = $1', [profileId]);
  return rows[0]?.sealed ? box.open(rows[0].sealed) : null;
}

/** The sealed access token and its expiry, for the token provider (which opens it). */
export async function sealedAccessToken(db: Queryable, profileId: string): Promise<{ sealed: string | null; expiresAt: Date | null }> {
  const rows = await db.query<{ access_token_sealed: string | null; access_token_expires_at: Date | null }>(
    'SELECT access_token_sealed, access_token_expires_at FROM connections WHERE profile_id = $1',
    [profileId],
  );
  return { sealed: rows[0]?.access_token_sealed ?? null, expiresAt: rows[0]?.access_token_expires_at ?? null };
}

// ---- OAuth states ----

export const STATE_TTL_MS = 10 * 60_000;

/** Remembers an authorize attempt: the state only as a hash, the PKCE verifier sealed. */
export async function rememberState(db: Queryable, box: SecretBox, p: { state: string; profileId: string; codeVerifier: string; now: Date }): Promise<void> {
  await db.query('DELETE FROM oauth_states WHERE expires_at < $1', [new Date(p.now.getTime() - STATE_TTL_MS)]);
  await db.query(
    'INSERT INTO oauth_states (state_hash, profile_id, code_verifier_sealed, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
    [sha256(p.state), p.profileId, box.seal(p.codeVerifier), p.now, new Date(p.now.getTime() + STATE_TTL_MS)],
  );
}

export type ConsumedState =
  | { ok: true; profileId: string; codeVerifier: string }
  | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** Uses a state up: it succeeds once, before the expiry, and never again. */
export async function consumeState(db: Queryable, box: SecretBox, state: string, now: Date): Promise<ConsumedState> {
  const hash = sha256(state);
  const rows = await db.query<{ profile_id: string; code_verifier_sealed: string }>(
    `UPDATE oauth_states SET used_at = $2 WHERE state_hash = $1 AND used_at IS NULL AND expires_at > $2
     RETURNING profile_id, code_verifier_sealed`,
    [hash, now],
  );
  if (rows[0]) return { ok: true, profileId: rows[0].profile_id, codeVerifier: box.open(rows[0].code_verifier_sealed) };
  const known = await db.query<{ used_at: Date | null }>('SELECT used_at FROM oauth_states WHERE state_hash = $1', [hash]);
  if (!known[0]) return { ok: false, reason: 'unknown' };
  return { ok: false, reason: known[0].used_at ? 'used' : 'expired' };
}
