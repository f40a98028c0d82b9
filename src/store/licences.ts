// What was bought and how it compares with what is used: the only module that reads or writes
// `entitlements` and `licence_positions`.
import crypto from 'node:crypto';
import type { Queryable, Tx } from '../db/pool';
import { camelRow, paged, Where, type Page, type Paged } from '../db/sql';
import { toCents } from '../reconcile/money';
import { ACTIVITY_BUCKETS, type ActivitySpread, type ModelPosition, type ModelUsage, type PositionCounts } from '../reconcile/computePosition';
import { OPEN_STATES } from './candidates';
import { EXCLUDED_BY_RULE } from './rules';

// ---- entitlements ----

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
  return camelRow(r);
}

// ---- what a reconciliation is computed from ----

interface UsageRow {
  model_id: string;
  edition: string;
  billable: boolean;
  currency: string | null;
  rights_owned: number;
  value: string;
  used: number;
  open_candidates: number;
  reclaimed: number;
  d0_30: number;
  d30_60: number;
  d60_90: number;
  d90: number;
  never: number;
}

const DAY_SECONDS = 86_400;

/**
 * Every model of the profile with what the position is computed from, in one statement (one snapshot).
 * Entitlements count when their term covers the reconciliation date (both ends inclusive). A seat is
 * used when its subscription is active and no active identifier or user exclusion matches it; admins
 * and the connection's user are used seats like any other. Candidates count whatever their user's
 * exclusions: an excluded user's open candidate is closed by the next analysis, not hidden here.
 */
export async function modelUsage(tx: Tx, profileId: string, at: Date): Promise<ModelUsage[]> {
  const rows = await tx.query<UsageRow>(
    `WITH covering AS (
       SELECT model_id, sum(quantity)::int AS rights_owned, sum(quantity * unit_price)::text AS value
         FROM entitlements
        WHERE profile_id = $1 AND term_start <= ($2::timestamptz AT TIME ZONE 'UTC')::date
          AND term_end >= ($2::timestamptz AT TIME ZONE 'UTC')::date
        GROUP BY model_id),
     currency AS (
       SELECT DISTINCT ON (model_id) model_id, currency FROM entitlements WHERE profile_id = $1 ORDER BY model_id, created_at),
     seats AS (
       SELECT s.model_id, extract(epoch FROM $2::timestamptz - a.last_activity_at) AS idle
         FROM subscriptions s
         LEFT JOIN user_activity a ON a.profile_id = s.profile_id AND a.user_gid = s.user_gid
        WHERE s.profile_id = $1 AND s.status = 'active' AND s.model_id IS NOT NULL
          AND NOT ${EXCLUDED_BY_RULE('s')}),
     used AS (
       SELECT model_id, count(*)::int AS used,
              count(*) FILTER (WHERE idle < 30 * $4)::int AS d0_30,
              count(*) FILTER (WHERE idle >= 30 * $4 AND idle < 60 * $4)::int AS d30_60,
              count(*) FILTER (WHERE idle >= 60 * $4 AND idle < 90 * $4)::int AS d60_90,
              count(*) FILTER (WHERE idle >= 90 * $4)::int AS d90,
              count(*) FILTER (WHERE idle IS NULL)::int AS never
         FROM seats GROUP BY model_id),
     candidates AS (
       SELECT model_id, count(*) FILTER (WHERE state = ANY($3))::int AS open_candidates,
              count(*) FILTER (WHERE state = 'closed_complete')::int AS reclaimed
         FROM removal_candidates WHERE profile_id = $1 AND model_id IS NOT NULL GROUP BY model_id)
     SELECT m.id AS model_id, m.edition, m.billable, c.currency, COALESCE(o.rights_owned, 0) AS rights_owned, COALESCE(o.value, '0') AS value,
            COALESCE(u.used, 0) AS used, COALESCE(k.open_candidates, 0) AS open_candidates, COALESCE(k.reclaimed, 0) AS reclaimed,
            COALESCE(u.d0_30, 0) AS d0_30, COALESCE(u.d30_60, 0) AS d30_60, COALESCE(u.d60_90, 0) AS d60_90,
            COALESCE(u.d90, 0) AS d90, COALESCE(u.never, 0) AS never
       FROM software_models m
       LEFT JOIN covering o ON o.model_id = m.id
       LEFT JOIN currency c ON c.model_id = m.id
       LEFT JOIN used u ON u.model_id = m.id
       LEFT JOIN candidates k ON k.model_id = m.id
      WHERE m.profile_id = $1
      ORDER BY m.edition, m.id`,
    [profileId, at, OPEN_STATES, DAY_SECONDS],
  );
  return rows.map((r) => ({
    modelId: r.model_id,
    edition: r.edition,
    billable: r.billable,
    currency: r.currency,
    rightsOwned: r.rights_owned,
    valueCents: toCents(r.value),
    used: r.used,
    openCandidates: r.open_candidates,
    reclaimed: r.reclaimed,
    activitySpread: { '0-30': r.d0_30, '30-60': r.d30_60, '60-90': r.d60_90, '90+': r.d90, never: r.never },
  }));
}

