// Removal candidates and their reviews (notify and wait, with its single-use action links): the only module
// that reads or writes `removal_candidates` and `action_links`, and the home of the candidate states.
import type { Db, Queryable } from '../db/pool';
import { activityOrder, camelRow, pagedList, Where, type ActivitySort, type ListQuery, type Page, type Paged } from '../db/sql';
import { countActiveSubscriptions, endSubscription, reactivateSubscription } from './subscriptions';
import { NOT_RECLAIMABLE } from './rules';

/** The states of the `removal_candidates.state` CHECK, open ones first. */
export const CANDIDATE_STATES = ['ready', 'attention_required', 'awaiting_user', 'awaiting_approval', 'closed_complete', 'closed_skipped', 'closed_canceled', 'restored'] as const;
export type CandidateState = (typeof CANDIDATE_STATES)[number];
/** States of a candidate still to be decided: counted as potential savings, and re-checked by each analysis. */
export const OPEN_STATES = ['ready', 'attention_required', 'awaiting_user', 'awaiting_approval'] as const satisfies readonly CandidateState[];
/** States a person (or their manager) is being asked in: each has a review workflow. */
export const REVIEW_STATES = ['awaiting_user', 'awaiting_approval'] as const satisfies readonly CandidateState[];
/** Where a reclaim or a review leaves a candidate. */
export type ClosingState = Extract<CandidateState, 'closed_complete' | 'closed_skipped' | 'closed_canceled' | 'attention_required'>;

// ---- the analysis ----


export interface AnalysisCounts {
  candidatesCreated: number;
  candidatesCanceled: number;
  candidatesSkipped: number;
  openCandidates: number;
  /** 1 when activity could not be read, so no candidate was made from the absence of events. */
  activityUnavailable: number;
}

/** SQL: the subscription aliased `s` belongs to a person restored after a reclaim, still in their grace period. */
const PROTECTED = (s: string) => `EXISTS (SELECT 1 FROM removal_candidates pr WHERE pr.profile_id = ${s}.profile_id AND pr.user_gid = ${s}.user_gid
                                     AND pr.state = 'restored' AND pr.protected_until > now())`;

// A subscription (alias s) never made a candidate of nor reclaimed; conn is its profile's connection.
const EXCLUDED = `(${NOT_RECLAIMABLE('s', 'conn')} OR ${PROTECTED('s')})`;

/**
 * Turns last activity into removal candidates, per active rule. "No signal is not inactivity": with
 * `completeSince` null (a source could not be read) nothing new is created; otherwise a person with no
 * signal is taken as inactive only since the start of what the sources cover, never for longer.
 */
export async function analyzeActivity(db: Db, p: { profileId: string; jobId: string; completeSince: Date | null }): Promise<AnalysisCounts> {
  return db.withTransaction(async (tx) => {
    const created = p.completeSince
      ? await tx.query<{ n: number }>(
          `WITH made AS (
             INSERT INTO removal_candidates (id, profile_id, user_gid, rule_id, model_id, state, reason, last_activity_at, created_by_job)
             SELECT gen_random_uuid(), s.profile_id, s.user_gid, r.id, r.model_id, 'ready',
                    CASE WHEN a.last_activity_at IS NULL
                         THEN format('No activity since %s (%s days or more)', to_char($3::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD'), r.threshold_days)
                         ELSE format('Last active %s, over %s days ago', to_char(a.last_activity_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), r.threshold_days) END,
                    a.last_activity_at, $2
               FROM subscriptions s
               JOIN reclamation_rules r ON r.profile_id = s.profile_id AND r.model_id = s.model_id AND r.active
               JOIN connections conn ON conn.profile_id = s.profile_id
               LEFT JOIN user_activity a ON a.profile_id = s.profile_id AND a.user_gid = s.user_gid
              WHERE s.profile_id = $1 AND s.status = 'active'
                AND COALESCE(a.last_activity_at, $3::timestamptz) < now() - make_interval(days => r.threshold_days)
                AND s.account_created_at IS NOT NULL
                AND s.account_created_at < now() - make_interval(days => r.threshold_days)
                AND NOT ${EXCLUDED}
             ON CONFLICT DO NOTHING
             RETURNING 1)
           SELECT count(*)::int AS n FROM made`,
          [p.profileId, p.jobId, p.completeSince],
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
      activityUnavailable: p.completeSince ? 0 : 1,
    };
  });
}

// ---- the list ----


export interface CandidateFilters {
  states?: CandidateState[];
  modelId?: string;
  userGid?: string;
  sort?: ActivitySort;
}

