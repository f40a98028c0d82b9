import { pagedList, Where, type ListQuery, type Page, type Paged, type Queryable } from './sql';

/** The states of the `removal_candidates.state` CHECK, open ones first. */
export const CANDIDATE_STATES = [
  'ready',
  'attention_required',
  'awaiting_user',
  'awaiting_approval',
  'closed_complete',
  'closed_skipped',
  'closed_canceled',
] as const;
export type CandidateState = (typeof CANDIDATE_STATES)[number];

export interface CandidateFilters {
  states?: CandidateState[];
  modelId?: string;
  userGid?: string;
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
           c.created_at, c.updated_at, c.closed_at, c.dry_run_at
      FROM removal_candidates c
      LEFT JOIN subscriptions s ON s.profile_id = c.profile_id AND s.user_gid = c.user_gid
     WHERE ${w.sql}`;
  // Newest first: the list grows with every analysis and the recent candidates are the ones acted on.
  return { select, params: w.params, orderBy: 'q.created_at DESC, q.id' };
}

export function listRemovalCandidates(db: Queryable, profileId: string, f: CandidateFilters, page: Page): Promise<Paged<RemovalCandidateRow>> {
  return pagedList<RemovalCandidateRow>(db, removalCandidatesQuery(profileId, f), page);
}

export function removalCandidateView(r: RemovalCandidateRow) {
  return {
    id: r.id,
    userGid: r.user_gid,
    name: r.name,
    email: r.email,
    ruleId: r.rule_id,
    modelId: r.model_id,
    state: r.state,
    reason: r.reason,
    lastActivityAt: r.last_activity_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
    dryRunAt: r.dry_run_at,
  };
}
