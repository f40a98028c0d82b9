import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import { ACTIVITY_SUMMARIES } from '../runs/summaries';

type ActivityFn = ((...args: any[]) => Promise<unknown>) & { executeWithOptions(options: ActivityOptions, args: unknown[]): Promise<unknown> }; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * proxyActivities, with each call carrying its activity type's one-line summary (runs/summaries.ts), which the
 * Temporal Web UI shows on the scheduled and pending activity.
 */
export function summarizedActivities<A extends object>(options: ActivityOptions): A {
  const proxy = proxyActivities<A>(options) as Record<string, ActivityFn>;
  return new Proxy(proxy, {
    get(target, name) {
      const fn = target[name as string]!;
      const summary = typeof name === 'string' ? ACTIVITY_SUMMARIES[name] : undefined;
      return summary ? (...args: unknown[]) => fn.executeWithOptions({ summary }, args) : fn;
    },
  }) as A;
}
