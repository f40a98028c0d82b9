import type { Db } from '../db/pool';
import type { Metrics } from '../metrics';
import { AsanaApiError } from '../asana/errors';
import type { AsanaClient } from '../asana/client';
import { closeCandidate, markRemovalRequested, type ClosingState, type ReclaimTarget } from '../store/candidates';
import type { NewerActivity } from './newerActivity';
import { appendAuditEvent } from '../store/audit';

/**
 * One candidate, safely: nothing is removed twice. The request is marked before `removeUser` is sent; a
 * retry that finds the mark asks Asana whether the person is still a member, and a person already gone
 * after our request counts as reclaimed.
 */
export async function reclaimOne(p: {
  db: Db;
  asana: AsanaClient;
  workspaceGid: string;
  profileId: string;
  target: ReclaimTarget;
  /** Asks Asana for activity newer than the candidate's; null when Asana cannot be asked (then only the database is). */
  newerActivity: NewerActivity | null;
  metrics?: Metrics;
  /** Who the audit trail names for this decision. */
  actor: string;
}): Promise<void> {
  const { db, asana, target } = p;
  const close = async (state: ClosingState, reason: string) => {
    await closeCandidate(db, { profileId: p.profileId, candidateId: target.id, userGid: target.userGid, state, reason });
    await appendAuditEvent(
      db,
      { actor: p.actor, action: `candidate.${state}`, profileId: p.profileId, objectType: 'removal-candidate', objectId: target.id, after: { state, reason, userGid: target.userGid } },
      { once: true },
    );
  };

  if (target.stopReason) return close(target.stopReason.state, target.stopReason.reason);

  const stillMember = await isMember(asana, p.workspaceGid, target.userGid);
  if (!stillMember) {
    return target.removalRequestedAt
      ? close('closed_complete', 'Removed from the organization (confirmed after a retried request)')
      : close('closed_skipped', 'Already gone from the organization');
  }

  const newer = p.newerActivity ? await p.newerActivity(target) : null;
  if (newer) return close('closed_canceled', `Active again on ${newer.slice(0, 10)}`);

  await markRemovalRequested(db, target.id);
  try {
    await asana.removeUser(p.workspaceGid, target.userGid);
  } catch (err) {
    if (err instanceof AsanaApiError && err.status === 404) return close('closed_skipped', 'Already gone from the organization');
    if (err instanceof AsanaApiError && err.status >= 400 && err.status < 500 && err.status !== 429) {
      return close('attention_required', `Asana refused the removal (${err.status}): ${err.message}`);
    }
    throw err;
  }
  p.metrics?.seatsReclaimed.inc();
  return close('closed_complete', 'Removed from the organization; the seat is free');
}

/** Whether the person is an active member of the workspace now, as Asana says. */
export async function isMember(asana: AsanaClient, workspaceGid: string, userGid: string): Promise<boolean> {
  try {
    const memberships = await asana.getUserWorkspaceMemberships(userGid, ['workspace', 'is_active']);
    return memberships.some((m) => m.workspace?.gid === workspaceGid && m.is_active !== false);
  } catch (err) {
    if (err instanceof AsanaApiError && err.status === 404) return false;
    throw err;
  }
}
