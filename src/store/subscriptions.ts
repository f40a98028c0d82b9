// Who holds a seat and what it is costed against: the only module that reads or writes `subscriptions`,
// `software_models` and `identifier_mappings` (and so the unrecognized identifiers, which are subscriptions
// no mapping covers).
import crypto from 'node:crypto';
import type { Db, Queryable, Tx } from '../db/pool';
import { activityOrder, camelRow, paged, pagedList, Where, type ActivitySort, type ListQuery, type Page, type Paged } from '../db/sql';
import type { WorkspaceMembership } from '../asana/types';
import { identifierFor, KNOWN_IDENTIFIERS } from '../runs/identifiers';
import { addJobCounts, getJobCounts, walkProgressUpdate } from './jobs';
import { ensureDefaultRules } from './rules';

// ---- subscriptions: the download's writes ----

/** Where a membership walk stands: the offset of the next page, and the pages and members written so far. */
export interface WalkPosition {
  offset: string | null;
  pages: number;
  members: number;
}

/** A newer attempt of the walk has claimed it: this attempt's page was not written, and it should stop. */
export class WalkSuperseded extends Error {
  readonly type = 'WalkSuperseded';
  constructor(jobId: string, claim: number) {
    super(`A newer attempt has taken over the walk of run ${jobId} (this attempt held claim ${claim}); its page was not written.`);
    this.name = 'WalkSuperseded';
  }
}

/**
 * Writes one page of memberships and moves the walk past it, in one statement: a set-based upsert by
 * (profile, user gid) and the job's progress, so the page and its cursor commit together, in one round trip.
 * Writing the same page twice (a retried activity) leaves the same rows. Deactivated memberships hold no seat
 * and are not written, so a finished download ends them like members who left. Answers the walk's position
 * after the page (`nextOffset` is the offset of the page after it).
 */
export async function writeMembershipPage(
  db: Db,
  w: {
    profileId: string;
    jobId: string;
    page: WorkspaceMembership[];
    nextOffset: string | null;
    /** Where the walk stood before this page. */
    before: WalkPosition;
    /** This attempt's claim on the walk (claimWalk): a newer attempt's claim makes the write change nothing. */
    claim: number;
    /** Identifiers whose model this walk has already made sure of; pass one set per walk to skip them. */
    ensured: Set<string>;
  },
): Promise<WalkPosition> {
  const rows: MembershipRow[] = [];
  const unseen = new Set<string>();
  for (const m of w.page) {
    if (!m.user?.gid || m.is_active === false) continue;
    const identifier = identifierFor(m);
    if (!w.ensured.has(identifier)) unseen.add(identifier);
    rows.push({
      gid: m.user.gid,
      membership_gid: m.gid ?? null,
      name: m.user.name ?? null,
      email: m.user.email ?? null,
      identifier,
      is_admin: Boolean(m.is_admin),
      // A date PostgreSQL would refuse fails that one field, not the page.
      created_at: m.created_at && !Number.isNaN(Date.parse(m.created_at)) ? m.created_at : null,
    });
  }
  // Models first, so each row is linked to its model as it is written (never rewritten afterwards); a model
  // and its rule commit together.
  if (unseen.size > 0) {
    await db.withTransaction((tx) => ensureModels(tx, w.profileId, [...unseen]));
    for (const i of unseen) w.ensured.add(i);
  }
  const after: WalkPosition = { offset: w.nextOffset, pages: w.before.pages + 1, members: w.before.members + rows.length };
  const written = await db.query<{ claimed: number }>(
    WRITE_PAGE,
    [w.profileId, w.jobId, JSON.stringify(rows), JSON.stringify(after), after.pages, after.members, w.claim],
    { prepareAs: 'write_membership_page' },
  );
  if (written[0]?.claimed !== 1) throw new WalkSuperseded(w.jobId, w.claim);
  return after;
}

/** One membership as the page statement reads it (json_to_recordset: keys are its column names). */
interface MembershipRow {
  gid: string;
  membership_gid: string | null;
  name: string | null;
  email: string | null;
  identifier: string;
  is_admin: boolean;
  created_at: string | null;
}

