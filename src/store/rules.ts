// Reclamation rules (one per model) and the exclusion rules (licence types and people never counted or
// reclaimed): the only module that reads or writes `reclamation_rules`, `identifier_exclusions` and
// `user_exclusions`, and the one place the exclusion predicate is written down.
import crypto from 'node:crypto';
import type { Queryable } from '../db/pool';
import { paged, type Page, type Paged } from '../db/sql';

/** What a newly created model's reclamation rule starts with (the product's default). */
export const DEFAULT_THRESHOLD_DAYS = 60;

/**
 * SQL: the subscription aliased `s` is excluded by an active identifier or user exclusion of its profile.
 * Such seats are never counted (the licence position) nor reclaimed.
 */
export const EXCLUDED_BY_RULE = (s: string) => `(
     EXISTS (SELECT 1 FROM identifier_exclusions x WHERE x.profile_id = ${s}.profile_id AND x.active AND x.identifier = ${s}.identifier)
  OR EXISTS (SELECT 1 FROM user_exclusions x WHERE x.profile_id = ${s}.profile_id AND x.active
               AND (x.user_gid = ${s}.user_gid OR lower(x.email) = lower(${s}.email))))`;

/**
 * SQL: the subscription `s` must never be reclaimed: excluded by a rule, an organization admin, or the user the
 * connection `conn` acts as (removing them would cut the integration off).
 */
export const NOT_RECLAIMABLE = (s: string, conn: string) => `(${s}.is_admin OR ${s}.user_gid = ${conn}.authorized_user_gid OR ${EXCLUDED_BY_RULE(s)})`;

// ---- reclamation rules ----

export interface ReclamationRuleRow {
  id: string;
  model_id: string;
  edition: string;
  active: boolean;
  threshold_days: number;
  notify_user: boolean;
  days_before_auto_reclaim: string;
  manager_email: string | null;
  reminder_days_before: string[] | null;
  created_at: Date;
  updated_at: Date;
}

export interface ReclamationRuleChange {
  thresholdDays?: number;
  active?: boolean;
  notifyUser?: boolean;
  daysBeforeAutoReclaim?: number;
  /** null clears it (the profile's manager address applies then). */
  managerEmail?: string | null;
  /** Days before the deadline a reminder goes out; null: the default (halfway, and one day before). */
  reminderDaysBefore?: number[] | null;
}

const SELECT_RULES = `
  SELECT r.id, r.model_id, m.edition, r.active, r.threshold_days, r.notify_user, r.days_before_auto_reclaim, r.manager_email,
         r.reminder_days_before, r.created_at, r.updated_at
    FROM reclamation_rules r
    JOIN software_models m ON m.id = r.model_id
   WHERE r.profile_id = $1`;

export async function listReclamationRules(db: Queryable, profileId: string, page: Page): Promise<Paged<ReclamationRuleRow>> {
  return paged<ReclamationRuleRow>(db, SELECT_RULES, [profileId], 'q.edition, q.id', page);
}

export async function getReclamationRule(db: Queryable, profileId: string, ruleId: string): Promise<ReclamationRuleRow | null> {
  const rows = await db.query<ReclamationRuleRow>(`${SELECT_RULES} AND r.id = $2`, [profileId, ruleId]);
  return rows[0] ?? null;
}

/** Applies the fields that were sent; returns false when the rule is not the profile's. */
export async function updateReclamationRule(db: Queryable, profileId: string, ruleId: string, change: ReclamationRuleChange): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `UPDATE reclamation_rules SET
        threshold_days = COALESCE($3, threshold_days),
        active = COALESCE($4, active),
        notify_user = COALESCE($5, notify_user),
        days_before_auto_reclaim = COALESCE($6, days_before_auto_reclaim),
        manager_email = CASE WHEN $7 THEN $8 ELSE manager_email END,
        reminder_days_before = CASE WHEN $9 THEN $10::numeric[] ELSE reminder_days_before END,
        updated_at = now()
      WHERE profile_id = $1 AND id = $2 RETURNING id`,
    [
      profileId,
      ruleId,
      change.thresholdDays ?? null,
      change.active ?? null,
      change.notifyUser ?? null,
      change.daysBeforeAutoReclaim ?? null,
      change.managerEmail !== undefined,
      change.managerEmail ?? null,
      change.reminderDaysBefore !== undefined,
      change.reminderDaysBefore ?? null,
    ],
  );
  return rows.length > 0;
}

