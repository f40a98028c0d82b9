import { log } from '@temporalio/workflow';
import type { RunInput } from '../../runs/types';

// The weekly schedule starts this; the licence position it computes comes with the entitlements work.
export async function reconcileWorkflow(input: RunInput): Promise<void> {
  log.info('reconcile run started', { profileId: input.profileId });
}
