import { paged, type Page, type Paged, type Queryable } from './sql';

export interface ReclamationRuleRow {
  id: string;
  model_id: string;
  edition: string;
  active: boolean;
  threshold_days: number;
  notify_user: boolean;
  days_before_auto_reclaim: string;
  manager_email: string | null;
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
}

const SELECT_RULES = `
  SELECT r.id, r.model_id, m.edition, r.active, r.threshold_days, r.notify_user, r.days_before_auto_reclaim, r.manager_email,
         r.created_at, r.updated_at
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
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
