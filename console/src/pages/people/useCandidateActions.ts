import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Profile, RemovalCandidate } from '../../api/types';
import { useAction } from '../../components/useAction';
import { useCan } from '../../lib/useAccess';

const who = (c: RemovalCandidate) => c.name ?? c.email ?? c.userGid;

/**
 * What a person can do about a candidate from the list, when the token may: Exclude an open one (a user
 * exclusion rule), Restore a reclaimed one (added back in Asana, within the restore window the API enforces).
 */
export function useCandidateActions(profile: Profile, onChanged: () => void) {
  const base = `/api/profiles/${profile.id}`;
  const can = useCan();
  const [notice, setNotice] = useState<string | null>(null);
  const exclude = useAction(async (c: RemovalCandidate) => {
    setNotice(null);
    await api('POST', `${base}/exclusion-rules/users`, { userGid: c.userGid, ...(c.email ? { email: c.email } : {}), reason: 'Excluded from the console' });
    setNotice(`${who(c)} is excluded: never counted or reclaimed; the next activity run closes the candidate.`);
  });
  const restore = useAction(async (c: RemovalCandidate) => {
    setNotice(null);
    await api('POST', `${base}/removal-candidates/${c.id}/restore`);
    setNotice(`${who(c)} is added back to the organization, and is not reclaimed again for a while.`);
    onChanged();
  });
  return {
    exclude,
    restore,
    notice,
    error: exclude.error ?? restore.error,
    mayExclude: (c: RemovalCandidate) => !c.state.startsWith('closed') && c.state !== 'restored' && can('POST', `${base}/exclusion-rules/users`),
    mayRestore: (c: RemovalCandidate) => c.state === 'closed_complete' && can('POST', `${base}/removal-candidates/${c.id}/restore`),
    /** Whether any row can have an action, so the actions column is there at all. */
    any: can('POST', `${base}/exclusion-rules/users`) || can('POST', `${base}/removal-candidates/{candidateId}/restore`),
  };
}
