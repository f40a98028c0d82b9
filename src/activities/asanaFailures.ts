import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/pool';
import { AsanaFailureType, toActivityFailure } from '../asana/failures';
import { recordAuthError } from '../store/profiles';

/**
 * Runs an activity body and translates Asana's errors once, at the edge, into typed Temporal failures.
 * A revoked grant is also written on the connection, so the profile shows that it needs re-authorizing.
 */
export async function withAsanaFailures<T>(deps: { db: Db }, profileId: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    const failure = toActivityFailure(err);
    if (failure instanceof ApplicationFailure && failure.type === AsanaFailureType.AuthRevoked) {
      await recordAuthError(deps.db, profileId, failure.message).catch(() => undefined);
    }
    throw failure;
  }
}
