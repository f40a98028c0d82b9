import type { Tx } from '../db/pool';
import type { Queryable } from '../inventory/sql';
import { ACTIVITY_BUCKETS, type ActivitySpread, type ModelPosition, type Position, type PositionCounts } from './position';

/** Writes one run's positions, one row per model, in a single statement; all share `computedAt` and the job. */
export async function insertPositions(tx: Tx, p: { profileId: string; jobId: string; computedAt: Date; positions: ModelPosition[] }): Promise<void> {
  if (p.positions.length === 0) return;
  await tx.query(
    `INSERT INTO license_positions (id, profile_id, job_id, computed_at, model_id, edition, currency, rights_owned, used, available, shortfall,
                                    position, average_unit_price, true_up_cost, over_licensed_amount, open_candidates, reclaimed,
                                    potential_savings, actual_savings, activity_spread)
     SELECT gen_random_uuid(), $1, $2, $3, r."modelId", r.edition, r.currency, r."rightsOwned", r.used, r.available, r.shortfall,
            r.position, r."averageUnitPrice", r."trueUpCost", r."overLicensedAmount", r."openCandidates", r.reclaimed,
            r."potentialSavings", r."actualSavings", r."activitySpread"
       FROM jsonb_to_recordset($4::jsonb) AS r("modelId" uuid, edition text, currency text, "rightsOwned" int, used int, available int,
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
       FROM license_positions WHERE job_id = $1`,
    [jobId],
  );
  return rows[0] && rows[0].models > 0 ? rows[0] : null;
}

interface PositionRow {
  model_id: string | null;
  edition: string;
  currency: string | null;
  rights_owned: number;
  used: number;
  available: number;
  shortfall: number;
  position: Position;
  average_unit_price: string | null;
  true_up_cost: string;
  over_licensed_amount: string;
  open_candidates: number;
  reclaimed: number;
  potential_savings: string;
  actual_savings: string;
  activity_spread: ActivitySpread;
}

/** A stored position; a model deleted since keeps its rows (and edition) with no model ID. */
export type StoredPosition = Omit<ModelPosition, 'modelId'> & { modelId: string | null };

/** The models of the newest reconciliation (rows of one run share computed_at and job_id), by edition. */
export async function latestPositions(db: Queryable, profileId: string): Promise<StoredPosition[]> {
  const rows = await db.query<PositionRow>(
    `WITH latest AS (
       SELECT computed_at, job_id FROM license_positions WHERE profile_id = $1 ORDER BY computed_at DESC, job_id LIMIT 1)
     SELECT p.model_id, p.edition, p.currency, p.rights_owned, p.used, p.available, p.shortfall, p.position,
            p.average_unit_price::text AS average_unit_price, p.true_up_cost::text AS true_up_cost,
            p.over_licensed_amount::text AS over_licensed_amount, p.open_candidates, p.reclaimed,
            p.potential_savings::text AS potential_savings, p.actual_savings::text AS actual_savings, p.activity_spread
       FROM license_positions p
       JOIN latest l ON l.computed_at = p.computed_at AND l.job_id IS NOT DISTINCT FROM p.job_id
      WHERE p.profile_id = $1
      ORDER BY p.edition, p.model_id`,
    [profileId],
  );
  return rows.map((r) => ({
    modelId: r.model_id,
    edition: r.edition,
    currency: r.currency,
    rightsOwned: r.rights_owned,
    used: r.used,
    available: r.available,
    shortfall: r.shortfall,
    position: r.position,
    compliant: r.position !== 'under_licensed',
    averageUnitPrice: r.average_unit_price,
    trueUpCost: r.true_up_cost,
    overLicensedAmount: r.over_licensed_amount,
    openCandidates: r.open_candidates,
    reclaimed: r.reclaimed,
    potentialSavings: r.potential_savings,
    actualSavings: r.actual_savings,
    // jsonb keeps keys in its own order; answer them from the most recent to never.
    activitySpread: Object.fromEntries(ACTIVITY_BUCKETS.map((b) => [b, r.activity_spread[b] ?? 0])) as ActivitySpread,
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
       SELECT computed_at, job_id FROM license_positions WHERE profile_id = $1
        GROUP BY computed_at, job_id ORDER BY computed_at DESC, job_id LIMIT $2)
     SELECT p.computed_at, p.job_id, p.currency, count(*)::int AS models,
            count(*) FILTER (WHERE p.position = 'under_licensed')::int AS "underLicensed",
            count(*) FILTER (WHERE p.position = 'over_licensed')::int AS "overLicensed",
            count(*) FILTER (WHERE p.position <> 'under_licensed')::int AS compliant,
            sum(p.rights_owned)::int AS rights_owned, sum(p.used)::int AS used, sum(p.available)::int AS available,
            sum(p.shortfall)::int AS shortfall, sum(p.true_up_cost)::text AS true_up_cost,
            sum(p.over_licensed_amount)::text AS over_licensed_amount, sum(p.potential_savings)::text AS potential_savings,
            sum(p.actual_savings)::text AS actual_savings
       FROM license_positions p
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