export function reclamationRuleView(r: ReclamationRuleRow) {
  return {
    id: r.id,
    modelId: r.model_id,
    edition: r.edition,
    active: r.active,
    thresholdDays: r.threshold_days,
    notifyUser: r.notify_user,
    daysBeforeAutoReclaim: Number(r.days_before_auto_reclaim),
    managerEmail: r.manager_email,
    reminderDaysBefore: r.reminder_days_before ? r.reminder_days_before.map(Number) : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Every new model gets its rule, in the caller's transaction: a model is never without one. */
export async function ensureDefaultRules(db: Queryable, profileId: string, modelIds: string[]): Promise<void> {
  if (modelIds.length === 0) return;
  await db.query(
    `INSERT INTO reclamation_rules (id, profile_id, model_id, active, threshold_days)
     SELECT gen_random_uuid(), $1, m, true, $3 FROM unnest($2::uuid[]) AS m
     ON CONFLICT (model_id) DO NOTHING`,
    [profileId, modelIds, DEFAULT_THRESHOLD_DAYS],
  );
}

// ---- identifier exclusions ----

export interface IdentifierExclusionRow {
  id: string;
  identifier: string;
  active: boolean;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface IdentifierExclusionChange {
  identifier?: string;
  active?: boolean;
  reason?: string | null;
}

const IDENTIFIER_EXCLUSION_COLUMNS = 'id, identifier, active, reason, created_at, updated_at';

export async function listIdentifierExclusions(db: Queryable, profileId: string, page: Page): Promise<Paged<IdentifierExclusionRow>> {
  return paged<IdentifierExclusionRow>(db, `SELECT ${IDENTIFIER_EXCLUSION_COLUMNS} FROM identifier_exclusions WHERE profile_id = $1`, [profileId], 'q.created_at, q.id', page);
}

export async function getIdentifierExclusion(db: Queryable, profileId: string, id: string): Promise<IdentifierExclusionRow | null> {
  const rows = await db.query<IdentifierExclusionRow>(`SELECT ${IDENTIFIER_EXCLUSION_COLUMNS} FROM identifier_exclusions WHERE profile_id = $1 AND id = $2`, [profileId, id]);
  return rows[0] ?? null;
}

export async function findIdentifierExclusion(db: Queryable, profileId: string, identifier: string): Promise<IdentifierExclusionRow | null> {
  const rows = await db.query<IdentifierExclusionRow>(`SELECT ${IDENTIFIER_EXCLUSION_COLUMNS} FROM identifier_exclusions WHERE profile_id = $1 AND identifier = $2`, [profileId, identifier]);
  return rows[0] ?? null;
}

export async function insertIdentifierExclusion(
  db: Queryable,
  profileId: string,
  input: { identifier: string; active: boolean; reason: string | null },
): Promise<IdentifierExclusionRow> {
  const rows = await db.query<IdentifierExclusionRow>(
    `INSERT INTO identifier_exclusions (id, profile_id, identifier, active, reason) VALUES ($1, $2, $3, $4, $5) RETURNING ${IDENTIFIER_EXCLUSION_COLUMNS}`,
    [crypto.randomUUID(), profileId, input.identifier, input.active, input.reason],
  );
  return rows[0]!;
}

/** Applies the fields that were sent (`reason: null` clears it); null when the rule is not the profile's. */
export async function updateIdentifierExclusion(db: Queryable, profileId: string, id: string, change: IdentifierExclusionChange): Promise<IdentifierExclusionRow | null> {
  const rows = await db.query<IdentifierExclusionRow>(
    `UPDATE identifier_exclusions SET
        identifier = COALESCE($3, identifier),
        active = COALESCE($4, active),
        reason = CASE WHEN $5 THEN $6 ELSE reason END,
        updated_at = now()
      WHERE profile_id = $1 AND id = $2 RETURNING ${IDENTIFIER_EXCLUSION_COLUMNS}`,
    [profileId, id, change.identifier ?? null, change.active ?? null, change.reason !== undefined, change.reason ?? null],
  );
  return rows[0] ?? null;
}

export async function deleteIdentifierExclusion(db: Queryable, profileId: string, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>('DELETE FROM identifier_exclusions WHERE profile_id = $1 AND id = $2 RETURNING id', [profileId, id]);
  return rows.length > 0;
}

export function identifierExclusionView(r: IdentifierExclusionRow) {
  return { id: r.id, identifier: r.identifier, active: r.active, reason: r.reason, createdAt: r.created_at, updatedAt: r.updated_at };
}

// ---- user exclusions ----

export interface UserExclusionRow {
  id: string;
  user_gid: string | null;
  email: string | null;
  active: boolean;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface UserExclusionFields {
  userGid: string | null;
  email: string | null;
  active: boolean;
  reason: string | null;
}

const USER_EXCLUSION_COLUMNS = 'id, user_gid, email, active, reason, created_at, updated_at';

export async function listUserExclusions(db: Queryable, profileId: string, page: Page): Promise<Paged<UserExclusionRow>> {
  return paged<UserExclusionRow>(db, `SELECT ${USER_EXCLUSION_COLUMNS} FROM user_exclusions WHERE profile_id = $1`, [profileId], 'q.created_at, q.id', page);
}

export async function getUserExclusion(db: Queryable, profileId: string, id: string): Promise<UserExclusionRow | null> {
  const rows = await db.query<UserExclusionRow>(`SELECT ${USER_EXCLUSION_COLUMNS} FROM user_exclusions WHERE profile_id = $1 AND id = $2`, [profileId, id]);
  return rows[0] ?? null;
}

/**
 * Another rule of the profile that already names this gid or email (emails compare without case, as the
 * unique index does); `exceptId` leaves out the rule being edited.
 */
export async function findConflictingUserExclusion(
  db: Queryable,
  profileId: string,
  who: { userGid: string | null; email: string | null },
  exceptId: string | null,
): Promise<UserExclusionRow | null> {
  const rows = await db.query<UserExclusionRow>(
    `SELECT ${USER_EXCLUSION_COLUMNS} FROM user_exclusions
      WHERE profile_id = $1 AND id IS DISTINCT FROM $4::uuid
        AND (user_gid = $2 OR lower(email) = lower($3::text))
      ORDER BY created_at, id LIMIT 1`,
    [profileId, who.userGid, who.email, exceptId],
  );
  return rows[0] ?? null;
}

export async function insertUserExclusion(db: Queryable, profileId: string, f: UserExclusionFields): Promise<UserExclusionRow> {
  const rows = await db.query<UserExclusionRow>(
    `INSERT INTO user_exclusions (id, profile_id, user_gid, email, active, reason) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_EXCLUSION_COLUMNS}`,
    [crypto.randomUUID(), profileId, f.userGid, f.email, f.active, f.reason],
  );
  return rows[0]!;
}

/** Writes the rule's complete new state (the caller merged the change and checked it). */
export async function replaceUserExclusion(db: Queryable, profileId: string, id: string, f: UserExclusionFields): Promise<UserExclusionRow | null> {
  const rows = await db.query<UserExclusionRow>(
    `UPDATE user_exclusions SET user_gid = $3, email = $4, active = $5, reason = $6, updated_at = now()
      WHERE profile_id = $1 AND id = $2 RETURNING ${USER_EXCLUSION_COLUMNS}`,
    [profileId, id, f.userGid, f.email, f.active, f.reason],
  );
  return rows[0] ?? null;
}

export async function deleteUserExclusion(db: Queryable, profileId: string, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>('DELETE FROM user_exclusions WHERE profile_id = $1 AND id = $2 RETURNING id', [profileId, id]);
  return rows.length > 0;
}

export function userExclusionView(r: UserExclusionRow) {
  return { id: r.id, userGid: r.user_gid, email: r.email, active: r.active, reason: r.reason, createdAt: r.created_at, updatedAt: r.updated_at };
}