/** The database's clock, to milliseconds: one instant dates a whole reconciliation and survives a JavaScript Date. */
export async function databaseNow(tx: Tx): Promise<Date> {
  return (await tx.query<{ at: Date }>("SELECT date_trunc('milliseconds', now()) AS at"))[0]!.at;
}

// ---- licence positions ----

/** Writes one run's positions, one row per model, in a single statement; all share `computedAt` and the job. */
export async function insertPositions(tx: Tx, p: { profileId: string; jobId: string; computedAt: Date; positions: ModelPosition[] }): Promise<void> {
  if (p.positions.length === 0) return;
  await tx.query(
    `INSERT INTO licence_positions (id, profile_id, job_id, computed_at, model_id, edition, billable, currency, rights_owned, used, available, shortfall,
                                    position, average_unit_price, true_up_cost, over_licensed_amount, open_candidates, reclaimed,
                                    potential_savings, actual_savings, activity_spread)
     SELECT gen_random_uuid(), $1, $2, $3, r."modelId", r.edition, r.billable, r.currency, r."rightsOwned", r.used, r.available, r.shortfall,
            r.position, r."averageUnitPrice", r."trueUpCost", r."overLicensedAmount", r."openCandidates", r.reclaimed,
            r."potentialSavings", r."actualSavings", r."activitySpread"
       FROM jsonb_to_recordset($4::jsonb) AS r("modelId" uuid, edition text, billable boolean, currency text, "rightsOwned" int, used int, available int,
            shortfall int, position text, "averageUnitPrice" numeric, "trueUpCost" numeric, "overLicensedAmount" numeric,
            "openCandidates" int, reclaimed int, "potentialSavings" numeric, "actualSavings" numeric, "activitySpread" jsonb)`,
    [p.profileId, p.jobId, p.computedAt, JSON.stringify(p.positions)],
  );
}

/** The counts of a run that already wrote its positions (a retried activity answers them again). */
export async function writtenCounts(tx: Tx, jobId: string): Promise<PositionCounts | null> {
  const rows = await tx.query<PositionCounts>(
    `SELECT count(*)::int AS models,
            count(*) FILTER (WHERE position = 'under_licensed')::int AS "underLicensed",
            count(*) FILTER (WHERE position = 'over_licensed')::int AS "overLicensed",
            count(*) FILTER (WHERE position <> 'under_licensed')::int AS compliant
       FROM licence_positions WHERE job_id = $1`,
    [jobId],
  );
  return rows[0] && rows[0].models > 0 ? rows[0] : null;
}

/** A stored position; a model deleted since keeps its rows (and edition) with no model ID. */
export type StoredPosition = Omit<ModelPosition, 'modelId'> & { modelId: string | null };