// The commit need not wait for the WAL flush (set_config(..., true) holds for this statement's own
// transaction): a page lost to a database crash is lost together with its cursor, and the retry walks it
// again. Waiting would otherwise dominate a walk's writes.
const WRITE_PAGE = `
  WITH page AS (
    SELECT * FROM json_to_recordset($3::json)
      AS u(gid text, membership_gid text, name text, email text, identifier text, is_admin boolean, created_at timestamptz)),
  progressed AS (
    ${walkProgressUpdate({ jobId: '$2', claim: '$7', progress: '$4', pages: '$5', members: '$6' })}),
  written AS (
    INSERT INTO subscriptions AS s (profile_id, user_gid, membership_gid, name, email, identifier, is_admin, account_created_at,
                                    status, first_seen_at, last_seen_at, last_seen_job, model_id)
    SELECT $1::uuid, u.gid, u.membership_gid, u.name, u.email, u.identifier, u.is_admin, u.created_at, 'active', now(), now(), $2::uuid, m.model_id
      FROM page u
      CROSS JOIN progressed
      LEFT JOIN identifier_mappings m ON m.profile_id = $1::uuid AND m.identifier = u.identifier
    ON CONFLICT (profile_id, user_gid) DO UPDATE SET
      membership_gid = EXCLUDED.membership_gid, name = EXCLUDED.name, email = EXCLUDED.email,
      identifier = EXCLUDED.identifier, is_admin = EXCLUDED.is_admin, account_created_at = EXCLUDED.account_created_at,
      model_id = EXCLUDED.model_id, status = 'active', ended_at = NULL, last_seen_at = now(), last_seen_job = EXCLUDED.last_seen_job)
  -- PostgreSQL runs every data-modifying CTE, referenced or not.
  SELECT set_config('synchronous_commit', 'off', true), (SELECT count(*) FROM progressed)::int AS claimed`;

export interface DownloadSummary {
  activeSubscriptions: number;
  endedSubscriptions: number;
  newModels: number;
  unrecognizedIdentifiers: number;
  unrecognizedSubscriptions: number;
}

/**
 * Closes a completed walk: members the walk did not see have left; subscriptions are linked to their model
 * (the walk created the models of licence types seen for the first time).
 */
