import crypto from 'node:crypto';
import type { Tx } from '../db/pool';
import { paged, Where, type Page, type Paged, type Queryable } from '../inventory/sql';

export interface EntitlementRow {
  id: string;
  model_id: string;
  edition: string;
  quantity: number;
  /** numeric(14,2) as text: exact, always two decimals. */
  unit_price: string;
  currency: string;
  /** YYYY-MM-DD: read as text, so no time zone shifts a calendar date. */
  term_start: string;
  term_end: string;
  current: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface EntitlementInput {
  modelId: string;
  quantity: number;
  /** Decimal text with two decimals ("12.50"). */
  unitPrice: string;
  currency: string;
  termStart: string;
  termEnd: string;
}

const SELECT = `
  SELECT e.id, e.model_id, m.edition, e.quantity, e.unit_price::text AS unit_price, e.currency,
         to_char(e.term_start, 'YYYY-MM-DD') AS term_start, to_char(e.term_end, 'YYYY-MM-DD') AS term_end,
         (e.term_start <= (now() AT TIME ZONE 'UTC')::date AND e.term_end >= (now() AT TIME ZONE 'UTC')::date) AS current,
         e.created_at, e.updated_at
    FROM entitlements e
    JOIN software_models m ON m.id = e.model_id`;

export async function listEntitlements(db: Queryable, profileId: string, f: { modelId?: string }, page: Page): Promise<Paged<EntitlementRow>> {
  const w = new Where();
  w.and(`e.profile_id = ${w.param(profileId)}`);
  if (f.modelId) w.and(`e.model_id = ${w.param(f.modelId)}`);
  return paged<EntitlementRow>(db, `${SELECT} WHERE ${w.sql}`, w.params, 'q.edition, q.term_start, q.created_at, q.id', page);
}

export async function getEntitlement(db: Queryable, profileId: string, id: string): Promise<EntitlementRow | null> {
  const rows = await db.query<EntitlementRow>(`${SELECT} WHERE e.profile_id = $1 AND e.id = $2`, [profileId, id]);
  return rows[0] ?? null;
}

/**
 * Locks the model (when it is the profile's) for the rest of the transaction and answers its edition.
 * Writers of one model's entitlements queue here, so two requests cannot give a model two currencies.
 * NO KEY UPDATE leaves the key-share locks of subscription writes (foreign keys) unblocked.
 */
export async function lockModel(tx: Tx, profileId: string, modelId: string): Promise<string | null> {
  const rows = await tx.query<{ edition: string }>('SELECT edition FROM software_models WHERE profile_id = $1 AND id = $2 FOR NO KEY UPDATE', [profileId, modelId]);
  return rows[0]?.edition ?? null;
}

/** The currency the model's other entitlements use, if any (they all share one). */
export async function modelCurrency(tx: Tx, modelId: string, exceptId: string | null): Promise<string | null> {
  const rows = await tx.query<{ currency: string }>('SELECT currency FROM entitlements WHERE model_id = $1 AND ($2::uuid IS NULL OR id <> $2) LIMIT 1', [
    modelId,
    exceptId,
  ]);
  return rows[0]?.currency ?? null;
}

export async function insertEntitlement(tx: Tx, profileId: string, e: EntitlementInput): Promise<string> {
  const id = crypto.randomUUID();
  await tx.query(
    `INSERT INTO entitlements (id, profile_id, model_id, quantity, unit_price, currency, term_start, term_end)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [id, profileId, e.modelId, e.quantity, e.unitPrice, e.currency, e.termStart, e.termEnd],
  );
  return id;
}

/** Row-locks the entitlement for an update in the caller's transaction; null when it is not the profile's. */
export async function lockEntitlement(tx: Tx, profileId: string, id: string): Promise<EntitlementRow | null> {
  const locked = await tx.query<{ id: string }>('SELECT id FROM entitlements WHERE profile_id = $1 AND id = $2 FOR UPDATE', [profileId, id]);
  return locked.length > 0 ? getEntitlement(tx, profileId, id) : null;
}

export async function updateEntitlement(tx: Tx, id: string, e: EntitlementInput): Promise<void> {
  await tx.query(
    `UPDATE entitlements SET model_id = $2, quantity = $3, unit_price = $4, currency = $5, term_start = $6, term_end = $7, updated_at = now()
      WHERE id = $1`,
    [id, e.modelId, e.quantity, e.unitPrice, e.currency, e.termStart, e.termEnd],
  );
}

export async function deleteEntitlement(db: Queryable, profileId: string, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>('DELETE FROM entitlements WHERE profile_id = $1 AND id = $2 RETURNING id', [profileId, id]);
  return rows.length > 0;
}

export function entitlementView(r: EntitlementRow) {
  return {
    id: r.id,
    modelId: r.model_id,
    edition: r.edition,
    quantity: r.quantity,
    unitPrice: r.unit_price,
    currency: r.currency,
    termStart: r.term_start,
    termEnd: r.term_end,
    current: r.current,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
