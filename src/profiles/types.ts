// Plain data shared by the API, the activities and the (sandboxed) workflows: no imports with side effects.

export type ProfileStatus = 'draft' | 'published';

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
  /** What the checks were run against; a later change to either makes the result stale. */
  basis: { connectionVersion: number; downloadActivity: boolean };
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
