// Job results (one row per run: started, finished, counts, error) and run leases (which run holds a
// profile's slot for its kind). The only module that reads or writes `job_results` and `run_leases`.
import type { Queryable, Tx } from '../db/pool';
import { camelRow, paged, type Page, type Paged } from '../db/sql';
import type { Counts, JobKind, JobTrigger } from '../runs/types';

/** How a run ended: `skipped` when another run of its kind was in progress for the profile. */
export type FinishedStatus = 'succeeded' | 'failed' | 'skipped';
export type JobStatus = 'running' | FinishedStatus;

export interface JobResultRow {
  id: string;
  profile_id: string;
  kind: JobKind;
  trigger: JobTrigger;
  workflow_id: string;
  run_id: string;
  status: JobStatus;
  started_at: Date;
  finished_at: Date | null;
  counts: Counts;
  error: string | null;
  details: Record<string, unknown>;
  /** Where a page walk stands (see walkProgressUpdate). */
  progress: unknown;
  /** Which attempt of the walk may still write (see claimWalk). */
  walk_claim: number;
}

/** Records that a run started; a replayed activity finds the row it wrote before (one row per workflow run). */
export async function startJobResult(
  db: Queryable,
  job: { id: string; profileId: string; kind: JobKind; trigger: JobTrigger; workflowId: string; runId: string },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO job_results (id, profile_id, kind, trigger, workflow_id, run_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (workflow_id, run_id) DO UPDATE SET workflow_id = EXCLUDED.workflow_id
     RETURNING id`,
    [job.id, job.profileId, job.kind, job.trigger, job.workflowId, job.runId],
  );
  return rows[0]!.id;
}

/** Merges counts into the running job (progress an operator can read while the run goes on). */
export async function addJobCounts(db: Queryable, jobId: string, counts: Counts): Promise<void> {
  await db.query('UPDATE job_results SET counts = counts || $2::jsonb WHERE id = $1', [jobId, JSON.stringify(counts)]);
}

/** Adds to the running job's counts (each key by its amount), e.g. a project's stories as it is finished. */
export async function incrementJobCounts(db: Queryable, jobId: string, counts: Counts): Promise<void> {
  const keys = Object.keys(counts);
  await db.query(
    `UPDATE job_results SET counts = counts || (
       SELECT jsonb_object_agg(k, COALESCE((counts->>k)::bigint, 0) + v) FROM unnest($2::text[], $3::bigint[]) AS u(k, v))
     WHERE id = $1`,
    [jobId, keys, keys.map((k) => counts[k]!)],
  );
}

/** What a run reports besides counts (which activity source could not be read, and why), merged in. */
export async function addJobDetails(db: Queryable, jobId: string, details: Record<string, unknown>): Promise<void> {
  await db.query('UPDATE job_results SET details = details || $2::jsonb WHERE id = $1', [jobId, JSON.stringify(details)]);
}

/** The counts a running job has recorded so far (a retried activity carries on from them). */
export async function getJobCounts(db: Queryable, jobId: string): Promise<Counts> {
  const rows = await db.query<{ counts: Counts }>('SELECT counts FROM job_results WHERE id = $1', [jobId]);
  return rows[0]?.counts ?? {};
}

/** Completes a run's job result; answers its kind and how long it ran (metrics). */
export async function finishJobResult(
  db: Queryable,
  jobId: string,
  outcome: { status: FinishedStatus; counts: Counts; error?: string | null },
): Promise<{ kind: JobKind; seconds: number } | null> {
  const rows = await db.query<{ kind: JobKind; seconds: number }>(
    `UPDATE job_results SET status = $2, counts = counts || $3::jsonb, error = $4, finished_at = now() WHERE id = $1
     RETURNING kind, extract(epoch FROM finished_at - started_at)::float8 AS seconds`,
    [jobId, outcome.status, JSON.stringify(outcome.counts), outcome.error ?? null],
  );
  return rows[0] ?? null;
}

/**
 * Starts an attempt of a run's page walk: takes the next claim, and reads where the walk stands in the same
 * statement, so no page of an earlier attempt can commit between the two. From then on only pages written
 * under this claim commit (see walkProgressUpdate). A run without a row (startJobResult writes it first) gets
 * claim 0 and no progress, and its page writes are refused.
 */
export async function claimWalk(db: Queryable, jobId: string): Promise<{ claim: number; progress: unknown }> {
  const rows = await db.query<{ walk_claim: number; progress: unknown }>(
    'UPDATE job_results SET walk_claim = walk_claim + 1 WHERE id = $1 RETURNING walk_claim, progress',
    [jobId],
  );
  return { claim: rows[0]?.walk_claim ?? 0, progress: rows[0]?.progress ?? null };
}

/**
 * The statement that commits where a membership walk stands (the cursor, the running counts, and one more
 * page fetched), for the page's writer to run in the same statement as the page itself: the job's SQL stays
 * here, and the page and its cursor commit together in one round trip. Its placeholders name the job, the
 * walk's claim, the progress as JSON, and the pages and members so far. It returns a row only while the claim
 * is the newest: the writer joins the page's rows to it, so a superseded attempt writes nothing.
 */
export function walkProgressUpdate(p: { jobId: string; claim: string; progress: string; pages: string; members: string }): string {
  return `UPDATE job_results SET progress = ${p.progress}::jsonb, counts = counts || jsonb_build_object('pages', ${p.pages}::int, 'members', ${p.members}::int,
            'pageFetches', COALESCE((counts->>'pageFetches')::int, 0) + 1) WHERE id = ${p.jobId}::uuid AND walk_claim = ${p.claim}::int RETURNING 1`;
}

export function listJobResults(db: Queryable, profileId: string, f: { kind?: JobKind }, page: Page): Promise<Paged<JobResultRow>> {
  return paged<JobResultRow>(db, 'SELECT * FROM job_results WHERE profile_id = $1 AND ($2::text IS NULL OR kind = $2)', [profileId, f.kind ?? null], 'started_at DESC, id', page);
}

export function jobResultView(row: JobResultRow) {
  // What the walk keeps to resume, and the profile the path already names, are not shown.
  const { profileId: _profile, progress: _progress, walkClaim: _claim, ...view } = camelRow(row);
  return view;
}

// ---- run leases ----

export type LeaseOutcome = { acquired: true } | { acquired: false; holder: string };

/** Asks Temporal whether a workflow (by ID) is still running; a missing one is not. */
export type IsRunning = (workflowId: string) => Promise<boolean>;

/**
 * Claims the profile's one slot for runs of `kind` for `workflowId`. The claim is a row keyed by
 * (profile, kind), so two claimants serialise on it: an uncommitted claim (the API's, taken in the same
 * transaction as the workflow start) makes the other wait until it commits or rolls back. A claim whose
 * workflow has ended without releasing it (terminated, timed out) is taken over.
 */
export async function acquireRunLease(tx: Tx, p: { profileId: string; kind: JobKind; workflowId: string }, isRunning: IsRunning): Promise<LeaseOutcome> {
  const inserted = await tx.query<{ workflow_id: string }>(
    `INSERT INTO run_leases (profile_id, kind, workflow_id) VALUES ($1, $2, $3)
     ON CONFLICT (profile_id, kind) DO NOTHING RETURNING workflow_id`,
    [p.profileId, p.kind, p.workflowId],
  );
  if (inserted.length > 0) return { acquired: true };
  const held = await tx.query<{ workflow_id: string }>('SELECT workflow_id FROM run_leases WHERE profile_id = $1 AND kind = $2 FOR UPDATE', [p.profileId, p.kind]);
  const holder = held[0]?.workflow_id;
  if (holder === p.workflowId) return { acquired: true };
  if (holder !== undefined && (await isRunning(holder))) return { acquired: false, holder };
  await tx.query(
    `INSERT INTO run_leases (profile_id, kind, workflow_id) VALUES ($1, $2, $3)
     ON CONFLICT (profile_id, kind) DO UPDATE SET workflow_id = EXCLUDED.workflow_id, acquired_at = now()`,
    [p.profileId, p.kind, p.workflowId],
  );
  return { acquired: true };
}

/** Gives the slot back; only its holder can (a run that lost its claim to a takeover releases nothing). */
export async function releaseRunLease(db: Queryable, p: { profileId: string; kind: JobKind; workflowId: string }): Promise<void> {
  await db.query('DELETE FROM run_leases WHERE profile_id = $1 AND kind = $2 AND workflow_id = $3', [p.profileId, p.kind, p.workflowId]);
}

/** The workflows holding a profile's run slots (to stop them when the profile is deleted). */
export async function runLeaseHolders(db: Queryable, profileId: string): Promise<string[]> {
  const rows = await db.query<{ workflow_id: string }>('SELECT workflow_id FROM run_leases WHERE profile_id = $1 ORDER BY kind', [profileId]);
  return rows.map((r) => r.workflow_id);
}

