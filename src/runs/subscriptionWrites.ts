import type { Db } from '../db/pool';
import type { WorkspaceMembership } from '../asana/types';
import { identifierFor, KNOWN_IDENTIFIERS } from './identifiers';

/**
 * Upserts one page of memberships by (profile, user gid) in a single set-based statement. Writing the
 * same page twice (a retried activity) leaves the same rows. Deactivated memberships hold no seat and are
 * not written, so a finished download ends them like members who left.
 */
export async function upsertMembershipPage(db: Pick<Db, 'query'>, profileId: string, jobId: string, page: WorkspaceMembership[]): Promise<number> {
  const rows = page.filter((m) => m.user?.gid && m.is_active !== false);
  if (rows.length === 0) return 0;
  await db.query(
    `INSERT INTO subscriptions AS s (profile_id, user_gid, membership_gid, name, email, identifier, is_admin, account_created_at,
                                     status, first_seen_at, last_seen_at, last_seen_job, model_id)
     SELECT $1, u.gid, u.membership_gid, u.name, u.email, u.identifier, u.is_admin, u.created_at, 'active', now(), now(), $2, m.model_id
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::timestamptz[])
            AS u(gid, membership_gid, name, email, identifier, is_admin, created_at)
       LEFT JOIN identifier_mappings m ON m.profile_id = $1 AND m.identifier = u.identifier
     ON CONFLICT (profile_id, user_gid) DO UPDATE SET
       membership_gid = EXCLUDED.membership_gid, name = EXCLUDED.name, email = EXCLUDED.email,
       identifier = EXCLUDED.identifier, is_admin = EXCLUDED.is_admin, account_created_at = EXCLUDED.account_created_at,
       model_id = EXCLUDED.model_id, status = 'active', ended_at = NULL, last_seen_at = now(), last_seen_job = EXCLUDED.last_seen_job`,
    [
      profileId,
      jobId,
      rows.map((m) => m.user!.gid),
      rows.map((m) => m.gid ?? null),
      rows.map((m) => m.user!.name ?? null),
      rows.map((m) => m.user!.email ?? null),
      rows.map((m) => identifierFor(m)),
      rows.map((m) => Boolean(m.is_admin)),
      rows.map((m) => m.created_at ?? null),
    ],
  );
  return rows.length;
}

export interface DownloadSummary {
  activeSubscriptions: number;
  endedSubscriptions: number;
  newModels: number;
  unrecognizedIdentifiers: number;
  unrecognizedSubscriptions: number;
}

/**
 * Closes a completed walk: members the walk did not see have left; licence types seen for the first time
 * get a software model, an identifier mapping and a reclamation rule; subscriptions are linked to their model.
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

    const known = Object.entries(KNOWN_IDENTIFIERS);
    const models = await tx.query<{ n: number }>(
      `WITH seen AS (
         SELECT DISTINCT s.identifier FROM subscriptions s
          WHERE s.profile_id = $1 AND s.status = 'active'
            AND NOT EXISTS (SELECT 1 FROM identifier_mappings m WHERE m.profile_id = $1 AND m.identifier = s.identifier)),
       catalogue AS (SELECT * FROM unnest($2::text[], $3::text[]) AS c(identifier, edition)),
       wanted AS (SELECT c.* FROM catalogue c JOIN seen USING (identifier)),
       new_models AS (
         INSERT INTO software_models (id, profile_id, edition)
         SELECT gen_random_uuid(), $1, edition FROM wanted
         ON CONFLICT (profile_id, edition) DO NOTHING
         RETURNING id, edition),
       all_models AS (
         SELECT id, edition FROM new_models
         UNION ALL SELECT id, edition FROM software_models WHERE profile_id = $1),
       mapped AS (
         INSERT INTO identifier_mappings (profile_id, identifier, model_id)
         SELECT DISTINCT ON (w.identifier) $1, w.identifier, a.id FROM wanted w JOIN all_models a USING (edition)
         ON CONFLICT DO NOTHING),
       rules AS (
         INSERT INTO reclamation_rules (id, profile_id, model_id)
         SELECT gen_random_uuid(), $1, id FROM new_models
         ON CONFLICT (model_id) DO NOTHING)
       -- PostgreSQL runs every data-modifying CTE, referenced or not.
       SELECT count(*)::int AS n FROM new_models`,
      [profileId, known.map(([id]) => id), known.map(([, v]) => v.edition)],
    );

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
      endedSubscriptions: ended[0]!.n,
      newModels: models[0]!.n,
      unrecognizedIdentifiers: t.unrecognized_identifiers,
      unrecognizedSubscriptions: t.unrecognized_subscriptions,
    };
  });
}
