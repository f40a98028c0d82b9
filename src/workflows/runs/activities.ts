import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { RunTuning } from '../../runs/types';

// Failures no retry can fix: the run ends and its job result says why.
const NON_RETRYABLE = ['AsanaAuthRevoked', 'AsanaOAuthRejected', 'AsanaForbidden', 'AsanaNotFound', 'AsanaBadRequest', 'ProfileNotFound', 'ProfileNotValidated', 'EmptyMembership'];

/** Short bookkeeping activities (job results, analysis SQL). */
export const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

/**
 * Activities that walk Asana page by page. They heartbeat their cursor, so a lost worker is noticed within
 * the heartbeat timeout and the retry resumes from the last cursor; 429s and 5xx bursts are retried
 * (a 429 after exactly its Retry-After) for as long as the start-to-close budget allows.
 */
export function walkers(tuning: RunTuning | undefined) {
  return proxyActivities<Activities>({
    startToCloseTimeout: '12 hours',
    heartbeatTimeout: `${tuning?.heartbeatTimeoutSeconds ?? 60} seconds`,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 50, nonRetryableErrorTypes: NON_RETRYABLE },
  });
}
