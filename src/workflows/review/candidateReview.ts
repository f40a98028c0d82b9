import { condition, setHandler } from '@temporalio/workflow';
import type { ReviewAction } from '../../notify/actionLinks';
import { shortActivities, heartbeatingActivities } from '../runs/activities';
import { reviewClosedSignal, reviewDecisionSignal } from './definitions';

export interface CandidateReviewInput {
  profileId: string;
  candidateId: string;
}

/**
 * How the review ended, as it happened: `reclaimed` only when the seat was removed; `not_reclaimed` when reclaim
 * was switched off (or to a dry run) meanwhile; `closed` when the candidate had been closed another way.
 */
export type ReviewOutcome = 'reclaimed' | 'not_reclaimed' | 'waiting_for_next_run' | 'kept' | 'closed' | 'attention_required';

const msUntil = (iso: string) => Math.max(0, Date.parse(iso) - Date.now());

/**
 * Notify and wait, for one removal candidate (`profile/<id>/candidate/<candidateId>`): the person is
 * emailed keep / release links; release, or no answer by the deadline, reclaims the seat; keep asks the
 * manager, whose approval keeps the seat and whose rejection reclaims it. Activity seen meanwhile (the
 * analysis closes the candidate) ends the wait. Timers and signals make it visible in the Temporal UI.
 */
export async function candidateReviewWorkflow(input: CandidateReviewInput): Promise<ReviewOutcome> {
  let stage: 'user' | 'manager' = 'user';
  let decision: ReviewAction | null = null;
  let closed = false;
  setHandler(reviewDecisionSignal, (action) => {
    const expected = stage === 'user' ? ['keep', 'release'] : ['approve', 'reject'];
    if (decision === null && expected.includes(action)) decision = action;
  });
  setHandler(reviewClosedSignal, () => {
    closed = true;
  });

  let reminded = 0;
  /** Waits for an answer until the deadline, reminding at each of `reminders` meanwhile; true when answered. */
  const waitWithReminders = async (stage: 'user' | 'manager', deadlineAt: string, reminders: string[]): Promise<boolean> => {
    const answered = () => decision !== null || closed;
    for (const at of reminders) {
      if (await condition(answered, msUntil(at))) return true;
      reminded += 1;
      await shortActivities.remindCandidate({ candidateId: input.candidateId, stage, number: reminded });
    }
    return condition(answered, msUntil(deadlineAt));
  };

  const asked = await shortActivities.notifyCandidateUser({ candidateId: input.candidateId });
  if (!asked.deadlineAt) return 'attention_required';
  await waitWithReminders('user', asked.deadlineAt, asked.reminders ?? []);
  if (closed) return 'closed';

  if (decision === 'keep') {
    const manager = await shortActivities.requestManagerApproval({ candidateId: input.candidateId });
    if (!manager.deadlineAt) return 'attention_required';
    stage = 'manager';
    decision = null;
    const answered = await waitWithReminders('manager', manager.deadlineAt, manager.reminders ?? []);
    if (closed) return 'closed';
    if (!answered) {
      await shortActivities.settleCandidate({ candidateId: input.candidateId, state: 'attention_required', reason: 'The person asked to keep the seat and the manager did not decide in time' });
      return 'attention_required';
    }
    if (decision === 'approve') {
      await shortActivities.settleCandidate({ candidateId: input.candidateId, state: 'closed_canceled', reason: 'Kept: the manager approved the request to keep the seat', because: 'approved' });
      return 'kept';
    }
  }
  // Released, no answer by the deadline, or the manager rejected keeping it.
  const because = decision === 'release' ? 'released' : decision === 'reject' ? 'rejected' : 'deadline';
  const { state, waitingForNextRun } = await heartbeatingActivities(undefined).reclaimReviewedCandidate({ profileId: input.profileId, candidateId: input.candidateId, because });
  return waitingForNextRun ? 'waiting_for_next_run' : outcomeOf(state);
}

/** The review's outcome from the state the candidate was left in. */
export function outcomeOf(state: string | null): ReviewOutcome {
  if (state === 'closed_complete') return 'reclaimed';
  if (state === 'ready') return 'not_reclaimed';
  if (state === 'attention_required') return 'attention_required';
  return 'closed';
}
