import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/pool';
import type { SecretBox } from '../secrets/secretBox';
import { AsanaClient } from '../asana/client';
import { toActivityFailure } from '../asana/failures';
import { getConnection } from '../profiles/connectionStore';
import { createDbTokenProvider } from '../profiles/dbTokenProvider';
import { getProfileRow } from '../profiles/profileStore';
import type { ProfileOptions } from '../profiles/types';
import { withOptionDefaults } from '../profiles/options';

export interface RunContext {
  asana: AsanaClient;
  workspaceGid: string;
  options: ProfileOptions;
}

/** A GET that meets a 5xx or a network error is sent again this often inside the activity, before Temporal retries it. */
export const DEFAULT_TRANSIENT_RETRIES = 4;

/**
 * What a run's activity needs to talk to a profile's organization. Waits (rate limits, backoff after a 5xx)
 * heartbeat with `progress()`, so the cursor survives, and the activity's cancellation stops requests and waits.
 */
export async function openRunContext(
  deps: { db: Db; box: SecretBox },
  profileId: string,
  opts: { progress?: () => unknown; transientRetries?: number } = {},
): Promise<RunContext> {
  const progress = opts.progress ?? (() => undefined);
  const [profile, connection] = await Promise.all([getProfileRow(deps.db, profileId), getConnection(deps.db, profileId)]);
  if (!profile || !connection) throw ApplicationFailure.nonRetryable(`Profile ${profileId} does not exist (deleted?)`, 'ProfileNotFound');
  if (!connection.hasTokens) {
    throw ApplicationFailure.nonRetryable('The connection is not authorized; authorize the profile, then run again.', 'AsanaAuthRevoked');
  }
  if (!connection.workspaceGid) {
    throw ApplicationFailure.nonRetryable('The profile has no organization yet; validate it first.', 'ProfileNotValidated');
  }
  const ctx = Context.current();
  const asana = new AsanaClient({
    baseUrl: connection.baseUrl,
    tokens: createDbTokenProvider({ db: deps.db, box: deps.box, profileId, baseUrl: connection.baseUrl }),
    onWait: () => ctx.heartbeat(progress()),
    // Twice per heartbeat timeout (a run's tuning may make it a few seconds), never less often than every 10 s.
    waitTickMs: waitTickFor(ctx.info.heartbeatTimeoutMs),
    signal: ctx.cancellationSignal,
    // Waits past the heartbeat timeout are fine: onWait keeps heartbeating through them.
    maxRateLimitWaitMs: 120_000,
    maxRateLimitWaits: 1_000,
    // Short, jittered retries absorb passing 5xx bursts: a 20% error rate costs ~25% more requests, not a
    // Temporal retry (minutes of backoff) per failed page.
    transientRetries: opts.transientRetries ?? DEFAULT_TRANSIENT_RETRIES,
  });
  return { asana, workspaceGid: connection.workspaceGid, options: withOptionDefaults(profile.options) };
}

/**
 * How often a rate-limit wait heartbeats. Once per tick is only enough if ticks come well inside the heartbeat
 * timeout: a 2 s Retry-After under a 1 s timeout would otherwise end the attempt as lost while it waits.
 */
export function waitTickFor(heartbeatTimeoutMs: number | undefined): number {
  return heartbeatTimeoutMs ? Math.max(100, Math.min(10_000, Math.floor(heartbeatTimeoutMs / 2))) : 10_000;
}


/**
 * Runs an activity body and translates Asana's errors once, at the edge, into typed Temporal failures.
 * A revoked grant is also written on the connection, so the profile shows that it needs re-authorizing.
 */
export async function asActivity<T>(deps: { db: Db }, profileId: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    const failure = toActivityFailure(err);
    if (failure instanceof ApplicationFailure && failure.type === 'AsanaAuthRevoked') {
      await deps.db
        .query('UPDATE connections SET auth_error = $2, updated_at = now() WHERE profile_id = $1', [profileId, failure.message])
        .catch(() => undefined);
    }
    throw failure;
  }
}
