import { defineSignal } from '@temporalio/workflow';
import type { ReviewAction } from '../../notify/actionLinks';

/** A person's or manager's answer, arriving through a signed link. */
export const reviewDecisionSignal = defineSignal<[ReviewAction]>('decision');
/** The analysis closed the candidate (activity resumed, excluded, left): stop waiting. */
export const reviewClosedSignal = defineSignal<[string]>('closed');

export function reviewWorkflowId(profileId: string, candidateId: string): string {
  return `profile/${profileId}/candidate/${candidateId}`;
}
