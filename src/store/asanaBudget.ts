// The Asana requests each token sent in its last window, across every worker process (migration 016).
import type { Queryable } from '../db/pool';

/**
 * Books one request for `tokenKey` if fewer than `limit` were sent in the last `windowMs` (answers 0), else answers
 * the milliseconds until one leaves the window. Time is the database's, the one clock every worker shares.
 */
export async function admitAsanaRequest(db: Queryable, tokenKey: string, limit: number, windowMs: number): Promise<number> {
  const rows = await db.query<{ wait_ms: number }>('SELECT asana_admit_request($1, $2, $3) AS wait_ms', [tokenKey, limit, Math.round(windowMs)]);
  return rows[0]!.wait_ms;
}
