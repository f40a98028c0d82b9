import type { Db } from '../db/pool';
import type { SecretBox } from '../secrets/secretBox';
import { sha256 } from '../secrets/secretBox';

export const STATE_TTL_MS = 10 * 60_000;

/** Remembers an authorize attempt: the state only as a hash, the PKCE verifier sealed. */
export async function rememberState(db: Db, box: SecretBox, p: { state: string; profileId: string; codeVerifier: string; now: Date }): Promise<void> {
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
export async function consumeState(db: Db, box: SecretBox, state: string, now: Date): Promise<ConsumedState> {
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
