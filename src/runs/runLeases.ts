import type { Db, Tx } from '../db/pool';
import type { JobKind } from './types';

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
export async function releaseRunLease(db: Pick<Db, 'query'>, p: { profileId: string; kind: JobKind; workflowId: string }): Promise<void> {
  await db.query('DELETE FROM run_leases WHERE profile_id = $1 AND kind = $2 AND workflow_id = $3', [p.profileId, p.kind, p.workflowId]);
}

/** The workflows holding a profile's run slots (to stop them when the profile is deleted). */
export async function runLeaseHolders(db: Pick<Db, 'query'>, profileId: string): Promise<string[]> {
  const rows = await db.query<{ workflow_id: string }>('SELECT workflow_id FROM run_leases WHERE profile_id = $1 ORDER BY kind', [profileId]);
  return rows.map((r) => r.workflow_id);
}