export async function finishDownload(db: Db, profileId: string, jobId: string): Promise<DownloadSummary> {
  return db.withTransaction(async (tx) => {
    const ended = await tx.query<{ n: number }>(
      `WITH ended AS (
         UPDATE subscriptions SET status = 'ended', ended_at = now()
          WHERE profile_id = $1 AND status = 'active' AND last_seen_job IS DISTINCT FROM $2
          RETURNING 1)
       SELECT count(*)::int AS n FROM ended`,
      [profileId, jobId],
    );

    // Kept on the job in the same transaction, so a retried finish (its first commit's answer lost) still
    // reports the members who left, not the zero it finds the second time.
    if (ended[0]!.n > 0) await addJobCounts(tx, jobId, { endedSubscriptions: ended[0]!.n });
    const endedCount = (await getJobCounts(tx, jobId)).endedSubscriptions ?? 0;

    const models = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM software_models
        WHERE profile_id = $1 AND created_at >= (SELECT started_at FROM job_results WHERE id = $2)`,
      [profileId, jobId],
    );

    // Mappings an operator added since the rows were written.
    await tx.query(
      `UPDATE subscriptions s SET model_id = m.model_id FROM identifier_mappings m
        WHERE s.profile_id = $1 AND m.profile_id = $1 AND m.identifier = s.identifier AND s.model_id IS DISTINCT FROM m.model_id`,
      [profileId],
    );

    const totals = await tx.query<{ active: number; unrecognized_identifiers: number; unrecognized_subscriptions: number }>(
      `SELECT count(*) FILTER (WHERE status = 'active')::int AS active,
              count(DISTINCT identifier) FILTER (WHERE status = 'active' AND model_id IS NULL)::int AS unrecognized_identifiers,
              count(*) FILTER (WHERE status = 'active' AND model_id IS NULL)::int AS unrecognized_subscriptions
         FROM subscriptions WHERE profile_id = $1`,
      [profileId],
    );
    const t = totals[0]!;
    return {
      activeSubscriptions: t.active,
      endedSubscriptions: endedCount,
      newModels: models[0]!.n,
      unrecognizedIdentifiers: t.unrecognized_identifiers,
      unrecognizedSubscriptions: t.unrecognized_subscriptions,
    };
  });
}

/**
 * On first sight of a known licence type: its software model, the identifier mapping and a reclamation rule
 * (60 days). Unknown identifiers get nothing and stay unrecognized until an operator maps them.
 */
async function ensureModels(db: Queryable, profileId: string, identifiers: string[]): Promise<void> {
  const known = identifiers.filter((i) => Object.hasOwn(KNOWN_IDENTIFIERS, i));
  if (known.length === 0) return;
  const created = await db.query<{ id: string }>(
    `WITH catalogue AS (SELECT * FROM unnest($2::text[], $3::text[], $4::boolean[]) AS c(identifier, edition, billable)),
       wanted AS (
         SELECT c.* FROM catalogue c
          WHERE NOT EXISTS (SELECT 1 FROM identifier_mappings m WHERE m.profile_id = $1 AND m.identifier = c.identifier)),
       new_models AS (
         INSERT INTO software_models (id, profile_id, edition, billable)
         SELECT gen_random_uuid(), $1, edition, billable FROM wanted
         ON CONFLICT (profile_id, edition) DO NOTHING
         RETURNING id, edition),
       all_models AS (
         SELECT id, edition FROM new_models
         UNION ALL SELECT id, edition FROM software_models WHERE profile_id = $1),
       mapped AS (
         INSERT INTO identifier_mappings (profile_id, identifier, model_id)
         SELECT DISTINCT ON (w.identifier) $1, w.identifier, a.id FROM wanted w JOIN all_models a USING (edition)
         ON CONFLICT DO NOTHING)
     -- PostgreSQL runs every data-modifying CTE, referenced or not.
     SELECT id FROM new_models`,
    [profileId, known, known.map((i) => KNOWN_IDENTIFIERS[i]!.edition), known.map((i) => KNOWN_IDENTIFIERS[i]!.billable)],
  );
  await ensureDefaultRules(db, profileId, created.map((m) => m.id));
}

/** A reclaimed or departed member's seat is free: their subscription ends (once). */
export async function endSubscription(db: Queryable, profileId: string, userGid: string): Promise<void> {
  await db.query("UPDATE subscriptions SET status = 'ended', ended_at = COALESCE(ended_at, now()) WHERE profile_id = $1 AND user_gid = $2 AND status = 'active'", [
    profileId,
    userGid,
  ]);
}

/** A person added back to the organization holds their seat again (until a download says otherwise). */
export async function reactivateSubscription(db: Queryable, profileId: string, userGid: string): Promise<void> {
  await db.query("UPDATE subscriptions SET status = 'active', ended_at = NULL, last_seen_at = now() WHERE profile_id = $1 AND user_gid = $2", [profileId, userGid]);
}

/** Active seats of the profile (what the reclaim cap is a share of). */
export async function countActiveSubscriptions(db: Queryable, profileId: string): Promise<number> {
  const rows = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM subscriptions WHERE profile_id = $1 AND status = 'active'", [profileId]);
  return rows[0]!.n;
}

// ---- subscriptions: the list ----

export type SubscriptionStatus = 'active' | 'ended';

export interface SubscriptionFilters {
  status?: SubscriptionStatus;
  identifier?: string;
  modelId?: string;
  /** ISO instant: only subscriptions last active before it, or never seen active at all. */
  inactiveSince?: string;
  userGid?: string;
  email?: string;
  sort?: ActivitySort;
}

export interface SubscriptionRow {
  user_gid: string;
  name: string | null;
  email: string | null;
  identifier: string;
  model_id: string | null;
  /** The model's edition. */
  model: string | null;
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
    SELECT s.user_gid, s.name, s.email, s.identifier, s.model_id, m.edition AS model, s.is_admin, s.account_created_at,
           s.status, s.first_seen_at, s.last_seen_at, s.ended_at, a.last_activity_at
      FROM subscriptions s
      LEFT JOIN software_models m ON m.id = s.model_id
      LEFT JOIN user_activity a ON a.profile_id = s.profile_id AND a.user_gid = s.user_gid
     WHERE ${w.sql}`;
  return { select, params: w.params, orderBy: activityOrder(f.sort, 'q.user_gid', 'q.user_gid') };
}

export function listSubscriptions(db: Queryable, profileId: string, f: SubscriptionFilters, page: Page): Promise<Paged<SubscriptionRow>> {
  return pagedList<SubscriptionRow>(db, subscriptionsQuery(profileId, f), page);
}

export function subscriptionView(r: SubscriptionRow) {
  return camelRow(r);
}

// ---- software models ----


export interface SoftwareModelRow {
  id: string;
  publisher: string;
  product: string;
  edition: string;
  /** Whether its seats cost money (guests are free in organizations): a free model is never under-licensed. */
  billable: boolean;
  identifiers: string[];
  active_subscriptions: number;
  rule_id: string | null;
  created_at: Date;
}

const SELECT_MODELS = `
  SELECT m.id, m.publisher, m.product, m.edition, m.billable, m.created_at,
         COALESCE((SELECT array_agg(im.identifier ORDER BY im.identifier) FROM identifier_mappings im
                    WHERE im.profile_id = m.profile_id AND im.model_id = m.id), '{}') AS identifiers,
         (SELECT count(*) FROM subscriptions s
           WHERE s.profile_id = m.profile_id AND s.model_id = m.id AND s.status = 'active') AS active_subscriptions,
         (SELECT r.id FROM reclamation_rules r WHERE r.model_id = m.id) AS rule_id
    FROM software_models m
   WHERE m.profile_id = $1`;

export async function listSoftwareModels(db: Queryable, profileId: string, page: Page): Promise<Paged<SoftwareModelRow>> {
  return paged<SoftwareModelRow>(db, SELECT_MODELS, [profileId], 'q.edition, q.id', page);
}

/** The model if it belongs to the profile; a model of another profile is as absent as an unknown one. */
export async function getSoftwareModel(db: Queryable, profileId: string, modelId: string): Promise<SoftwareModelRow | null> {
  const rows = await db.query<SoftwareModelRow>(`${SELECT_MODELS} AND m.id = $2`, [profileId, modelId]);
  return rows[0] ?? null;
}

export async function findModelIdByEdition(db: Queryable, profileId: string, edition: string): Promise<string | null> {
  const rows = await db.query<{ id: string }>('SELECT id FROM software_models WHERE profile_id = $1 AND lower(edition) = lower($2)', [profileId, edition]);
  return rows[0]?.id ?? null;
}

/** Says whether a model's seats cost money; false when it is not the profile's. */
export async function setModelBillable(db: Queryable, profileId: string, modelId: string, billable: boolean): Promise<boolean> {
  const rows = await db.query<{ id: string }>('UPDATE software_models SET billable = $3 WHERE profile_id = $1 AND id = $2 RETURNING id', [profileId, modelId, billable]);
  return rows.length > 0;
}

/** A model is never without its reclamation rule: both are created in the caller's transaction. */
export async function insertModelWithRule(tx: Tx, profileId: string, edition: string): Promise<string> {
  const modelId = crypto.randomUUID();
  await tx.query('INSERT INTO software_models (id, profile_id, edition) VALUES ($1, $2, $3)', [modelId, profileId, edition]);
  await ensureDefaultRules(tx, profileId, [modelId]);
  return modelId;
}

export function softwareModelView(r: SoftwareModelRow) {
  return {
    id: r.id,
    publisher: r.publisher,
    product: r.product,
    edition: r.edition,
    billable: r.billable,
    identifiers: r.identifiers,
    activeSubscriptions: r.active_subscriptions,
    ruleId: r.rule_id,
    createdAt: r.created_at,
  };
}

// ---- identifier mappings ----

/**
 * Serialises mappings of one identifier until the transaction ends, so the loser of a race sees the winner's
 * mapping (already mapped) instead of finding its subscriptions linked between two of its own checks.
 */
export async function lockIdentifier(tx: Tx, profileId: string, identifier: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1::text), hashtext($2::text))', [profileId, identifier]);
}

