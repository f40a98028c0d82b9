// The checks before a run, in one wording: the API refuses to start a run for these reasons (409), and a run
// that finds one of them when it starts (a schedule firing, a profile changed meanwhile) fails with it.
import type { ConnectionRecord, ProfileRow } from '../store/profiles';
import { withOptionDefaults } from '../profiles/options';
import type { JobKind } from './types';

export type RunBlockerType = 'ProfileNotFound' | 'AsanaAuthRevoked' | 'ProfileNotValidated' | 'JobSwitchedOff';

export interface RunBlocker {
  /** The failure type a run reports (AsanaAuthRevoked: only authorizing again helps). */
  type: RunBlockerType;
  message: string;
}

/** Why a run of `job` (or, without one, any run calling Asana) cannot go ahead now; null when it can. */
export function runBlocker(profile: ProfileRow | null, connection: ConnectionRecord | null, job?: JobKind): RunBlocker | null {
  if (!profile || !connection) return { type: 'ProfileNotFound', message: 'The profile does not exist (deleted?).' };
  if (!connection.hasTokens || connection.authError) {
    return { type: 'AsanaAuthRevoked', message: 'The connection is not authorized: authorize the profile, then run again.' };
  }
  if (!connection.workspaceGid) return { type: 'ProfileNotValidated', message: 'The profile has no organization yet: validate it, then run again.' };
  const options = withOptionDefaults(profile.options);
  if (job === 'activity' && !options.downloadActivity) {
    return { type: 'JobSwitchedOff', message: 'downloadActivity is off for this profile, so there is no activity to refresh.' };
  }
  if (job === 'reclaim' && !options.reclaimSubscriptions) {
    return { type: 'JobSwitchedOff', message: 'reclaimSubscriptions is off for this profile: candidates are listed but never reclaimed.' };
  }
  return null;
}
