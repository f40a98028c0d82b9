// The lifecycle rules of PRODUCT.md section 3 as pure functions, so they can be tested without Temporal.
import type { MeaningfulActivity, ProfileOptions, ProfileState, ScheduleKind } from '../../profiles/types';
import { DEFAULT_MEANINGFUL_ACTIVITY } from '../../profiles/options';

/** Why publishing is not allowed now, or null when it is. */
export function publishBlocker(state: ProfileState): string | null {
  if (!state.authorized) return 'The connection is not authorized yet: authorize it, then validate, then publish.';
  if (!state.validation) return 'The profile has not been validated: validate it, then publish.';
  if (state.validationStaleReason) return `The last validation no longer applies (${state.validationStaleReason}): validate again, then publish.`;
  if (!state.validation.passed) {
    const failed = state.validation.checks.filter((c) => !c.passed).map((c) => c.name);
    return `The last validation failed (${failed.join(', ')}): fix that and validate again before publishing.`;
  }
  return null;
}

/** The schedules a published profile with these options has. */
export function schedulesFor(options: ProfileOptions): ScheduleKind[] {
  return options.downloadActivity ? ['download', 'activity', 'reconcile'] : ['download', 'reconcile'];
}

export interface OptionChangeOutcome {
  options: ProfileOptions;
  /** Set when the change sends a published profile back to draft. */
  backToDraftReason: string | null;
  /** Set when an earlier validation no longer applies. */
  staleReason: string | null;
  schedulesToDelete: ScheduleKind[];
}

export function applyOptionChange(state: ProfileState, change: Partial<ProfileOptions>): OptionChangeOutcome {
  const options: ProfileOptions = {
    ...state.options,
    ...change,
    downloadSubscriptions: true,
    // Options of profiles made before these existed read as their defaults.
    activitySources: change.activitySources ?? state.options.activitySources ?? 'auto',
    meaningfulActivity: { ...DEFAULT_MEANINGFUL_ACTIVITY, ...(state.options.meaningfulActivity as Partial<MeaningfulActivity> | undefined), ...change.meaningfulActivity },
  };
  const before = state.options.downloadActivity;
  const after = options.downloadActivity;
  if (before === after) {
    // Other sources need their own checks (the audit log a Service Account token, say): validate again.
    const sourcesChanged = JSON.stringify(options.activitySources) !== JSON.stringify(state.options.activitySources ?? 'auto');
    return { options, backToDraftReason: null, staleReason: sourcesChanged ? 'activitySources changed' : null, schedulesToDelete: [] };
  }
  if (!after) {
    return {
      options,
      backToDraftReason: state.status === 'published' ? 'downloadActivity was cleared' : null,
      staleReason: 'downloadActivity was cleared',
      schedulesToDelete: state.schedules.includes('activity') ? ['activity'] : [],
    };
  }
  // Turning activity on needs the Calculate Activity check, which the last validation may not have run.
  return {
    options,
    backToDraftReason: state.status === 'published' ? 'downloadActivity was turned on and needs validating' : null,
    staleReason: 'downloadActivity was turned on',
    schedulesToDelete: [],
  };
}
