// Sessions of the web console: the only module that reads or writes `console_sessions`. A row is keyed by the
// hash of the cookie's session id and holds the API token sealed; the caller seals and opens it.
import type { Queryable } from '../db/pool';

export interface ConsoleSessionRow {
  sealed_token: string;
  csrf_token: string;
  expires_at: Date;
}

/** Stores a new session, and drops the ones that expired (they are never read again). */
export async function createConsoleSession(
  db: Queryable,
  session: { idHash: string; sealedToken: string; csrfToken: string; expiresAt: Date; now: Date },
): Promise<void> {
  await db.query('DELETE FROM console_sessions WHERE expires_at <= $1', [session.now]);
  await db.query('INSERT INTO console_sessions (id_hash, sealed_token, csrf_token, expires_at) VALUES ($1, $2, $3, $4)', [
    session.idHash,
    session.sealedToken,
    session.csrfToken,
    session.expiresAt,
  ]);
}

/** The session with this id hash, unless it has expired. */
export async function findConsoleSession(db: Queryable, idHash: string, now: Date): Promise<ConsoleSessionRow | null> {
  const rows = await db.query<ConsoleSessionRow>('SELECT sealed_token, csrf_token, expires_at FROM console_sessions WHERE id_hash = $1 AND expires_at > $2', [
    idHash,
    now,
  ]);
  return rows[0] ?? null;
}

export async function deleteConsoleSession(db: Queryable, idHash: string): Promise<void> {
  await db.query('DELETE FROM console_sessions WHERE id_hash = $1', [idHash]);
}
