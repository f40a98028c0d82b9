// The shapes the control API answers with, as zod schemas: the OpenAPI document's components are generated
// from them, and each is tied to the function that builds the answer (`satisfies` below), so a field added to a
// view without its schema (or the reverse) does not compile, and the contract test catches what types cannot.
import { z } from 'zod';
import type { ProfileView } from '../../store/profiles';
import type { subscriptionView, softwareModelView, unrecognizedIdentifierView } from '../../store/subscriptions';
import type { removalCandidateView } from '../../store/candidates';
import type { identifierExclusionView, reclamationRuleView, userExclusionView } from '../../store/rules';
import type { entitlementView, StoredPosition } from '../../store/licences';
import type { jobResultView } from '../../store/jobs';
import { CANDIDATE_STATES } from '../../store/candidates';
import { ROLES } from '../../store/tokens';
import type { apiTokenView } from '../../store/tokens';
import type { auditEventView } from '../../store/audit';
import { JOB_KINDS } from '../../runs/types';
import { ACTIVITY_BUCKETS } from '../../reconcile/computePosition';

/** A moment in time: a Date in the code, an ISO 8601 string on the wire (see document.ts). */
export const timestamp = z.date();
const nullable = <T extends z.ZodType>(s: T) => s.nullable();
const money = z.string().regex(/^\d+\.\d{2}$/).describe('an amount with two decimals, e.g. "12.50"');

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe('what went wrong and what the caller can do about it'),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional().describe('one entry per offending field'),
    runningWorkflowId: z.string().optional().describe('on a 409 for a run: the run of the same kind already going'),
    currency: z.string().optional().describe('on a 409 for an entitlement: the currency the model uses'),
    requiredRole: z.enum(ROLES).optional().describe("on a 403: the role the request needs"),
    role: z.enum(ROLES).optional().describe("on a 403: the calling token's role"),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document (application/problem+json).' });

const validationCheck = z.object({
  name: z.string(),
  api: z.enum(['Download Subscriptions', 'Calculate Activity']),
  passed: z.boolean(),
  message: z.string(),
  remedy: z.string().optional(),
});

export const validationSchema = z
  .object({
    passed: z.boolean(),
    checkedAt: z.string(),
    checks: z.array(validationCheck),
    basis: z.object({
      connectionVersion: z.number().int(),
      downloadActivity: z.boolean(),
      activitySources: z.union([z.literal('auto'), z.array(z.enum(['stories', 'auditLog']))]).optional(),
    }),
  })
  .meta({ id: 'Validation' });

const optionsSchema = z
  .object({
    downloadSubscriptions: z.literal(true),
    downloadActivity: z.boolean(),
    analyzeActivityFrom: z.string(),
    reclaimSubscriptions: z.boolean(),
    reclaimCapPercent: z.number(),
    reclaimDryRun: z.boolean(),
    managerEmail: z.string().nullable().optional(),
    activitySources: z.union([z.literal('auto'), z.array(z.enum(['stories', 'auditLog']))]),
    meaningfulActivity: z.object({ logins: z.boolean(), stories: z.boolean(), auditEvents: z.boolean() }),
    asanaRequestsPerMinute: z.number().int().min(1).max(1500).meta({ description: "Requests a minute each of the profile's Asana tokens may send (default 1500, Asana's paid limit; 150 for a free plan)." }),
  })
  .meta({ id: 'ProfileOptions' });

