import { log } from '@temporalio/workflow';

export interface RunInput {
  profileId: string;
}

// The schedules of a published profile start these; the runs' activities come with the durable-runs work.
export async function downloadSubscriptionsWorkflow(input: RunInput): Promise<void> {
  log.info('download subscriptions run started', { profileId: input.profileId });
}

export async function refreshActivityWorkflow(input: RunInput): Promise<void> {
  log.info('refresh activity run started', { profileId: input.profileId });
}

export async function reconcileWorkflow(input: RunInput): Promise<void> {
  log.info('reconcile run started', { profileId: input.profileId });
}