export interface RemovalCandidateRow {
  id: string;
  user_gid: string;
  name: string | null;
  email: string | null;
  rule_id: string | null;
  model_id: string | null;
  state: CandidateState;
  reason: string | null;
  last_activity_at: Date | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  dry_run_at: Date | null;
  restored_at: Date | null;
  /** A restored person is not reclaimed again until then. */
  protected_until: Date | null;
}

export function removalCandidatesQuery(profileId: string, f: CandidateFilters): ListQuery {
  const w = new Where();
  w.and(`c.profile_id = ${w.param(profileId)}`);
  if (f.states && f.states.length > 0) w.and(`c.state = ANY(${w.param(f.states)}::text[])`);
  if (f.modelId) w.and(`c.model_id = ${w.param(f.modelId)}`);
  if (f.userGid) w.and(`c.user_gid = ${w.param(f.userGid)}`);
  // Left join: a candidate stays listed even if its subscription row is missing.
  const select = `
    SELECT c.id, c.user_gid, s.name, s.email, c.rule_id, c.model_id, c.state, c.reason, c.last_activity_at,
           c.created_at, c.updated_at, c.closed_at, c.dry_run_at, c.restored_at, c.protected_until
      FROM removal_candidates c
      LEFT JOIN subscriptions s ON s.profile_id = c.profile_id AND s.user_gid = c.user_gid
     WHERE ${w.sql}`;
  // Newest first: the list grows with every analysis and the recent candidates are the ones acted on.
  return { select, params: w.params, orderBy: activityOrder(f.sort, 'q.id', 'q.created_at DESC, q.id') };
}

export function listRemovalCandidates(db: Queryable, profileId: string, f: CandidateFilters, page: Page): Promise<Paged<RemovalCandidateRow>> {
  return pagedList<RemovalCandidateRow>(db, removalCandidatesQuery(profileId, f), page);
}

export function removalCandidateView(r: RemovalCandidateRow) {
  return camelRow(r);
}

