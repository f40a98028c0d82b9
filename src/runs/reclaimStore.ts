import type { Db } from '../db/pool';
import { OPEN_STATES } from './analysis';

export interface ReclaimPlan {
  activeSeats: number;
  cap: number;
  selected: number;
  overflow: number;
}

/**
 * Chooses this run's candidates: the oldest `ready` ones up to the cap (a share of active seats), so a bad
 * rule can never empty an organization in one run. The rest stay `ready` for the next run. Planning again
 * for the same job (a retried activity) returns the plan already made.
 */
export async function planReclaim(db: Db, p: { profileId: string; jobId: string; capPercent: number }): Promise<ReclaimPlan> {
  return db.withTransaction(async (tx) => {
    await tx.query('SELECT 1 FROM profiles WHERE id = $1 FOR UPDATE', [p.profileId]);
    const seats = await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM subscriptions WHERE profile_id = $1 AND status = 'active'", [p.profileId]);
    const activeSeats = seats[0]!.n;
    const cap = Math.floor((activeSeats * p.capPercent) / 100);
    const already = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM removal_candidates WHERE reclaim_job = $1', [p.jobId]);
    if (already[0]!.n === 0 && cap > 0) {
      await tx.query(
        `UPDATE removal_candidates SET reclaim_job = $2, updated_at = now()
          WHERE id IN (SELECT id FROM removal_candidates WHERE profile_id = $1 AND state = 'ready'
                        ORDER BY created_at, id LIMIT $3)`,
        [p.profileId, p.jobId, cap],
      );
    }
    const counts = await tx.query<{ selected: number; overflow: number }>(
      `SELECT count(*) FILTER (WHERE reclaim_job = $2)::int AS selected,
              count(*) FILTER (WHERE state = 'ready' AND reclaim_job IS DISTINCT FROM $2)::int AS overflow
         FROM removal_candidates WHERE profile_id = $1`,
      [p.profileId, p.jobId],
    );
    return { activeSeats, cap, selected: counts[0]!.selected, overflow: counts[0]!.overflow };
  });
}

export interface ReclaimTarget {
  id: string;
  userGid: string;
  email: string | null;
  lastActivityAt: Date | null;
  removalRequestedAt: Date | null;
  /** Why the candidate must not be reclaimed now, read from the database; null when it still qualifies. */
  stopReason: { state: 'closed_skipped' | 'closed_canceled'; reason: string } | null;
}

interface TargetRow {
  id: string;
  user_gid: string;
  email: string | null;
  last_activity_at: Date | null;
  removal_requested_at: Date | null;
  sub_status: string | null;
  excluded: boolean;
  newer_activity: Date | null;
  rule_active: boolean | null;
}

// A candidate with what the database says about it now; `where` narrows it (parameters from $2).
const TARGETS = (where: string) => `
  SELECT rc.id, rc.user_gid, s.email, rc.last_activity_at, rc.removal_requested_at, s.status AS sub_status,
         (s.is_admin OR s.user_gid = conn.authorized_user_gid
           OR EXISTS (SELECT 1 FROM identifier_exclusions x WHERE x.profile_id = rc.profile_id AND x.active AND x.identifier = s.identifier)
           OR EXISTS (SELECT 1 FROM user_exclusions x WHERE x.profile_id = rc.profile_id AND x.active
                        AND (x.user_gid = s.user_gid OR lower(x.email) = lower(s.email)))) AS excluded,
         CASE WHEN a.last_activity_at > COALESCE(rc.last_activity_at, '-infinity') THEN a.last_activity_at END AS newer_activity,
         r.active AS rule_active
    FROM removal_candidates rc
    JOIN connections conn ON conn.profile_id = rc.profile_id
    LEFT JOIN subscriptions s ON s.profile_id = rc.profile_id AND s.user_gid = rc.user_gid
    LEFT JOIN user_activity a ON a.profile_id = rc.profile_id AND a.user_gid = rc.user_gid
    LEFT JOIN reclamation_rules r ON r.id = rc.rule_id
   WHERE rc.profile_id = $1 AND ${where}
   ORDER BY rc.created_at, rc.id`;

function toTarget(r: TargetRow): ReclaimTarget {
  return {
    id: r.id,
    userGid: r.user_gid,
    email: r.email,
    lastActivityAt: r.last_activity_at,
    removalRequestedAt: r.removal_requested_at,
    stopReason:
      r.sub_status !== 'active'
        ? { state: 'closed_skipped', reason: 'No longer a member of the organization' }
        : r.excluded
          ? { state: 'closed_canceled', reason: 'Excluded from reclamation since the candidate was made' }
          : r.rule_active === false || r.rule_active === null
            ? { state: 'closed_canceled', reason: 'Its reclamation rule is no longer active' }
            : r.newer_activity
              ? { state: 'closed_canceled', reason: `Active again on ${r.newer_activity.toISOString().slice(0, 10)}` }
              : null,
  };
}

