import type { Db } from '../db/pool';
import type { AsanaClients } from '../profiles/asanaClients';
import { AsanaApiError } from '../asana/errors';
import { clearRestoreRequested, getRestoreTarget, markRestored, markRestoreRequested, type CandidateState } from '../store/candidates';
import { isMember } from './reclaimOne';
import { withAsanaFailures } from './asanaFailures';
import { openRunContext } from './runContext';

export interface RestoreResult {
  state: CandidateState | null;
  /** Why Asana would not add the person back (the candidate stays reclaimed). */
  refused?: string;
}

export function createRestoreActivities(deps: { db: Db; asana: AsanaClients }) {
  return {
    /**
     * Adds a reclaimed person back to the organization (`addUser`), once: the request is marked before it is sent,
     * and a retry that finds the mark asks Asana whether the person is back before sending it again.
     */
    async restoreCandidate(input: { profileId: string; candidateId: string; protectionDays: number }): Promise<RestoreResult> {
      return withAsanaFailures(deps, input.profileId, async () => {
        const target = await getRestoreTarget(deps.db, input.profileId, input.candidateId);
        if (!target || target.state !== 'closed_complete') return { state: target?.state ?? null };
        const { asana, workspaceGid } = await openRunContext(deps, input.profileId);
        const back = target.restoreRequestedAt ? await isMember(asana, workspaceGid, target.userGid) : false;
        if (!back) {
          await markRestoreRequested(deps.db, target.id);
          try {
            await asana.addUser(workspaceGid, target.userGid);
          } catch (err) {
            if (err instanceof AsanaApiError && err.status >= 400 && err.status < 500 && err.status !== 429) {
              await clearRestoreRequested(deps.db, target.id);
              return { state: target.state, refused: `Asana refused to add the person back (${err.status}): ${err.message}` };
            }
            throw err;
          }
        }
        await markRestored(deps.db, { profileId: input.profileId, candidateId: target.id, userGid: target.userGid, protectionDays: input.protectionDays });
        return { state: 'restored' };
      });
    },
  };
}
