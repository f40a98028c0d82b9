// Plain data shared by the API, the activities and the (sandboxed) workflows: no imports with side effects.

export type ProfileStatus = 'draft' | 'published';

/** Where a person's activity is read from: stories (every plan) and the audit log (Enterprise tiers, a Service Account token). */
export type ActivitySource = 'stories' | 'auditLog';
export const ACTIVITY_SOURCES: readonly ActivitySource[] = ['stories', 'auditLog'];

/**
 * What counts as a person's activity. Never counted, whatever this says: a failed login, and an event in which
 * the person is only the target of someone else's action.
 */
export interface MeaningfulActivity {
  /** A successful login (audit log). */
  logins: boolean;
  /** Any story the person created: a comment, a task completed, assigned, moved (stories). */
  stories: boolean;
  /** Any other audit-log event the person acted in. */
  auditEvents: boolean;
}

export interface ProfileOptions {
  /** Always true: the subscription download is what every other run builds on. */
  downloadSubscriptions: true;
  downloadActivity: boolean;
  /** ISO timestamp: the first activity pull starts here, whatever the profile's age. */
  analyzeActivityFrom: string;
  reclaimSubscriptions: boolean;
  /** At most this share (percent) of active seats is reclaimed in one run; the rest waits for the next. */
  reclaimCapPercent: number;
  /** Reclaim runs record what they would remove and remove nothing. */
  reclaimDryRun: boolean;
  /** Who decides when a notified person asks to keep their seat, unless the rule names someone. */
  managerEmail?: string | null;
  /** `auto`: stories always, the audit log too when the connection holds a Service Account token; or an explicit list. */
  activitySources: 'auto' | ActivitySource[];
  meaningfulActivity: MeaningfulActivity;
  /**
   * The most requests a minute the service sends with each of the profile's Asana tokens (Asana: 150 on free
   * plans, 1,500 on paid ones). Always set by `withOptionDefaults` (DEFAULT_ASANA_REQUESTS_PER_MINUTE).
   */
  asanaRequestsPerMinute?: number;
}

export type ValidationApi = 'Download Subscriptions' | 'Calculate Activity';

export interface ValidationCheck {
  name: string;
  api: ValidationApi;
  passed: boolean;
  message: string;
  /** What to do about a failure. */
  remedy?: string;
}

export interface ValidationResult {
  passed: boolean;
  checkedAt: string;
  checks: ValidationCheck[];
  /** What the checks were run against; a later change to any of them makes the result stale. */
  basis: { connectionVersion: number; downloadActivity: boolean; activitySources?: ProfileOptions['activitySources'] };
}

export type ScheduleKind = 'download' | 'activity' | 'reconcile';

export interface ProfileState {
  profileId: string;
  status: ProfileStatus;
  options: ProfileOptions;
  connectionVersion: number;
  authorized: boolean;
  validation: ValidationResult | null;
  /** Why the last validation no longer counts, when it doesn't. */
  validationStaleReason: string | null;
  schedules: ScheduleKind[];
}

export const PROFILE_TYPE = 'Asana Subscription';

export function profileWorkflowId(profileId: string): string {
  return `profile/${profileId}`;
}

export function scheduleId(profileId: string, kind: ScheduleKind): string {
  return `profile/${profileId}/${scheduleSlug[kind]}`;
}

const scheduleSlug: Record<ScheduleKind, string> = {
  download: 'download-subscriptions',
  activity: 'refresh-activity',
  reconcile: 'reconcile',
};
