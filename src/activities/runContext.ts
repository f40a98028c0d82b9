import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/pool';
import type { AsanaClient, AsanaClientOptions } from '../asana/client';
import type { AsanaClients } from '../profiles/asanaClients';
import type { ProfileOptions } from '../profiles/types';
import { withOptionDefaults } from '../profiles/options';
import { runBlocker } from '../runs/runChecks';
import { getConnection, getProfileRow, type ConnectionRecord } from '../store/profiles';

export interface RunContext {
  /** Speaks as the admin who authorized the connection. */
  asana: AsanaClient;
  connection: ConnectionRecord;
  workspaceGid: string;
  options: ProfileOptions;
}

/** A GET that meets a 5xx or a network error is sent again this often inside the activity, before Temporal retries it. */
export const DEFAULT_TRANSIENT_RETRIES = 4;

/** What a run's activity needs to talk to a profile's organization, after the checks before a run. */
export async function openRunContext(
  deps: { db: Db; asana: AsanaClients },
  profileId: string,
  opts: { progress?: () => unknown; transientRetries?: number } = {},
): Promise<RunContext> {
  const [profile, connection] = await Promise.all([getProfileRow(deps.db, profileId), getConnection(deps.db, profileId)]);
  const blocker = runBlocker(profile, connection);
  if (blocker) throw ApplicationFailure.nonRetryable(blocker.message, blocker.type);
  const asana = deps.asana.forConnection(connection!, runClientOptions(Context.current(), opts.progress ?? (() => undefined), opts.transientRetries));
  return { asana, connection: connection!, workspaceGid: connection!.workspaceGid!, options: withOptionDefaults(profile!.options) };
}

/**
 * How a run's Asana client behaves inside an activity: waits (rate limits, backoff after a 5xx) heartbeat with
 * `progress()`, so the cursor survives, and the activity's cancellation stops requests and waits.
 */
export function runClientOptions(ctx: Context, progress: () => unknown, transientRetries?: number): Omit<AsanaClientOptions, 'baseUrl' | 'tokens'> {
  return {
    onWait: () => ctx.heartbeat(progress()),
    // Twice per heartbeat timeout (a run's tuning may make it a few seconds), never less often than every 10 s.
    waitTickMs: waitTickFor(ctx.info.heartbeatTimeoutMs),
    signal: ctx.cancellationSignal,
    // Waits past the heartbeat timeout are fine: onWait keeps heartbeating through them.
    maxRateLimitWaitMs: 120_000,
    maxRateLimitWaits: 1_000,
    // Short, jittered retries absorb passing 5xx bursts: a 20% error rate costs ~25% more requests, not a
    // Temporal retry (minutes of backoff) per failed page.
    transientRetries: transientRetries ?? DEFAULT_TRANSIENT_RETRIES,
  };
}

/**
 * How often a rate-limit wait heartbeats. Once per tick is only enough if ticks come well inside the heartbeat
 * timeout: a 2 s Retry-After under a 1 s timeout would otherwise end the attempt as lost while it waits.
 */
export function waitTickFor(heartbeatTimeoutMs: number | undefined): number {
  return heartbeatTimeoutMs ? Math.max(100, Math.min(10_000, Math.floor(heartbeatTimeoutMs / 2))) : 10_000;
}
