/** Public input and output shapes of the simulator (control endpoints and the in-process handle). */

/** How the audit-log endpoint answers: readable, refused (403), or not in the plan (402). */
export type AuditLogMode = 'enabled' | 'forbidden' | 'payment_required';

/** Domain tier, which decides Asana's standard rate limit (free 150/min, paid 1,500/min). */
export type Plan = 'unlimited' | 'free' | 'paid';

/** Asana's plan tiers; the audit log API exists on the Enterprise ones only. */
export type Tier = 'personal' | 'starter' | 'advanced' | 'enterprise' | 'enterprise_plus';

/** How a token was obtained: it decides what it may read (the audit log wants a Service Account's). */
export type TokenKind = 'oauth' | 'personal_access_token' | 'service_account';

export interface ScenarioInput {
  /** Same seed and counts give the same people, gids and activity pattern. */
  seed: number;
  /** Full members, admins and the deactivated member included. */
  members: number;
  guests: number;
  viewOnly: number;
  /** Members flagged is_admin; the first one is who the authorize endpoint approves as. */
  admins: number;
  /** Share (0..1) of people whose last event is older than 60 days, or who have none in `days`. */
  inactiveShare: number;
  eventsPerUserPerDay: number;
  /** Days of seeded audit history, ending when the scenario is loaded. */
  days: number;
  isOrganization: boolean;
  auditLog: AuditLogMode;
  /** Share (0..1) of people created within the last ~20 days. */
  recentlyCreatedShare: number;
  workspaceName: string;
  emailDomain: string;
  plan: Plan;
  /** Members whose membership is deactivated (is_active false); they are still listed. */
  deactivatedMembers: number;
  /** Asana deletes audit events after 90 days; older events are never returned. */
  auditLogRetentionDays: number;
  /** The organization's plan tier: only enterprise and enterprise_plus have the audit log API. */
  tier: Tier;
  /** Projects of the organization; null: about one per 5 people. */
  projects: number | null;
  /** Stories (comments, completions, assignments...) an active person creates per day, on average. */
  storiesPerUserPerDay: number;
  /** Share of active people who create stories but never produce an audit event (as in SSO organizations). */
  storiesOnlyShare: number;
  /** Share of active people who log in but create no story. */
  loginOnlyShare: number;
}

export interface AppInput {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Shown in audit-log contexts; defaults to the client ID. */
  name?: string;
}

export interface AppSummary {
  clientId: string;
  name: string;
  redirectUris: string[];
}

/** Every field optional: a POST changes only what it names; `null` switches a fault off. */
export interface FaultsInput {
  /** Requests admitted per token per window (the window is a minute unless changed). */
  rateLimitPerMinute?: number | null;
  rateLimitWindowSeconds?: number | null;
  /** Share (0..1) of authenticated API calls answered with a 500. */
  errorRate?: number | null;
  latencyMs?: number | null;
  accessTokenTtlSeconds?: number | null;
  /** The next N authenticated API calls get a 500, whatever errorRate says. */
  failNextRequests?: number | null;
  /** The next N write calls (POST) are carried out, then answered with a 502 as if the answer was lost. */
  loseNextWriteResponses?: number | null;
  /** Seeds the errorRate draw; defaults to the scenario seed. */
  seed?: number | null;
  /** One-shot: revoke every grant and access token now. */
  revokeGrants?: boolean;
  /** One-shot: expire every current access token now (refresh tokens keep working). */
  expireAccessTokens?: boolean;
}

export interface FaultsState {
  rateLimitPerMinute: number | null;
  rateLimitWindowSeconds: number;
  /** The limit in force: the fault's if set, else the plan's, else none. */
  effectiveRateLimit: number | null;
  errorRate: number;
  latencyMs: number;
  accessTokenTtlSeconds: number;
  failNextRequests: number;
  loseNextWriteResponses: number;
}

export interface AddUserInput {
  name?: string;
  email?: string;
  isAdmin?: boolean;
  isGuest?: boolean;
  isViewOnly?: boolean;
  /** ISO date-time; defaults to now. */
  createdAt?: string;
}

export interface AppendEventInput {
  actorGid: string;
  eventType?: string;
  /** ISO date-time, not in the future; defaults to now. */
  createdAt?: string;
}

export interface AppendStoryInput {
  actorGid: string;
  /** A task of one of the person's projects when absent. */
  taskGid?: string;
  /** Default comment_added. */
  resourceSubtype?: string;
  /** ISO date-time, not in the future; defaults to now. */
  createdAt?: string;
}

export interface ServiceAccountInput {
  name?: string;
}

export interface IssueTokenInput {
  userGid?: string;
  ttlSeconds?: number;
}

export interface AuthorizeAsInput {
  userGid?: string | null;
  /** When true, the authorize endpoint redirects with error=access_denied. */
  deny?: boolean;
}

export interface MemberState {
  gid: string;
  membershipGid: string;
  name: string;
  email: string;
  isAdmin: boolean;
  isGuest: boolean;
  isViewOnly: boolean;
  isActive: boolean;
  createdAt: string;
  removedAt: string | null;
  /** `removeUser` (through the API) or `left` (DELETE /_sim/users/{gid}). */
  removedVia: 'removeUser' | 'left' | null;
  /** Newest audit event of this person, retention ignored; null when none. */
  lastEventAt: string | null;
  /** Newest story this person created; null when none. */
  lastStoryAt: string | null;
  /** Newest meaningful audit event: a successful login or any event they acted in (never a failed login). */
  lastAuditEventAt: string | null;
}

export interface SimulatorState {
  workspace: {
    gid: string;
    name: string;
    isOrganization: boolean;
    emailDomains: string[];
    auditLog: AuditLogMode;
    plan: Plan;
    tier: Tier;
  };
  scenario: ScenarioInput;
  loadedAt: string;
  adminUserGid: string;
  authorizeAs: { userGid: string; deny: boolean };
  members: MemberState[];
  apps: AppSummary[];
  oauth: { activeGrants: number; activeAccessTokens: number };
  faults: FaultsState;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Query parameters; anything that could be a credential is replaced by "[redacted]". */
  query: Record<string, string | string[]>;
  status: number;
  /** When the response was finished (ISO, milliseconds). */
  time: string;
  startedAt: string;
  durationMs: number;
  /** First 8 hex digits of the token's SHA-256: identifies a token without revealing it. */
  tokenHint: string | null;
  userGid: string | null;
}
