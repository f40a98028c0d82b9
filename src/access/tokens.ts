// API tokens: their shape on the wire, how a secret is checked (hashes compared in constant time), and who a
// request's bearer token makes it. The bootstrap API_TOKEN is an admin named "bootstrap".
import crypto from 'node:crypto';
import type { Db, Queryable } from '../db/pool';
import { findLiveToken, insertApiToken, touchApiToken, type ApiTokenRow, type Role } from '../store/tokens';
import { getProfileRow } from '../store/profiles';
import { conflictRule, invalidRule, notFoundRule } from '../errors';
import { isUniqueViolation } from '../db/sql';

/** Who is calling: the name the audit trail records, the role, and the profiles the token is limited to (null: all). */
export interface Principal {
  name: string;
  role: Role;
  profileIds: string[] | null;
  /** null for the bootstrap token. */
  tokenId: string | null;
}

export const BOOTSTRAP_NAME = 'bootstrap';
/** Names that would read as another kind of actor in the audit trail. */
const RESERVED = /^(bootstrap|schedule|system|link:|oauth)/i;

// lmt_<token id, 32 hex>_<secret, 43 base64url characters>
const TOKEN_FORMAT = /^lmt_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest();

function idOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A checker of bearer tokens: the bootstrap one, then the stored ones (a revoked token fails at once: no cache). */
export function createTokenChecker(db: Db, bootstrapToken: string) {
  const bootstrapDigest = sha256(bootstrapToken);
  return async (presented: string): Promise<Principal | null> => {
    if (crypto.timingSafeEqual(sha256(presented), bootstrapDigest)) return { name: BOOTSTRAP_NAME, role: 'admin', profileIds: null, tokenId: null };
    const match = TOKEN_FORMAT.exec(presented);
    if (!match) return null;
    const row = await findLiveToken(db, idOf(match[1]!));
    if (!row || !crypto.timingSafeEqual(sha256(match[2]!), row.secret_hash)) return null;
    await touchApiToken(db, row.id);
    return { name: row.name, role: row.role, profileIds: row.profile_ids, tokenId: row.id };
  };
}

export interface NewToken {
  name: string;
  role: Role;
  profileIds?: string[] | null;
}

/**
 * Creates a token and answers it with its secret, which is shown this once: only its hash is kept. An admin
 * sees every profile, so it cannot be limited; a limited token's profiles must exist.
 */
export async function createApiToken(db: Queryable, t: NewToken, createdBy: string): Promise<{ row: ApiTokenRow; token: string }> {
  const name = t.name.trim();
  if (RESERVED.test(name)) throw invalidRule(`name: "${name}" reads as another kind of actor in the audit trail; choose another name.`, { field: 'name' });
  const profileIds = t.profileIds && t.profileIds.length > 0 ? [...new Set(t.profileIds)] : null;
  if (t.role === 'admin' && profileIds) throw invalidRule('profileIds: an admin token sees every profile (it manages tokens); limit an integrator or viewer token instead.', { field: 'profileIds' });
  for (const id of profileIds ?? []) if (!(await getProfileRow(db, id))) throw notFoundRule(`Profile ${id} (profileIds)`);
  const id = crypto.randomUUID();
  const secret = crypto.randomBytes(32).toString('base64url');
  try {
    const row = await insertApiToken(db, { id, name, role: t.role, profileIds, secretHash: sha256(secret), createdBy });
    return { row, token: `lmt_${id.replace(/-/g, '')}_${secret}` };
  } catch (err) {
    if (isUniqueViolation(err)) throw conflictRule(`A live token is already named "${name}"; revoke it first or choose another name.`);
    throw err;
  }
}
