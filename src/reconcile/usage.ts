import type { Tx } from '../db/pool';
import { OPEN_STATES } from '../runs/analysis';
import { toCents } from './money';
import type { ModelUsage } from './position';

interface UsageRow {
  model_id: string;
  edition: string;
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
          AND NOT EXISTS (SELECT 1 FROM identifier_exclusions x WHERE x.profile_id = s.profile_id AND x.active AND x.identifier = s.identifier)
          AND NOT EXISTS (SELECT 1 FROM user_exclusions x WHERE x.profile_id = s.profile_id AND x.active
                            AND (x.user_gid = s.user_gid OR lower(x.email) = lower(s.email)))),
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
     SELECT m.id AS model_id, m.edition, c.currency, COALESCE(o.rights_owned, 0) AS rights_owned, COALESCE(o.value, '0') AS value,
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
    currency: r.currency,
    rightsOwned: r.rights_owned,
    valueCents: toCents(r.value),
    used: r.used,
    openCandidates: r.open_candidates,
    reclaimed: r.reclaimed,
    activitySpread: { '0-30': r.d0_30, '30-60': r.d30_60, '60-90': r.d60_90, '90+': r.d90, never: r.never },
  }));
}