// ---- reclaim ----

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
    const activeSeats = await countActiveSubscriptions(tx, p.profileId);
    const cap = Math.floor((activeSeats * p.capPercent) / 100);
    const already = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM removal_candidates WHERE reclaim_job = $1', [p.jobId]);
    if (already[0]!.n === 0 && cap > 0) {
      await tx.query(
        `UPDATE removal_candidates SET reclaim_job = $2, updated_at = now()
          WHERE id IN (SELECT id FROM removal_candidates WHERE profile_id = $1 AND state = 'ready'
                        -- People whose review ended waiting for a run go first: they were told the date.
                        ORDER BY notified_at IS NULL, created_at, id LIMIT $3)`,
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
         ${EXCLUDED} AS excluded,
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
  const rows = await db.query<TargetRow>(TARGETS('rc.id = $2 AND rc.state = ANY($3)'), [p.profileId, p.candidateId, REVIEW_STATES]);
  return rows[0] ? toTarget(rows[0]) : null;
}

/** Committed before removeUser is sent: a retry that finds it set knows a removal may already have happened. */
export async function markRemovalRequested(db: Queryable, candidateId: string): Promise<void> {
  await db.query('UPDATE removal_candidates SET removal_requested_at = now(), updated_at = now() WHERE id = $1 AND removal_requested_at IS NULL', [candidateId]);
}

/** Moves a candidate on; a reclaimed or departed member's subscription ends with it. */
export async function closeCandidate(db: Db, p: { profileId: string; candidateId: string; userGid: string; state: ClosingState; reason: string }): Promise<void> {
  await db.withTransaction(async (tx) => {
    await tx.query(
      `UPDATE removal_candidates SET state = $2, reason = $3, updated_at = now(),
              closed_at = CASE WHEN $2 LIKE 'closed_%' THEN now() END
        WHERE id = $1 AND state = ANY($4)`,
      [p.candidateId, p.state, p.reason, OPEN_STATES],
    );
    if (p.state === 'closed_complete' || p.state === 'closed_skipped') await endSubscription(tx, p.profileId, p.userGid);
  });
}

export async function markDryRun(db: Queryable, p: { profileId: string; jobId: string }): Promise<number> {
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
export async function reclaimOutcome(db: Queryable, jobId: string): Promise<Record<string, number>> {
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

export async function countReclaimTargets(db: Queryable, p: { profileId: string; jobId: string }): Promise<number> {
  const rows = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM removal_candidates WHERE profile_id = $1 AND reclaim_job = $2 AND state = 'ready'",
    [p.profileId, p.jobId],
  );
  return rows[0]!.n;
}

/** Candidates whose person or manager is being asked: each has a review workflow. */
export async function reviewsOfProfile(db: Queryable, profileId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>('SELECT id FROM removal_candidates WHERE profile_id = $1 AND state = ANY($2)', [profileId, REVIEW_STATES]);
  return rows.map((r) => r.id);
}

// ---- restore (undo a reclaim) ----

export interface RestoreTarget {
  id: string;
  profileId: string;
  userGid: string;
  state: CandidateState;
  closedAt: Date | null;
  restoreRequestedAt: Date | null;
}

export async function getRestoreTarget(db: Queryable, profileId: string, candidateId: string): Promise<RestoreTarget | null> {
  const rows = await db.query<{ id: string; profile_id: string; user_gid: string; state: CandidateState; closed_at: Date | null; restore_requested_at: Date | null }>(
    'SELECT id, profile_id, user_gid, state, closed_at, restore_requested_at FROM removal_candidates WHERE profile_id = $1 AND id = $2',
    [profileId, candidateId],
  );
  const r = rows[0];
  return r ? { id: r.id, profileId: r.profile_id, userGid: r.user_gid, state: r.state, closedAt: r.closed_at, restoreRequestedAt: r.restore_requested_at } : null;
}

export async function getRemovalCandidate(db: Queryable, profileId: string, candidateId: string): Promise<RemovalCandidateRow | null> {
  const q = removalCandidatesQuery(profileId, {});
  const rows = await db.query<RemovalCandidateRow>(`${q.select} AND c.id = $${q.params.length + 1}`, [...q.params, candidateId]);
  return rows[0] ?? null;
}

/** Committed before addUser is sent: a retry that finds it set asks Asana whether the person is back already. */
export async function markRestoreRequested(db: Queryable, candidateId: string): Promise<void> {
  await db.query("UPDATE removal_candidates SET restore_requested_at = now(), updated_at = now() WHERE id = $1 AND state = 'closed_complete' AND restore_requested_at IS NULL", [candidateId]);
}

/** Asana refused to add the person back: the candidate stays reclaimed, ready to be tried again. */
export async function clearRestoreRequested(db: Queryable, candidateId: string): Promise<void> {
  await db.query("UPDATE removal_candidates SET restore_requested_at = NULL, updated_at = now() WHERE id = $1 AND state = 'closed_complete'", [candidateId]);
}

/** The person is a member again: the candidate is `restored`, protected for `protectionDays`, the seat active again. */
export async function markRestored(db: Db, p: { profileId: string; candidateId: string; userGid: string; protectionDays: number }): Promise<void> {
  await db.withTransaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `UPDATE removal_candidates SET state = 'restored', restored_at = now(), protected_until = now() + $2 * interval '1 day',
              reason = format('Restored: added back to the organization; not reclaimed again before %s', to_char((now() + $2 * interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD')),
              updated_at = now()
        WHERE id = $1 AND state = 'closed_complete' RETURNING id`,
      [p.candidateId, p.protectionDays],
    );
    if (rows.length > 0) await reactivateSubscription(tx, p.profileId, p.userGid);
  });
}

// ---- reviews (notify and wait) ----

