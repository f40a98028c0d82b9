import type { RestoreResult } from '../../activities/restoreActivities';
import { heartbeatingActivities } from '../runs/activities';

export interface RestoreInput {
  profileId: string;
  candidateId: string;
  /** How long the restored person is then protected from reclaim. */
  protectionDays: number;
}

export function restoreWorkflowId(profileId: string, candidateId: string): string {
  return `profile/${profileId}/candidate/${candidateId}/restore`;
}

/**
 * Undo a reclaim (`profile/<id>/candidate/<candidateId>/restore`): add the person back to the organization,
 * once, however often the activity is retried; the candidate becomes `restored` and is protected for a while.
 */
export async function restoreCandidateWorkflow(input: RestoreInput): Promise<RestoreResult> {
  return heartbeatingActivities(undefined).restoreCandidate(input);
}