export const profileSchema = z
  .object({
    id: z.uuid(),
    displayName: z.string(),
    status: z.enum(['draft', 'published']),
    profileType: z.string(),
    options: optionsSchema,
    connection: nullable(
      z.object({
        baseUrl: z.string(),
        clientId: z.string().nullable(),
        clientSecretSet: z.boolean(),
        serviceAccountTokenSet: z.boolean(),
        parentProfileId: z.string().nullable(),
        childBaseUrls: z.array(z.string()),
        redirectUrl: z.string(),
        workspaceGid: z.string().nullable(),
        authorized: z.boolean(),
        authError: z.string().nullable(),
        authorizedUser: z.object({ gid: z.string(), name: z.string().nullable() }).nullable(),
        authorizedAt: timestamp.nullable(),
      }),
    ),
    validation: z.object({ ...validationSchema.shape, stale: z.boolean(), staleReason: z.string().nullable() }).nullable(),
    schedules: z.array(z.enum(['download', 'activity', 'reconcile'])),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Profile', description: 'An integration profile: one Asana organization. Never carries a secret.' }) satisfies z.ZodType<ProfileView>;

export const subscriptionSchema = z
  .object({
    userGid: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    identifier: z.string(),
    modelId: z.string().nullable(),
    model: z.string().nullable(),
    isAdmin: z.boolean(),
    accountCreatedAt: timestamp.nullable(),
    status: z.enum(['active', 'ended']),
    firstSeenAt: timestamp,
    lastSeenAt: timestamp,
    endedAt: timestamp.nullable(),
    lastActivityAt: timestamp.nullable(),
  })
  .meta({ id: 'Subscription' }) satisfies z.ZodType<ReturnType<typeof subscriptionView>>;

export const softwareModelSchema = z
  .object({
    id: z.string(),
    publisher: z.string(),
    product: z.string(),
    edition: z.string(),
    billable: z.boolean(),
    identifiers: z.array(z.string()),
    activeSubscriptions: z.number().int(),
    ruleId: z.string().nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'SoftwareModel' }) satisfies z.ZodType<ReturnType<typeof softwareModelView>>;

export const unrecognizedIdentifierSchema = z
  .object({ identifier: z.string(), subscriptions: z.number().int(), firstSeenAt: timestamp })
  .meta({ id: 'UnrecognizedIdentifier' }) satisfies z.ZodType<ReturnType<typeof unrecognizedIdentifierView>>;

export const mappingResultSchema = z
  .object({ identifier: z.string(), model: softwareModelSchema, relinkedSubscriptions: z.number().int() })
  .meta({ id: 'IdentifierMapping' });

export const reclamationRuleSchema = z
  .object({
    id: z.string(),
    modelId: z.string(),
    edition: z.string(),
    active: z.boolean(),
    thresholdDays: z.number().int(),
    notifyUser: z.boolean(),
    daysBeforeAutoReclaim: z.number(),
    reminderDaysBefore: z.array(z.number()).nullable().describe('days before the deadline a reminder goes out; null: halfway and one day before'),
    managerEmail: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'ReclamationRule' }) satisfies z.ZodType<ReturnType<typeof reclamationRuleView>>;

export const identifierExclusionSchema = z
  .object({ id: z.string(), identifier: z.string(), active: z.boolean(), reason: z.string().nullable(), createdAt: timestamp, updatedAt: timestamp })
  .meta({ id: 'IdentifierExclusion' }) satisfies z.ZodType<ReturnType<typeof identifierExclusionView>>;

export const userExclusionSchema = z
  .object({ id: z.string(), userGid: z.string().nullable(), email: z.string().nullable(), active: z.boolean(), reason: z.string().nullable(), createdAt: timestamp, updatedAt: timestamp })
  .meta({ id: 'UserExclusion' }) satisfies z.ZodType<ReturnType<typeof userExclusionView>>;

export const removalCandidateSchema = z
  .object({
    id: z.string(),
    userGid: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    ruleId: z.string().nullable(),
    modelId: z.string().nullable(),
    state: z.enum(CANDIDATE_STATES),
    reason: z.string().nullable(),
    lastActivityAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    closedAt: timestamp.nullable(),
    dryRunAt: timestamp.nullable(),
    restoredAt: timestamp.nullable().describe('when the person was added back (state restored)'),
    protectedUntil: timestamp.nullable().describe('a restored person is not made a candidate nor reclaimed again before this'),
  })
  .meta({ id: 'RemovalCandidate' }) satisfies z.ZodType<ReturnType<typeof removalCandidateView>>;

export const entitlementSchema = z
  .object({
    id: z.string(),
    modelId: z.string(),
    edition: z.string(),
    quantity: z.number().int(),
    unitPrice: money,
    currency: z.string(),
    termStart: z.iso.date(),
    termEnd: z.iso.date(),
    current: z.boolean().describe('whether the term covers today'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Entitlement' }) satisfies z.ZodType<ReturnType<typeof entitlementView>>;

export const jobResultSchema = z
  .object({
    id: z.string(),
    kind: z.enum(JOB_KINDS as ['download', 'activity', 'reclaim', 'reconcile']),
    trigger: z.enum(['schedule', 'on_demand', 'after_activity']),
    status: z.enum(['running', 'succeeded', 'failed', 'skipped']),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
    counts: z.record(z.string(), z.number()),
    error: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).describe('what a run reports besides counts, e.g. sources.auditLog.reason'),
    workflowId: z.string(),
    runId: z.string(),
  })
  .meta({ id: 'JobResult' }) satisfies z.ZodType<ReturnType<typeof jobResultView>>;

export const scheduledJobSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['download', 'activity', 'reconcile']),
    workflowType: z.string().nullable(),
    paused: z.boolean(),
    calendars: z.array(z.unknown()),
    nextRuns: z.array(timestamp),
    recentRuns: z.array(z.object({ scheduledAt: timestamp, takenAt: timestamp, workflowId: z.string(), runId: z.string() })),
  })
  .meta({ id: 'ScheduledJob' });

export const runStartedSchema = z
  .object({ job: z.enum(JOB_KINDS as ['download', 'activity', 'reclaim', 'reconcile']), workflowId: z.string(), runId: z.string(), jobResults: z.string() })
  .meta({ id: 'RunStarted' });

const spread = z.object(Object.fromEntries(ACTIVITY_BUCKETS.map((b) => [b, z.number().int()])) as Record<(typeof ACTIVITY_BUCKETS)[number], z.ZodNumber>);

export const modelPositionSchema = z
  .object({
    modelId: z.string().nullable(),
    edition: z.string(),
    billable: z.boolean(),
    currency: z.string().nullable(),
    rightsOwned: z.number().int(),
    used: z.number().int(),
    available: z.number().int(),
    shortfall: z.number().int(),
    position: z.enum(['compliant', 'under_licensed', 'over_licensed']),
    compliant: z.boolean(),
    averageUnitPrice: z.string().nullable(),
    trueUpCost: money,
    overLicensedAmount: money,
    openCandidates: z.number().int(),
    reclaimed: z.number().int(),
    potentialSavings: money,
    actualSavings: money,
    activitySpread: spread,
  })
  .meta({ id: 'ModelPosition' }) satisfies z.ZodType<StoredPosition>;

const totals = z.record(
  z.string(),
  z.object({
    models: z.number().int(),
    rightsOwned: z.number().int(),
    used: z.number().int(),
    available: z.number().int(),
    shortfall: z.number().int(),
    trueUpCost: money,
    overLicensedAmount: money,
    potentialSavings: money,
    actualSavings: money,
  }),
);

export const licencePositionSchema = z
  .object({
    computedAt: timestamp.nullable(),
    jobId: z.string().nullable(),
    models: z.array(modelPositionSchema),
    totals,
    history: z.array(
      z.object({
        computedAt: timestamp,
        jobId: z.string().nullable(),
        models: z.number().int(),
        underLicensed: z.number().int(),
        overLicensed: z.number().int(),
        compliant: z.number().int(),
        totals,
      }),
    ),
  })
  .meta({ id: 'LicencePosition' });

export const validateResultSchema = z.object({ validation: validationSchema, profile: profileSchema }).meta({ id: 'ValidateResult' });
export const authorizeUrlSchema = z.object({ authorizeUrl: z.url() }).meta({ id: 'AuthorizeUrl' });
export const readinessSchema = z
  .object({ status: z.enum(['ready', 'unready']), checks: z.record(z.string(), z.string()) })
  .meta({ id: 'Readiness', description: 'Whether PostgreSQL and Temporal answer; "down: …" names what failed.' });

/** A page of a list: `items`, and where it sits in the whole. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
}

export const apiTokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(ROLES),
    profileIds: z.array(z.uuid()).nullable().describe('the only profiles the token sees; null: every profile'),
    createdAt: timestamp,
    createdBy: z.string().describe('the token that created it, or "cli"'),
    lastUsedAt: timestamp.nullable().describe('to the minute'),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'ApiToken', description: 'An API token, without its secret.' }) satisfies z.ZodType<ReturnType<typeof apiTokenView>>;

export const createdTokenSchema = z
  .object({ ...apiTokenSchema.shape, token: z.string().describe('the bearer token: shown in this answer only, store it now') })
  .meta({ id: 'CreatedApiToken' });

export const meSchema = z
  .object({
    name: z.string(),
    role: z.enum(ROLES),
    profileIds: z.array(z.uuid()).nullable(),
    operations: z.array(z.string()).describe('"METHOD /path/{param}" of every operation this token may call'),
  })
  .meta({ id: 'Me', description: 'The calling token, so a console can hide what its role cannot do.' });

export const auditEventSchema = z
  .object({
    id: z.uuid(),
    at: timestamp,
    actor: z.string().describe('a token\'s name, "link: <email>" (a keep / release / approve / reject link), "schedule", or "oauth: <Asana user>"'),
    action: z.string().describe('e.g. profiles.update, profiles.publish, runs.create, run.reclaim.finished, candidate.closed_complete'),
    profileId: z.uuid().nullable(),
    objectType: z.string().nullable(),
    objectId: z.string().nullable(),
    before: z.unknown().describe('the object before the change, when known (never a secret)'),
    after: z.unknown().describe('the change or the object after it (never a secret)'),
  })
  .meta({ id: 'AuditEvent' }) satisfies z.ZodType<ReturnType<typeof auditEventView>>;
