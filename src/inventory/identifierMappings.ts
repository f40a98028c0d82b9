import type { Tx } from '../db/pool';
import type { Queryable } from './sql';

/**
 * Serialises mappings of one identifier until the transaction ends, so the loser of a race sees the winner's
 * mapping (already mapped) instead of finding its subscriptions linked between two of its own checks.
 */
export async function lockIdentifier(tx: Tx, profileId: string, identifier: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1::text), hashtext($2::text))', [profileId, identifier]);
}

export async function mappedModelId(db: Queryable, profileId: string, identifier: string): Promise<string | null> {
  const rows = await db.query<{ model_id: string }>('SELECT model_id FROM identifier_mappings WHERE profile_id = $1 AND identifier = $2', [profileId, identifier]);
  return rows[0]?.model_id ?? null;
}

export async function countUnmappedSubscriptions(db: Queryable, profileId: string, identifier: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM subscriptions WHERE profile_id = $1 AND identifier = $2 AND model_id IS NULL',
    [profileId, identifier],
  );
  return rows[0]!.n;
}

/**
 * Maps the identifier and links every subscription carrying it to the model, so the mapping and the
 * subscriptions it covers never disagree. Returns how many subscriptions were linked.
 */
export async function mapIdentifier(tx: Tx, profileId: string, identifier: string, modelId: string): Promise<number> {
  await tx.query('INSERT INTO identifier_mappings (profile_id, identifier, model_id) VALUES ($1, $2, $3)', [profileId, identifier, modelId]);
  const rows = await tx.query<{ n: number }>(
    `WITH relinked AS (
       UPDATE subscriptions SET model_id = $3
        WHERE profile_id = $1 AND identifier = $2 AND model_id IS DISTINCT FROM $3
        RETURNING 1)
     SELECT count(*)::int AS n FROM relinked`,
    [profileId, identifier, modelId],
  );
  return rows[0]!.n;
}
