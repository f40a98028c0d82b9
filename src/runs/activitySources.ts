// Which activity sources a run reads, from the profile's options and its connection: one rule, used by the
// validation (which sources to check), the activity run (which to read) and the API (what the profile shows).
import type { ActivitySource, ProfileOptions } from '../profiles/types';

/**
 * `auto` reads stories always and the audit log when the connection holds a Service Account token (the only
 * credential Asana lets read it). A source whose kinds of activity are all switched off in `meaningfulActivity`
 * is not read: it could not change anyone's last activity.
 */
export function sourcesToRead(options: Pick<ProfileOptions, 'activitySources' | 'meaningfulActivity'>, hasServiceAccountToken: boolean): ActivitySource[] {
  const wanted: ActivitySource[] = options.activitySources === 'auto' ? (hasServiceAccountToken ? ['stories', 'auditLog'] : ['stories']) : [...options.activitySources];
  const m = options.meaningfulActivity;
  return wanted.filter((s) => (s === 'stories' ? m.stories : m.logins || m.auditEvents));
}

/** Audit-log event types that are never activity: a failed login proves nobody used the seat. */
export const NEVER_ACTIVITY = new Set(['user_login_failed']);
export const LOGIN_EVENTS = new Set(['user_login_succeeded']);

/** Whether an audit event the person acted in counts, under the profile's setting. */
export function auditEventCounts(eventType: string, m: Pick<ProfileOptions['meaningfulActivity'], 'logins' | 'auditEvents'>): boolean {
  if (NEVER_ACTIVITY.has(eventType)) return false;
  return LOGIN_EVENTS.has(eventType) ? m.logins : m.auditEvents;
}