/** The next candidates of this job still waiting, with what the database says about them now. */
export async function nextReclaimTargets(db: Db, p: { profileId: string; jobId: string; limit: number }): Promise<ReclaimTarget[]> {
  const rows = await db.query<TargetRow>(`${TARGETS("rc.reclaim_job = $2 AND rc.state = 'ready'")} LIMIT $3`, [p.profileId, p.jobId, p.limit]);
  return rows.map(toTarget);
}

/** A candidate whose person was asked first (notify and wait), while it is still open. */
export async function reviewedTarget(db: Db, p: { profileId: string; candidateId: string }): Promise<ReclaimTarget | null> {
  const rows = await db.query<TargetRow>(TARGETS("rc.id = $2 AND rc.state IN ('awaiting_user', 'awaiting_approval')"), [p.profileId, p.candidateId]);
  return rows[0] ? toTarget(rows[0]) : null;
}

/** Committed before removeUser is sent: a retry that finds it set knows a removal may already have happened. */
export async function markRemovalRequested(db: Pick<Db, 'query'>, candidateId: string): Promise<void> {
  await db.query('UPDATE removal_candidates SET removal_requested_at = now(), updated_at = now() WHERE id = $1 AND removal_requested_at IS NULL', [candidateId]);
}

export type ClosingState = 'closed_complete' | 'closed_skipped' | 'closed_canceled' | 'attention_required';

/** Moves a candidate on; a reclaimed or departed member's subscription ends with it. */
export async function closeCandidate(db: Db, p: { profileId: string; candidateId: string; userGid: string; state: ClosingState; reason: string }): Promise<void> {
  await db.withTransaction(async (tx) => {
    await tx.query(
      `UPDATE removal_candidates SET state = $2, reason = $3, updated_at = now(),
              closed_at = CASE WHEN $2 LIKE 'closed_%' THEN now() END
        WHERE id = $1 AND state = ANY($4)`,
      [p.candidateId, p.state, p.reason, OPEN_STATES],
    );
    if (p.state === 'closed_complete' || p.state === 'closed_skipped') {
      await tx.query(
        "UPDATE subscriptions SET status = 'ended', ended_at = COALESCE(ended_at, now()) WHERE profile_id = $1 AND user_gid = $2 AND status = 'active'",
        [p.profileId, p.userGid],
      );
    }
  });
}

export async function markDryRun(db: Pick<Db, 'query'>, p: { profileId: string; jobId: string }): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH marked AS (
       UPDATE removal_candidates SET dry_run_at = now(), reason = 'Dry run: would be reclaimed', updated_at = now()
        WHERE profile_id = $1 AND reclaim_job = $2 AND state = 'ready' RETURNING 1)
     SELECT count(*)::int AS n FROM marked`,
    [p.profileId, p.jobId],
  );
  return rows[0]!.n;
}

/** The outcome of a reclaim job, read from the candidates themselves (right however often activities were retried). */
export async function reclaimOutcome(db: Pick<Db, 'query'>, jobId: string): Promise<Record<string, number>> {
  const rows = await db.query<{ state: string; dry: boolean; n: number }>(
    'SELECT state, dry_run_at IS NOT NULL AS dry, count(*)::int AS n FROM removal_candidates WHERE reclaim_job = $1 GROUP BY 1, 2',
    [jobId],
  );
  const by = (state: string, dry = false) => rows.filter((r) => r.state === state && r.dry === dry).reduce((sum, r) => sum + r.n, 0);
  return {
    reclaimed: by('closed_complete'),
    skipped: by('closed_skipped'),
    canceled: by('closed_canceled'),
    attentionRequired: by('attention_required'),
    wouldReclaim: by('ready', true),
  };
}

export async function countReclaimTargets(db: Pick<Db, 'query'>, p: { profileId: string; jobId: string }): Promise<number> {
  const rows = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM removal_candidates WHERE profile_id = $1 AND reclaim_job = $2 AND state = 'ready'",
    [p.profileId, p.jobId],
  );
  return rows[0]!.n;
}

/** Candidates whose person or manager is being asked: each has a review workflow. */
export async function reviewsOfProfile(db: Pick<Db, 'query'>, profileId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>("SELECT id FROM removal_candidates WHERE profile_id = $1 AND state IN ('awaiting_user', 'awaiting_approval')", [profileId]);
  return rows.map((r) => r.id);
}