/** The models of the newest reconciliation (rows of one run share computed_at and job_id), by edition. */
export async function latestPositions(db: Queryable, profileId: string): Promise<StoredPosition[]> {
  // Named as the API shows them (compliant is derived from the position).
  const rows = await db.query<Omit<StoredPosition, 'compliant'>>(
    `WITH latest AS (
       SELECT computed_at, job_id FROM licence_positions WHERE profile_id = $1 ORDER BY computed_at DESC, job_id LIMIT 1)
     SELECT p.model_id AS "modelId", p.edition, p.billable, p.currency, p.rights_owned AS "rightsOwned", p.used, p.available, p.shortfall,
            p.position, p.average_unit_price::text AS "averageUnitPrice", p.true_up_cost::text AS "trueUpCost",
            p.over_licensed_amount::text AS "overLicensedAmount", p.open_candidates AS "openCandidates", p.reclaimed,
            p.potential_savings::text AS "potentialSavings", p.actual_savings::text AS "actualSavings", p.activity_spread AS "activitySpread"
       FROM licence_positions p
       JOIN latest l ON l.computed_at = p.computed_at AND l.job_id IS NOT DISTINCT FROM p.job_id
      WHERE p.profile_id = $1
      ORDER BY p.edition, p.model_id`,
    [profileId],
  );
  return rows.map(({ activitySpread, ...r }) => ({
    ...r,
    compliant: r.position !== 'under_licensed',
    // jsonb keeps keys in its own order; answer them from the most recent to never.
    activitySpread: Object.fromEntries(ACTIVITY_BUCKETS.map((b) => [b, activitySpread[b] ?? 0])) as ActivitySpread,
  }));
}

export interface CurrencyTotals {
  models: number;
  rightsOwned: number;
  used: number;
  available: number;
  shortfall: number;
  trueUpCost: string;
  overLicensedAmount: string;
  potentialSavings: string;
  actualSavings: string;
}

export interface RunSummary extends PositionCounts {
  computedAt: Date;
  jobId: string | null;
  /** By currency; models without entitlements are not costed, so they are in no total. */
  totals: Record<string, CurrencyTotals>;
}

interface SummaryRow extends PositionCounts {
  computed_at: Date;
  job_id: string | null;
  currency: string | null;
  rights_owned: number;
  used: number;
  available: number;
  shortfall: number;
  true_up_cost: string;
  over_licensed_amount: string;
  potential_savings: string;
  actual_savings: string;
}

/** The newest `limit` reconciliations, newest first, each with its counts and totals per currency. */
export async function runSummaries(db: Queryable, profileId: string, limit: number): Promise<RunSummary[]> {
  const rows = await db.query<SummaryRow>(
    `WITH runs AS (
       SELECT computed_at, job_id FROM licence_positions WHERE profile_id = $1
        GROUP BY computed_at, job_id ORDER BY computed_at DESC, job_id LIMIT $2)
     SELECT p.computed_at, p.job_id, p.currency, count(*)::int AS models,
            count(*) FILTER (WHERE p.position = 'under_licensed')::int AS "underLicensed",
            count(*) FILTER (WHERE p.position = 'over_licensed')::int AS "overLicensed",
            count(*) FILTER (WHERE p.position <> 'under_licensed')::int AS compliant,
            sum(p.rights_owned)::int AS rights_owned, sum(p.used)::int AS used, sum(p.available)::int AS available,
            sum(p.shortfall)::int AS shortfall, sum(p.true_up_cost)::text AS true_up_cost,
            sum(p.over_licensed_amount)::text AS over_licensed_amount, sum(p.potential_savings)::text AS potential_savings,
            sum(p.actual_savings)::text AS actual_savings
       FROM licence_positions p
       JOIN runs r ON r.computed_at = p.computed_at AND r.job_id IS NOT DISTINCT FROM p.job_id
      WHERE p.profile_id = $1
      GROUP BY p.computed_at, p.job_id, p.currency
      ORDER BY p.computed_at DESC, p.job_id, p.currency`,
    [profileId, limit],
  );
  const runs: RunSummary[] = [];
  for (const r of rows) {
    let run = runs.at(-1);
    if (!run || run.computedAt.getTime() !== r.computed_at.getTime() || run.jobId !== r.job_id) {
      run = { computedAt: r.computed_at, jobId: r.job_id, models: 0, underLicensed: 0, overLicensed: 0, compliant: 0, totals: {} };
      runs.push(run);
    }
    run.models += r.models;
    run.underLicensed += r.underLicensed;
    run.overLicensed += r.overLicensed;
    run.compliant += r.compliant;
    if (r.currency !== null) {
      run.totals[r.currency] = {
        models: r.models,
        rightsOwned: r.rights_owned,
        used: r.used,
        available: r.available,
        shortfall: r.shortfall,
        trueUpCost: r.true_up_cost,
        overLicensedAmount: r.over_licensed_amount,
        potentialSavings: r.potential_savings,
        actualSavings: r.actual_savings,
      };
    }
  }
  return runs;
}
