// The shapes the control API answers with (its OpenAPI document, /api/openapi.json, is the reference).

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Session {
  csrfToken: string;
  expiresAt: string;
  temporalUi: { url: string; namespace: string } | null;
}

export interface ValidationCheck {
  name: string;
  api: string;
  passed: boolean;
  message: string;
  remedy?: string;
}

export interface Validation {
  passed: boolean;
  checkedAt: string;
  checks: ValidationCheck[];
  stale?: boolean;
  staleReason?: string | null;
}

export interface Connection {
  baseUrl: string;
  clientId: string | null;
  clientSecretSet: boolean;
  serviceAccountTokenSet: boolean;
  redirectUrl: string;
  workspaceGid: string | null;
  authorized: boolean;
  authError: string | null;
  authorizedUser: { gid: string; name: string | null } | null;
  authorizedAt: string | null;
}

export interface ProfileOptions {
  downloadSubscriptions: true;
  downloadActivity: boolean;
  analyzeActivityFrom: string;
  reclaimSubscriptions: boolean;
  reclaimCapPercent: number;
  reclaimDryRun: boolean;
  managerEmail?: string | null;
  activitySources: 'auto' | Array<'stories' | 'auditLog'>;
  meaningfulActivity: { logins: boolean; stories: boolean; auditEvents: boolean };
}

export interface Profile {
  id: string;
  displayName: string;
  status: 'draft' | 'published';
  profileType: string;
  options: ProfileOptions;
  connection: Connection | null;
  validation: Validation | null;
  schedules: string[];
  createdAt: string;
  updatedAt: string;
}

export type JobKind = 'download' | 'activity' | 'reclaim' | 'reconcile';

export interface JobResult {
  id: string;
  kind: JobKind;
  trigger: 'schedule' | 'on_demand' | 'after_activity';
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  startedAt: string;
  finishedAt: string | null;
  counts: Record<string, number>;
  error: string | null;
  details: Record<string, unknown>;
  workflowId: string;
  runId: string;
}

export interface ScheduledJob {
  id: string;
  kind: string;
  paused: boolean;
  nextRuns: string[];
  recentRuns: Array<{ scheduledAt: string; workflowId: string }>;
}

export interface Subscription {
  userGid: string;
  name: string | null;
  email: string | null;
  identifier: string;
  modelId: string | null;
  model: string | null;
  isAdmin: boolean;
  status: 'active' | 'ended';
  lastActivityAt: string | null;
  firstSeenAt: string;
}

export const CANDIDATE_STATES = ['ready', 'attention_required', 'awaiting_user', 'awaiting_approval', 'closed_complete', 'closed_skipped', 'closed_canceled', 'restored'] as const;
export type CandidateState = (typeof CANDIDATE_STATES)[number];

export interface RemovalCandidate {
  id: string;
  userGid: string;
  name: string | null;
  email: string | null;
  modelId: string | null;
  state: CandidateState;
  reason: string | null;
  lastActivityAt: string | null;
  createdAt: string;
}

export interface SoftwareModel {
  id: string;
  edition: string;
  billable: boolean;
  identifiers: string[];
  activeSubscriptions: number;
  ruleId: string | null;
}

export interface UnrecognizedIdentifier {
  identifier: string;
  subscriptions: number;
  firstSeenAt: string;
}

export interface ReclamationRule {
  id: string;
  modelId: string;
  edition: string;
  active: boolean;
  thresholdDays: number;
}

export interface IdentifierExclusion {
  id: string;
  identifier: string;
  active: boolean;
  reason: string | null;
}

export interface UserExclusion {
  id: string;
  userGid: string | null;
  email: string | null;
  active: boolean;
  reason: string | null;
}

export interface Entitlement {
  id: string;
  modelId: string;
  edition: string;
  quantity: number;
  unitPrice: string;
  currency: string;
  termStart: string;
  termEnd: string;
  current: boolean;
}

export const ACTIVITY_BUCKETS = ['0-30', '30-60', '60-90', '90+', 'never'] as const;
export type ActivityBucket = (typeof ACTIVITY_BUCKETS)[number];

export interface ModelPosition {
  modelId: string | null;
  edition: string;
  billable: boolean;
  currency: string | null;
  rightsOwned: number;
  used: number;
  available: number;
  shortfall: number;
  position: 'compliant' | 'under_licensed' | 'over_licensed';
  averageUnitPrice: string | null;
  trueUpCost: string;
  overLicensedAmount: string;
  openCandidates: number;
  reclaimed: number;
  potentialSavings: string;
  actualSavings: string;
  activitySpread: Record<ActivityBucket, number>;
}

export interface CurrencyTotals {
  models: number;
  rightsOwned: number;
  used: number;
  available: number;
  shortfall: number;
  trueUpCost: string;
  overLicensedAmount: string;
  potentialSavings: string;
  actualSavings: string;
}

export interface HistoryEntry {
  computedAt: string;
  jobId: string | null;
  models: number;
  underLicensed: number;
  overLicensed: number;
  compliant: number;
  totals: Record<string, CurrencyTotals>;
}

export interface LicencePosition {
  computedAt: string | null;
  models: ModelPosition[];
  totals: Record<string, CurrencyTotals>;
  history: HistoryEntry[];
}

export type Role = 'admin' | 'integrator' | 'viewer';

/** The signed-in token (`GET /api/me`): who it is, and the operations ("METHOD /path/{param}") it may call. */
export interface Me {
  name: string;
  role: Role;
  profileIds: string[] | null;
  operations: string[];
}
