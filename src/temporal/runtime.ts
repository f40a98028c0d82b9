import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../logger';

let installed = false;

/**
 * Routes the Temporal SDK's own log lines into the service's logger. The SDK's INFO lines (bundle
 * statistics, worker state changes) are only interesting when debugging, so they become debug lines.
 */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
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
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
    logger: {
      log: (level, message, meta) => levels[level](meta, message),
      trace: (message, meta) => levels.TRACE(meta, message),
      debug: (message, meta) => levels.DEBUG(meta, message),
      info: (message, meta) => levels.INFO(meta, message),
      warn: (message, meta) => levels.WARN(meta, message),
      error: (message, meta) => levels.ERROR(meta, message),
    },
  });
}
