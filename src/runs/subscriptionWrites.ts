import type { Db } from '../db/pool';
import type { WorkspaceMembership } from '../asana/types';
import { identifierFor, KNOWN_IDENTIFIERS } from './identifiers';
import { addJobCounts, getJobCounts } from './jobResults';

/**
 * Upserts one page of memberships by (profile, user gid) in a single set-based statement. Writing the
 * same page twice (a retried activity) leaves the same rows. Deactivated memberships hold no seat and are
 * not written, so a finished download ends them like members who left.
 */
export async function upsertMembershipPage(
  db: Pick<Db, 'query'>,
  profileId: string,
  jobId: string,
  page: WorkspaceMembership[],
  /** Identifiers whose model this walk has already made sure of; pass one set per walk to skip them. */
  ensured: Set<string> = new Set(),
): Promise<number> {
  const rows = page.filter((m) => m.user?.gid && m.is_active !== false);
  if (rows.length === 0) return 0;
  // Models first, so each row is linked to its model as it is written (never rewritten afterwards).
  const unseen = [...new Set(rows.map((m) => identifierFor(m)))].filter((i) => !ensured.has(i));
  if (unseen.length > 0) {
    await ensureModels(db, profileId, unseen);
    for (const i of unseen) ensured.add(i);
  }
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
      // A date PostgreSQL would refuse fails that one field, not the page.
      rows.map((m) => (m.created_at && !Number.isNaN(Date.parse(m.created_at)) ? m.created_at : null)),
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
async function ensureModels(db: Pick<Db, 'query'>, profileId: string, identifiers: string[]): Promise<void> {
  const known = identifiers.filter((i) => Object.hasOwn(KNOWN_IDENTIFIERS, i));
  if (known.length === 0) return;
  await db.query(
    `WITH catalogue AS (SELECT * FROM unnest($2::text[], $3::text[]) AS c(identifier, edition)),
       wanted AS (
         SELECT c.* FROM catalogue c
          WHERE NOT EXISTS (SELECT 1 FROM identifier_mappings m WHERE m.profile_id = $1 AND m.identifier = c.identifier)),
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
         ON CONFLICT DO NOTHING)
     -- PostgreSQL runs every data-modifying CTE, referenced or not.
     INSERT INTO reclamation_rules (id, profile_id, model_id)
     SELECT gen_random_uuid(), $1, id FROM new_models
     ON CONFLICT (model_id) DO NOTHING`,
    [profileId, known, known.map((i) => KNOWN_IDENTIFIERS[i]!.edition)],
  );
}
