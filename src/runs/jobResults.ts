import type { Db } from '../db/pool';
import type { Counts, JobKind, JobTrigger } from './types';

/** How a run ended: `skipped` when another run of its kind was in progress for the profile. */
export type FinishedStatus = 'succeeded' | 'failed' | 'skipped';

export interface JobResultRow {
  id: string;
  profile_id: string;
  kind: JobKind;
  trigger: JobTrigger;
  workflow_id: string;
  run_id: string;
  status: 'running' | FinishedStatus;
  started_at: Date;
  finished_at: Date | null;
  counts: Counts;
  error: string | null;
}

/** Records that a run started; a replayed activity finds the row it wrote before (one row per workflow run). */
export async function startJobResult(
  db: Db,
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
export async function addJobCounts(db: Pick<Db, 'query'>, jobId: string, counts: Counts): Promise<void> {
  await db.query('UPDATE job_results SET counts = counts || $2::jsonb WHERE id = $1', [jobId, JSON.stringify(counts)]);
}

/** The counts a running job has recorded so far (a retried activity carries on from them). */
export async function getJobCounts(db: Pick<Db, 'query'>, jobId: string): Promise<Counts> {
  const rows = await db.query<{ counts: Counts }>('SELECT counts FROM job_results WHERE id = $1', [jobId]);
  return rows[0]?.counts ?? {};
}

export async function finishJobResult(db: Db, jobId: string, outcome: { status: FinishedStatus; counts: Counts; error?: string | null }): Promise<void> {
  await db.query(
    `UPDATE job_results SET status = $2, counts = counts || $3::jsonb, error = $4, finished_at = now() WHERE id = $1`,
    [jobId, outcome.status, JSON.stringify(outcome.counts), outcome.error ?? null],
  );
}

export function jobResultView(row: JobResultRow) {
  return {
    id: row.id,
    kind: row.kind,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    counts: row.counts,
    error: row.error,
    workflowId: row.workflow_id,
    runId: row.run_id,
  };
}

/** The page walk's position committed with its last page, if the job has one. */
export async function getJobProgress(db: Pick<Db, 'query'>, jobId: string): Promise<unknown> {
  const rows = await db.query<{ progress: unknown }>('SELECT progress FROM job_results WHERE id = $1', [jobId]);
  return rows[0]?.progress ?? null;
}
