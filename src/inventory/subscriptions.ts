import { pagedList, Where, type ListQuery, type Page, type Paged, type Queryable } from './sql';

export type SubscriptionStatus = 'active' | 'ended';

export interface SubscriptionFilters {
  status?: SubscriptionStatus;
  identifier?: string;
  modelId?: string;
  /** ISO instant: only subscriptions last active before it, or never seen active at all. */
  inactiveSince?: string;
  userGid?: string;
  email?: string;
}

export interface SubscriptionRow {
  user_gid: string;
  name: string | null;
  email: string | null;
  identifier: string;
  model_id: string | null;
  edition: string | null;
  is_admin: boolean;
  account_created_at: Date | null;
  status: SubscriptionStatus;
  first_seen_at: Date;
  last_seen_at: Date;
  ended_at: Date | null;
  last_activity_at: Date | null;
}

export function subscriptionsQuery(profileId: string, f: SubscriptionFilters): ListQuery {
  const w = new Where();
  w.and(`s.profile_id = ${w.param(profileId)}`);
  if (f.status) w.and(`s.status = ${w.param(f.status)}`);
  if (f.identifier) w.and(`s.identifier = ${w.param(f.identifier)}`);
  if (f.modelId) w.and(`s.model_id = ${w.param(f.modelId)}`);
  if (f.inactiveSince) w.and(`a.last_activity_at IS NULL OR a.last_activity_at < ${w.param(f.inactiveSince)}::timestamptz`);
  if (f.userGid) w.and(`s.user_gid = ${w.param(f.userGid)}`);
  // Asana keeps the case people typed; operators search without it.
  if (f.email) w.and(`lower(s.email) = lower(${w.param(f.email)})`);
  const select = `
    SELECT s.user_gid, s.name, s.email, s.identifier, s.model_id, m.edition, s.is_admin, s.account_created_at,
           s.status, s.first_seen_at, s.last_seen_at, s.ended_at, a.last_activity_at
      FROM subscriptions s
      LEFT JOIN software_models m ON m.id = s.model_id
      LEFT JOIN user_activity a ON a.profile_id = s.profile_id AND a.user_gid = s.user_gid
     WHERE ${w.sql}`;
  return { select, params: w.params, orderBy: 'q.user_gid' };
}

export function listSubscriptions(db: Queryable, profileId: string, f: SubscriptionFilters, page: Page): Promise<Paged<SubscriptionRow>> {
  return pagedList<SubscriptionRow>(db, subscriptionsQuery(profileId, f), page);
}

export function subscriptionView(r: SubscriptionRow) {
  return {
    userGid: r.user_gid,
    name: r.name,
    email: r.email,
    identifier: r.identifier,
    modelId: r.model_id,
    model: r.edition,
    isAdmin: r.is_admin,
    accountCreatedAt: r.account_created_at,
    status: r.status,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    endedAt: r.ended_at,
    lastActivityAt: r.last_activity_at,
  };
}
