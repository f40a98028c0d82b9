import type { Db } from '../db/pool';

export const OPEN_STATES = ['ready', 'attention_required', 'awaiting_user', 'awaiting_approval'] as const;

export interface AnalysisCounts {
  candidatesCreated: number;
  candidatesCanceled: number;
  candidatesSkipped: number;
  openCandidates: number;
  /** 1 when activity could not be read, so no candidate was made from the absence of events. */
  activityUnavailable: number;
}

// A subscription is excluded from reclamation when any of these holds (aliases: s subscription, p profile's connection).
const EXCLUDED = `(
     s.is_admin
  OR s.user_gid = conn.authorized_user_gid
  OR EXISTS (SELECT 1 FROM identifier_exclusions x WHERE x.profile_id = s.profile_id AND x.active AND x.identifier = s.identifier)
  OR EXISTS (SELECT 1 FROM user_exclusions x WHERE x.profile_id = s.profile_id AND x.active
               AND (x.user_gid = s.user_gid OR lower(x.email) = lower(s.email))))`;

/**
 * Turns last activity into removal candidates, per active rule. "No signal is not inactivity": with
 * `activityReadable` false nothing new is created; otherwise a person with no event is taken as inactive
 * only since the start of the events read (the cursor's coverage start), never for longer.
 */
export async function analyzeActivity(db: Db, p: { profileId: string; jobId: string; activityReadable: boolean }): Promise<AnalysisCounts> {
  return db.withTransaction(async (tx) => {
    const created = p.activityReadable
      ? await tx.query<{ n: number }>(
          `WITH made AS (
             INSERT INTO removal_candidates (id, profile_id, user_gid, rule_id, model_id, state, reason, last_activity_at, created_by_job)
             SELECT gen_random_uuid(), s.profile_id, s.user_gid, r.id, r.model_id, 'ready',
                    CASE WHEN a.last_activity_at IS NULL
                         THEN format('No activity since %s (%s days or more)', to_char(c.coverage_start AT TIME ZONE 'UTC', 'YYYY-MM-DD'), r.threshold_days)
                         ELSE format('Last active %s, over %s days ago', to_char(a.last_activity_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), r.threshold_days) END,
                    a.last_activity_at, $2
               FROM subscriptions s
               JOIN reclamation_rules r ON r.profile_id = s.profile_id AND r.model_id = s.model_id AND r.active
               JOIN activity_cursors c ON c.profile_id = s.profile_id
               JOIN connections conn ON conn.profile_id = s.profile_id
               LEFT JOIN user_activity a ON a.profile_id = s.profile_id AND a.user_gid = s.user_gid
              WHERE s.profile_id = $1 AND s.status = 'active'
                AND COALESCE(a.last_activity_at, c.coverage_start) < now() - make_interval(days => r.threshold_days)
                AND s.account_created_at IS NOT NULL
                AND s.account_created_at < now() - make_interval(days => r.threshold_days)
                AND NOT ${EXCLUDED}
             ON CONFLICT DO NOTHING
             RETURNING 1)
           SELECT count(*)::int AS n FROM made`,
          [p.profileId, p.jobId],
        )
      : [{ n: 0 }];

    const skipped = await tx.query<{ n: number }>(
      `WITH gone AS (
         UPDATE removal_candidates rc SET state = 'closed_skipped', reason = 'No longer a member of the organization',
                closed_at = now(), updated_at = now()
           FROM subscriptions s
          WHERE rc.profile_id = $1 AND rc.state = ANY($2) AND s.profile_id = rc.profile_id AND s.user_gid = rc.user_gid
            AND s.status = 'ended'
          RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [p.profileId, OPEN_STATES],
    );

    const canceled = await tx.query<{ n: number }>(
      `WITH closing AS (
         SELECT rc.id,
                CASE WHEN ${EXCLUDED} THEN 'Excluded from reclamation since the candidate was made'
                     WHEN r.id IS NULL OR NOT r.active THEN 'Its reclamation rule is no longer active'
                     ELSE format('Active again on %s', to_char(a.last_activity_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')) END AS why
           FROM removal_candidates rc
           JOIN subscriptions s ON s.profile_id = rc.profile_id AND s.user_gid = rc.user_gid
           JOIN connections conn ON conn.profile_id = rc.profile_id
           LEFT JOIN reclamation_rules r ON r.id = rc.rule_id
           LEFT JOIN user_activity a ON a.profile_id = rc.profile_id AND a.user_gid = rc.user_gid
          WHERE rc.profile_id = $1 AND rc.state = ANY($2)
            AND (${EXCLUDED}
                 OR r.id IS NULL OR NOT r.active
                 OR a.last_activity_at >= now() - make_interval(days => r.threshold_days))),
       closed AS (
         UPDATE removal_candidates rc SET state = 'closed_canceled', reason = closing.why, closed_at = now(), updated_at = now()
           FROM closing WHERE rc.id = closing.id
          RETURNING 1)
       SELECT count(*)::int AS n FROM closed`,
      [p.profileId, OPEN_STATES],
    );

    const open = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM removal_candidates WHERE profile_id = $1 AND state = ANY($2)',
      [p.profileId, OPEN_STATES],
    );
    return {
      candidatesCreated: created[0]!.n,
      candidatesCanceled: canceled[0]!.n,
      candidatesSkipped: skipped[0]!.n,
      openCandidates: open[0]!.n,
      activityUnavailable: p.activityReadable ? 0 : 1,
    };
  });
}
