import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../logger';

let installed = false;

/**
 * Routes the Temporal SDK's own log lines into the service's logger (its INFO lines, bundle statistics and worker
 * state changes, are only interesting when debugging, so they become debug lines) and, with `metricsPort`,
 * exposes the SDK's worker metrics (polls, slots, latencies) in Prometheus text on loopback; answers their URL.
 */
export function installTemporalRuntime(logger: Logger, opts: { metricsPort?: number } = {}): string | undefined {
  const metricsUrl = opts.metricsPort ? `http://127.0.0.1:${opts.metricsPort}/metrics` : undefined;
  if (installed) return metricsUrl;
  installed = true;
  const sdk = logger.child({ component: 'temporal-sdk' });
  const levels: Record<LogLevel, (meta: LogMetadata | undefined, msg: string) => void> = {
    TRACE: (meta, msg) => sdk.trace(meta ?? {}, msg),
    DEBUG: (meta, msg) => sdk.debug(meta ?? {}, msg),
    INFO: (meta, msg) => sdk.debug(meta ?? {}, msg),
    WARN: (meta, msg) => sdk.warn(meta ?? {}, msg),
    ERROR: (meta, msg) => sdk.error(meta ?? {}, msg),
  };
  Runtime.install({
    // The SDK's native core (polling, retries towards the server) logs through this logger too, warnings up.
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} },
      ...(opts.metricsPort ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${opts.metricsPort}`, countersTotalSuffix: true, useSecondsForDurations: true } } } : {}),
    },
    logger: {
      log: (level, message, meta) => levels[level](meta, message),
      trace: (message, meta) => levels.TRACE(meta, message),
      debug: (message, meta) => levels.DEBUG(meta, message),
      info: (message, meta) => levels.INFO(meta, message),
      warn: (message, meta) => levels.WARN(meta, message),
      error: (message, meta) => levels.ERROR(meta, message),
    },
  });
  return metricsUrl;
}