/** Without a mail server, the `ready` candidates of notify-first rules wait for an operator instead. */
export async function holdForOperator(db: Queryable, profileId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH held AS (
       UPDATE removal_candidates rc SET state = 'attention_required', updated_at = now(),
              reason = 'The rule asks to notify the person first, but no mail server is configured (SMTP_URL)'
         FROM reclamation_rules r
        WHERE rc.profile_id = $1 AND rc.state = 'ready' AND r.id = rc.rule_id AND r.notify_user RETURNING 1)
     SELECT count(*)::int AS n FROM held`,
    [profileId],
  );
  return rows[0]!.n;
}

/**
 * Hands the `ready` candidates of notify-first rules to their person (`awaiting_user`, with the rule's deadline),
 * so reclaim runs leave them alone; answers every candidate awaiting its person who was not emailed yet.
 */
export async function handToReviews(db: Queryable, profileId: string): Promise<string[]> {
  await db.query(
    `UPDATE removal_candidates rc SET state = 'awaiting_user', updated_at = now(),
            deadline_at = now() + r.days_before_auto_reclaim * interval '1 day'
       FROM reclamation_rules r
      WHERE rc.profile_id = $1 AND rc.state = 'ready' AND r.id = rc.rule_id AND r.notify_user
        -- A person asked already, whose reclaim waits for a run (the cap, or reclaim switched off), is not asked again.
        AND rc.notified_at IS NULL`,
    [profileId],
  );
  const waiting = await db.query<{ id: string }>(
    "SELECT id FROM removal_candidates WHERE profile_id = $1 AND state = 'awaiting_user' AND notified_at IS NULL ORDER BY created_at, id",
    [profileId],
  );
  return waiting.map((r) => r.id);
}

export interface ReviewRow {
  id: string;
  profile_id: string;
  user_gid: string;
  name: string | null;
  email: string | null;
  last_activity_at: Date | null;
  deadline_at: Date | null;
  days_before_auto_reclaim: string;
  manager_email: string | null;
  reminder_days_before: string[] | null;
  state: CandidateState;
  organization: string;
}

/** What a review needs to write to the person or the manager. */
export async function loadReview(db: Queryable, candidateId: string): Promise<ReviewRow | null> {
  const rows = await db.query<ReviewRow>(
    `SELECT rc.id, rc.profile_id, rc.user_gid, s.name, s.email, rc.last_activity_at, rc.deadline_at,
            r.days_before_auto_reclaim, r.manager_email, r.reminder_days_before, rc.state, p.display_name AS organization
       FROM removal_candidates rc
       JOIN profiles p ON p.id = rc.profile_id
       LEFT JOIN subscriptions s ON s.profile_id = rc.profile_id AND s.user_gid = rc.user_gid
       LEFT JOIN reclamation_rules r ON r.id = rc.rule_id
      WHERE rc.id = $1`,
    [candidateId],
  );
  return rows[0] ?? null;
}

/** A reminder went out (counted, so a retried activity does not send it twice). */
export async function markReminded(db: Queryable, candidateId: string, number: number): Promise<boolean> {
  const rows = await db.query<{ id: string }>('UPDATE removal_candidates SET reminders_sent = $2, updated_at = now() WHERE id = $1 AND reminders_sent < $2 RETURNING id', [candidateId, number]);
  return rows.length > 0;
}

export async function remindersSent(db: Queryable, candidateId: string): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT reminders_sent AS n FROM removal_candidates WHERE id = $1', [candidateId]);
  return rows[0]?.n ?? 0;
}

/**
 * A review ended in a reclaim: it counts against the cap of the profile's newest planned reclaim run. Answers
 * whether there is room (the candidate is then counted against that run) or the run and its cap when there is
 * none. Before any reclaim run planned, there is no cap to count against yet, and the reclaim goes ahead.
 */
export async function claimReviewReclaim(db: Db, p: { profileId: string; candidateId: string }): Promise<{ granted: boolean; jobId: string | null; cap: number | null }> {
  return db.withTransaction(async (tx) => {
    await tx.query('SELECT 1 FROM profiles WHERE id = $1 FOR UPDATE', [p.profileId]);
    const mine = await tx.query<{ job: string | null }>('SELECT review_reclaim_job AS job FROM removal_candidates WHERE id = $1', [p.candidateId]);
    const jobs = await tx.query<{ id: string; cap: number }>(
      `SELECT id, (counts->>'cap')::int AS cap FROM job_results
        WHERE profile_id = $1 AND kind = 'reclaim' AND counts ? 'cap' ORDER BY started_at DESC, id LIMIT 1`,
      [p.profileId],
    );
    const job = jobs[0];
    if (!job) return { granted: true, jobId: null, cap: null };
    // A retried activity finds its slot taken already.
    if (mine[0]?.job === job.id) return { granted: true, jobId: job.id, cap: job.cap };
    const used = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM removal_candidates WHERE profile_id = $1 AND (reclaim_job = $2 OR review_reclaim_job = $2)',
      [p.profileId, job.id],
    );
    if (used[0]!.n >= job.cap) return { granted: false, jobId: job.id, cap: job.cap };
    await tx.query('UPDATE removal_candidates SET review_reclaim_job = $2, updated_at = now() WHERE id = $1', [p.candidateId, job.id]);
    return { granted: true, jobId: job.id, cap: job.cap };
  });
}

/** The review's reclaim found the run's cap used: the candidate waits, `ready`, for the next reclaim run. */
export async function waitForNextRun(db: Queryable, candidateId: string, cap: number): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `UPDATE removal_candidates SET state = 'ready', updated_at = now(),
            reason = format('The review ended in a reclaim on %s, but this run''s cap (%s seats) is used: it waits for the next reclaim run', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), $2::int)
      WHERE id = $1 AND state = ANY($3) RETURNING id`,
    [candidateId, cap, REVIEW_STATES],
  );
  return rows.length > 0;
}

/** The person was emailed; their time to answer runs until `deadline`. */
export async function markNotified(db: Queryable, candidateId: string, deadline: Date): Promise<void> {
  await db.query(
    "UPDATE removal_candidates SET notified_at = now(), deadline_at = $2, reason = 'Asked the person whether they still need the seat', updated_at = now() WHERE id = $1",
    [candidateId, deadline],
  );
}

/** The person asked to keep the seat: the manager decides by `deadline`. */
export async function awaitManager(db: Queryable, candidateId: string, deadline: Date): Promise<void> {
  await db.query(
    "UPDATE removal_candidates SET state = 'awaiting_approval', deadline_at = $2, reason = 'The person asked to keep the seat; waiting for the manager', updated_at = now() WHERE id = $1 AND state = 'awaiting_user'",
    [candidateId, deadline],
  );
}

/** A review ended in a reclaim that is switched off (or a dry run): the candidate goes back to `ready`, saying so. */
export async function recordNotReclaimed(db: Queryable, candidateId: string, dryRun: boolean): Promise<void> {
  await db.query(`UPDATE removal_candidates SET state = 'ready', reason = $2, dry_run_at = CASE WHEN $3 THEN now() END, updated_at = now() WHERE id = $1`, [
    candidateId,
    dryRun ? 'Dry run: would be reclaimed after the review' : 'Would be reclaimed after the review, but reclaimSubscriptions is off',
    dryRun,
  ]);
}

export async function candidateState(db: Queryable, candidateId: string): Promise<CandidateState | null> {
  const rows = await db.query<{ state: CandidateState }>('SELECT state FROM removal_candidates WHERE id = $1', [candidateId]);
  return rows[0]?.state ?? null;
}

/** Reviewed candidates an analysis closed since `since` (their reviews are told to stop). */
export async function closedReviewsSince(db: Queryable, profileId: string, since: string): Promise<Array<{ id: string; reason: string }>> {
  return db.query<{ id: string; reason: string }>(
    `SELECT id, reason FROM removal_candidates
      WHERE profile_id = $1 AND notified_at IS NOT NULL AND closed_at >= $2 AND state IN ('closed_canceled', 'closed_skipped')`,
    [profileId, since],
  );
}

// ---- action links ----

export type ActionName = 'keep' | 'release' | 'approve' | 'reject';

export interface ActionLinkRow {
  candidate_id: string;
  action: ActionName;
  expires_at: Date;
  used_at: Date | null;
}

/** Records a link by the hash of its nonce (the nonce itself is only in the link). */
export async function insertActionLink(db: Queryable, p: { nonceHash: string; candidateId: string; action: ActionName; expiresAt: Date }): Promise<void> {
  await db.query('INSERT INTO action_links (nonce, candidate_id, action, expires_at) VALUES ($1, $2, $3, $4)', [p.nonceHash, p.candidateId, p.action, p.expiresAt]);
}

export async function findActionLink(db: Queryable, nonceHash: string): Promise<ActionLinkRow | null> {
  const rows = await db.query<ActionLinkRow>('SELECT candidate_id, action, expires_at, used_at FROM action_links WHERE nonce = $1', [nonceHash]);
  return rows[0] ?? null;
}

/**
 * Locks the candidate for the rest of the transaction and answers its profile (null when it is gone): uses of
 * one candidate's links queue here, one after another.
 */
export async function lockCandidate(db: Queryable, candidateId: string): Promise<{ profileId: string } | null> {
  const rows = await db.query<{ profile_id: string }>('SELECT profile_id FROM removal_candidates WHERE id = $1 FOR UPDATE', [candidateId]);
  return rows[0] ? { profileId: rows[0].profile_id } : null;
}

/** Uses up every link of one step (keep and release, or approve and reject) of a candidate. */
export async function useStepLinks(db: Queryable, candidateId: string, step: readonly ActionName[], now: Date): Promise<void> {
  await db.query('UPDATE action_links SET used_at = $3 WHERE candidate_id = $1 AND action = ANY($2) AND used_at IS NULL', [candidateId, step, now]);
}

/** Candidates of every profile by state (the metrics' gauge). */
export async function countCandidatesByState(db: Queryable): Promise<Record<string, number>> {
  const rows = await db.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM removal_candidates GROUP BY state');
  return Object.fromEntries(CANDIDATE_STATES.map((s) => [s, rows.find((r) => r.state === s)?.n ?? 0]));
}
