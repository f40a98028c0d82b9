import type { ProfileOptions } from './types';

/** Profiles created before an option existed read as its default. */
export function withOptionDefaults(options: Partial<ProfileOptions>): ProfileOptions {
  return {
    downloadSubscriptions: true,
    downloadActivity: options.downloadActivity ?? true,
    analyzeActivityFrom: options.analyzeActivityFrom ?? new Date(Date.now() - 60 * 86_400_000).toISOString(),
    reclaimSubscriptions: options.reclaimSubscriptions ?? true,
    reclaimCapPercent: options.reclaimCapPercent ?? 10,
    reclaimDryRun: options.reclaimDryRun ?? false,
    managerEmail: options.managerEmail ?? null,
  };
}
