import type { Db, Tx } from '../db/pool';
import type { SecretBox } from '../secrets/secretBox';

/** A connection as the service uses it internally; secrets are opened only where a request needs them. */
export interface ConnectionRecord {
  profileId: string;
  baseUrl: string;
  clientId: string | null;
  hasClientSecret: boolean;
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
  c.refresh_token_sealed, c.auth_error, c.version, c.parent_profile_id, c.child_base_urls`;
const FROM = 'connections c LEFT JOIN connections parent ON parent.profile_id = c.parent_profile_id';

function toRecord(row: ConnectionRow): ConnectionRecord {
  return {
    profileId: row.profile_id,
    baseUrl: row.base_url,
    clientId: row.client_id,
    hasClientSecret: row.client_secret_sealed !== null,
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

export async function getConnection(db: Pick<Db, 'query'> | Tx, profileId: string): Promise<ConnectionRecord | null> {
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
export async function openConnectionSecrets(db: Pick<Db, 'query'> | Tx, box: SecretBox, profileId: string, lock = false): Promise<ConnectionSecrets | null> {
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
  tx: Pick<Db, 'query'> | Tx,
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

export async function setWorkspaceGid(db: Pick<Db, 'query'>, profileId: string, workspaceGid: string): Promise<void> {
  await db.query('UPDATE connections SET workspace_gid = $2, updated_at = now() WHERE profile_id = $1 AND workspace_gid IS NULL', [profileId, workspaceGid]);
}
