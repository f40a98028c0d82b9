// The Asana requests each token sent in its last window, across every worker process (migrations 016, 018).
import type { Queryable } from '../db/pool';

/** What a booking got: `booked` places (0 when the window was full), else the milliseconds until one frees. */
export interface Admission {
  booked: number;
  waitMs: number;
}

/**
 * Books up to `want` requests for `tokenKey` (as many as fit under `limit` in the last `windowMs`, at least one if
 * any does), else answers the milliseconds until one leaves the window. Time is the database's, the one clock every
 * worker shares.
 */
export async function admitAsanaRequests(db: Queryable, tokenKey: string, limit: number, windowMs: number, want = 1): Promise<Admission> {
  const rows = await db.query<{ booked: number; wait_ms: number }>('SELECT booked, wait_ms FROM asana_admit_requests($1, $2, $3, $4)', [
    tokenKey,
    limit,
    Math.round(windowMs),
    want,
  ]);
  return { booked: rows[0]!.booked, waitMs: rows[0]!.wait_ms };
}
