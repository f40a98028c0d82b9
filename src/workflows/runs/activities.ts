import type { Activities } from '../../activities';
import type { RunTuning } from '../../runs/types';
import { summarizedActivities } from '../summarizedActivities';

// Failures no retry can fix: the run ends and its job result says why.
const NON_RETRYABLE = ['AsanaAuthRevoked', 'AsanaOAuthRejected', 'AsanaForbidden', 'AsanaNotFound', 'AsanaBadRequest', 'ProfileNotFound', 'ProfileNotValidated', 'JobSwitchedOff', 'EmptyMembership'];

/** The timeout profile of short activities that do not heartbeat (job results, analysis SQL): 5 minutes each. */
export const shortActivities = summarizedActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

/**
 * The timeout profile of activities that heartbeat (walking Asana page by page): 12 hours each, lost within the
 * heartbeat timeout. They heartbeat their cursor, so a lost worker is noticed within
 * the heartbeat timeout and the retry resumes from the last cursor; 429s and 5xx bursts are retried
 * (a 429 after exactly its Retry-After) for as long as the start-to-close budget allows.
 */
export function heartbeatingActivities(tuning: RunTuning | undefined) {
  return summarizedActivities<Activities>({
    startToCloseTimeout: '12 hours',
    heartbeatTimeout: `${tuning?.heartbeatTimeoutSeconds ?? 60} seconds`,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 50, nonRetryableErrorTypes: NON_RETRYABLE },
  });
}
