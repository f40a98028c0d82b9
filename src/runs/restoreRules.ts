// When a reclaim can be undone: plain rules, throwing typed errors the API translates.
import { conflictRule } from '../errors';
import type { RestoreTarget } from '../store/candidates';

const DAY_MS = 86_400_000;

/**
 * Whether `candidate` can be restored now: true when the restore is still to do, false when it was done already
 * (a repeated request: nothing more to do). Anything else is a conflict that says why.
 */
export function restoreNeeded(candidate: RestoreTarget, now: Date, windowDays: number): boolean {
  if (candidate.state === 'restored') return false;
  if (candidate.state !== 'closed_complete') {
    throw conflictRule(`Only a reclaimed candidate (closed_complete) can be restored; this one is ${candidate.state}, so the person was never removed by the service.`, {
      state: candidate.state,
    });
  }
  const removedAt = candidate.closedAt ?? now;
  const until = new Date(removedAt.getTime() + windowDays * DAY_MS);
  if (now > until) {
    throw conflictRule(
      `The removal was on ${removedAt.toISOString().slice(0, 10)}, and a reclaim can be undone for ${windowDays} days (until ${until.toISOString().slice(0, 10)}; RESTORE_WINDOW_DAYS). Add the person back in Asana's admin console instead.`,
      { state: candidate.state, restoreWindowEndedAt: until.toISOString() },
    );
  }
  return true;
}
