import type { MeaningfulActivity, ProfileOptions } from './types';

/** By default every kind of activity a person does counts (failed logins and being a target never do). */
export const DEFAULT_MEANINGFUL_ACTIVITY: MeaningfulActivity = { logins: true, stories: true, auditEvents: true };

/** How far back the first activity pull reaches unless the profile says otherwise. */
export const DEFAULT_ANALYZE_ACTIVITY_DAYS = 60;

/** Asana's limit per token on paid plans; a free plan's organization (150) must say so in the profile. */
export const DEFAULT_ASANA_REQUESTS_PER_MINUTE = 1500;
/** No Asana plan lets a token send more than this. */
export const MAX_ASANA_REQUESTS_PER_MINUTE = 1500;

/**
 * Every option with its default where none was given: a new profile's options, and how a profile created
 * before an option existed reads it.
 */
export function withOptionDefaults(
  options: Partial<Omit<ProfileOptions, 'downloadSubscriptions' | 'meaningfulActivity'>> & { meaningfulActivity?: Partial<MeaningfulActivity> },
  now: Date = new Date(),
): ProfileOptions {
  return {
    downloadSubscriptions: true,
    downloadActivity: options.downloadActivity ?? true,
    analyzeActivityFrom: options.analyzeActivityFrom ?? new Date(now.getTime() - DEFAULT_ANALYZE_ACTIVITY_DAYS * 86_400_000).toISOString(),
    reclaimSubscriptions: options.reclaimSubscriptions ?? true,
    reclaimCapPercent: options.reclaimCapPercent ?? 10,
    reclaimDryRun: options.reclaimDryRun ?? false,
    managerEmail: options.managerEmail ?? null,
    activitySources: options.activitySources ?? 'auto',
    meaningfulActivity: { ...DEFAULT_MEANINGFUL_ACTIVITY, ...options.meaningfulActivity },
    asanaRequestsPerMinute: options.asanaRequestsPerMinute ?? DEFAULT_ASANA_REQUESTS_PER_MINUTE,
  };
}
