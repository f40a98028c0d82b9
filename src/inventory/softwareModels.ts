import crypto from 'node:crypto';
import type { Tx } from '../db/pool';
import { paged, type Page, type Paged, type Queryable } from './sql';

/** What a newly created model's reclamation rule starts with (the product's default). */
export const DEFAULT_THRESHOLD_DAYS = 60;

export interface SoftwareModelRow {
  id: string;
  publisher: string;
  product: string;
  edition: string;
  identifiers: string[];
  active_subscriptions: number;
  rule_id: string | null;
  created_at: Date;
}

const SELECT_MODELS = `
  SELECT m.id, m.publisher, m.product, m.edition, m.created_at,
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

/** A model is never without its reclamation rule: both are created in the caller's transaction. */
export async function insertModelWithRule(tx: Tx, profileId: string, edition: string): Promise<string> {
  const modelId = crypto.randomUUID();
  await tx.query('INSERT INTO software_models (id, profile_id, edition) VALUES ($1, $2, $3)', [modelId, profileId, edition]);
  await tx.query('INSERT INTO reclamation_rules (id, profile_id, model_id, active, threshold_days) VALUES ($1, $2, $3, true, $4)', [
    crypto.randomUUID(),
    profileId,
    modelId,
    DEFAULT_THRESHOLD_DAYS,
  ]);
  return modelId;
}

export function softwareModelView(r: SoftwareModelRow) {
  return {
    id: r.id,
    publisher: r.publisher,
    product: r.product,
    edition: r.edition,
    identifiers: r.identifiers,
    activeSubscriptions: r.active_subscriptions,
    ruleId: r.rule_id,
    createdAt: r.created_at,
  };
}