export async function mappedModelId(db: Queryable, profileId: string, identifier: string): Promise<string | null> {
  const rows = await db.query<{ model_id: string }>('SELECT model_id FROM identifier_mappings WHERE profile_id = $1 AND identifier = $2', [profileId, identifier]);
  return rows[0]?.model_id ?? null;
}

export async function countUnmappedSubscriptions(db: Queryable, profileId: string, identifier: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM subscriptions WHERE profile_id = $1 AND identifier = $2 AND model_id IS NULL',
    [profileId, identifier],
  );
  return rows[0]!.n;
}

/**
 * Maps the identifier and links every subscription carrying it to the model, so the mapping and the
 * subscriptions it covers never disagree. Returns how many subscriptions were linked.
 */
export async function mapIdentifier(tx: Tx, profileId: string, identifier: string, modelId: string): Promise<number> {
  await tx.query('INSERT INTO identifier_mappings (profile_id, identifier, model_id) VALUES ($1, $2, $3)', [profileId, identifier, modelId]);
  const rows = await tx.query<{ n: number }>(
    `WITH relinked AS (
       UPDATE subscriptions SET model_id = $3
        WHERE profile_id = $1 AND identifier = $2 AND model_id IS DISTINCT FROM $3
        RETURNING 1)
     SELECT count(*)::int AS n FROM relinked`,
    [profileId, identifier, modelId],
  );
  return rows[0]!.n;
}

// ---- unrecognized identifiers ----

export interface UnrecognizedIdentifierRow {
  identifier: string;
  subscriptions: number;
  first_seen_at: Date;
}

/** Identifiers held by active subscriptions that no mapping links to a model: kept, but not costed. */
export async function listUnrecognizedIdentifiers(db: Queryable, profileId: string, page: Page): Promise<Paged<UnrecognizedIdentifierRow>> {
  const select = `
    SELECT s.identifier, count(*) AS subscriptions, min(s.first_seen_at) AS first_seen_at
      FROM subscriptions s
     WHERE s.profile_id = $1 AND s.status = 'active' AND s.model_id IS NULL
     GROUP BY s.identifier`;
  return paged<UnrecognizedIdentifierRow>(db, select, [profileId], 'q.identifier', page);
}

export function unrecognizedIdentifierView(r: UnrecognizedIdentifierRow) {
  return { identifier: r.identifier, subscriptions: r.subscriptions, firstSeenAt: r.first_seen_at };
}
