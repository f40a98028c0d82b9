import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/pool';
import { getProfileRow } from '../store/profiles';
import { reconcileLicences } from '../reconcile/reconcile';
import type { PositionCounts } from '../reconcile/computePosition';

export function createReconcileActivities(deps: { db: Db }) {
  return {
    /** Computes and keeps the licence position of every model of the profile; answers counts, never lists. */
    async reconcileLicences(input: { profileId: string; jobId: string }): Promise<PositionCounts> {
      if (!(await getProfileRow(deps.db, input.profileId))) {
        throw ApplicationFailure.nonRetryable(`Profile ${input.profileId} does not exist (deleted?)`, 'ProfileNotFound');
      }
      try {
        return await reconcileLicences(deps.db, input);
      } catch (err) {
        // 22003: an amount past its column (absurd quantities or prices); retrying cannot fix it.
        if ((err as { code?: string }).code === '22003') {
          throw ApplicationFailure.nonRetryable(
            `A licence figure is too large to store (${(err as Error).message}); check the quantities and unit prices of the entitlements.`,
            'LicenceFigureOverflow',
          );
        }
        throw err;
      }
    },
  };
}
