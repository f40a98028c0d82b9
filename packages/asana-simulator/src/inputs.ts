import { z } from 'zod';
import { SimControlError } from './errors';
import type { AddUserInput, AppInput, AppendEventInput, AppendStoryInput, AuthorizeAsInput, FaultsInput, IssueTokenInput, ScenarioInput, ServiceAccountInput } from './types';

/**
 * Validation of everything the control surface accepts, shared by the HTTP routes and the in-process
 * handle. Objects are strict so that a misspelt field fails loudly instead of being ignored.
 */

const share = z.number().min(0).max(1);
const count = z.number().int().min(0).max(200_000);

export const SCENARIO_DEFAULTS: ScenarioInput = {
  seed: 1,
  members: 40,
  guests: 5,
  viewOnly: 5,
  admins: 2,
  inactiveShare: 0.25,
  eventsPerUserPerDay: 2,
  days: 60,
  isOrganization: true,
  auditLog: 'enabled',
  recentlyCreatedShare: 0.05,
  workspaceName: 'Example Organization',
  emailDomain: 'example.com',
  plan: 'unlimited',
  deactivatedMembers: 1,
  auditLogRetentionDays: 90,
  tier: 'enterprise_plus',
  projects: null,
  storiesPerUserPerDay: 2,
  storiesOnlyShare: 0.1,
  loginOnlyShare: 0.1,
};

const scenarioSchema = z
  .strictObject({
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    members: count.min(1),
    guests: count,
    viewOnly: count,
    admins: count.min(1),
    inactiveShare: share,
    eventsPerUserPerDay: z.number().min(0).max(100),
    days: z.number().int().min(1).max(400),
    isOrganization: z.boolean(),
    auditLog: z.enum(['enabled', 'forbidden', 'payment_required']),
    recentlyCreatedShare: share,
    workspaceName: z.string().trim().min(1).max(200),
    emailDomain: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a domain such as example.com'),
    plan: z.enum(['unlimited', 'free', 'paid']),
    deactivatedMembers: count,
    auditLogRetentionDays: z.number().int().min(1).max(3650),
    tier: z.enum(['personal', 'starter', 'advanced', 'enterprise', 'enterprise_plus']),
    projects: z.number().int().min(1).max(100_000).nullable(),
    storiesPerUserPerDay: z.number().min(0).max(100),
    storiesOnlyShare: share,
    loginOnlyShare: share,
  })
  .refine((s) => s.admins <= s.members, { message: 'admins cannot exceed members', path: ['admins'] })
  .refine((s) => s.storiesOnlyShare + s.loginOnlyShare <= 1, { message: 'storiesOnlyShare and loginOnlyShare together cannot exceed 1', path: ['loginOnlyShare'] });

const absoluteUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an absolute http(s) URL');

const appSchema = z.strictObject({
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(500),
  redirectUris: z.array(absoluteUrl).min(1),
  name: z.string().min(1).max(200).optional(),
});

const nullableNonNegative = z.number().min(0).nullable().optional();

const faultsSchema = z.strictObject({
  rateLimitPerMinute: z.number().int().min(1).nullable().optional(),
  rateLimitWindowSeconds: z.number().min(0.1).max(3600).nullable().optional(),
  errorRate: share.nullable().optional(),
  latencyMs: nullableNonNegative.refine((v) => v === undefined || v === null || v <= 60_000, 'at most 60000'),
  accessTokenTtlSeconds: z.number().int().min(1).nullable().optional(),
  failNextRequests: z.number().int().min(0).nullable().optional(),
  loseNextWriteResponses: z.number().int().min(0).nullable().optional(),
  seed: z.number().int().min(0).nullable().optional(),
  revokeGrants: z.boolean().optional(),
  expireAccessTokens: z.boolean().optional(),
});

const isoDateTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO date-time');
const gidString = z.string().regex(/^\d+$/, 'must be a gid (digits)');

const addUserSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  email: z.email().optional(),
  isAdmin: z.boolean().optional(),
  isGuest: z.boolean().optional(),
  isViewOnly: z.boolean().optional(),
  createdAt: isoDateTime.optional(),
});

const appendEventSchema = z.strictObject({
  actorGid: gidString,
  eventType: z
    .string()
    .regex(/^[a-z0-9_]+$/, 'must be a snake_case event type such as user_login_succeeded')
    .optional(),
  createdAt: isoDateTime.optional(),
});

const appendStorySchema = z.strictObject({
  actorGid: gidString,
  taskGid: gidString.optional(),
  resourceSubtype: z
    .string()
    .regex(/^[a-z0-9_]+$/, 'must be a snake_case story subtype such as comment_added')
    .optional(),
  createdAt: isoDateTime.optional(),
});

const serviceAccountSchema = z.strictObject({ name: z.string().trim().min(1).max(200).optional() });

const issueTokenSchema = z.strictObject({
  userGid: gidString.optional(),
  ttlSeconds: z.number().int().min(1).optional(),
});

const authorizeAsSchema = z.strictObject({
  userGid: gidString.nullable().optional(),
  deny: z.boolean().optional(),
});

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const detail = result.error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`)
    .join('; ');
  throw new SimControlError(400, `Invalid ${what}: ${detail}`);
}

export function parseScenario(input: unknown): ScenarioInput {
  const partial = parse(z.record(z.string(), z.unknown()), input, 'scenario');
  // An explicit `undefined` (in-process callers) means "use the default", as an absent field does.
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return parse(scenarioSchema, { ...SCENARIO_DEFAULTS, ...given }, 'scenario');
}

export function parseApp(input: unknown): AppInput {
  return parse(appSchema, input, 'app');
}

export function parseFaults(input: unknown): FaultsInput {
  return parse(faultsSchema, input, 'faults');
}

export function parseAddUser(input: unknown): AddUserInput {
  return parse(addUserSchema, input, 'user');
}

export function parseAppendEvent(input: unknown): AppendEventInput {
  return parse(appendEventSchema, input, 'event');
}

export function parseAppendStory(input: unknown): AppendStoryInput {
  return parse(appendStorySchema, input, 'story');
}

export function parseServiceAccount(input: unknown): ServiceAccountInput {
  return parse(serviceAccountSchema, input, 'service account');
}

export function parseIssueToken(input: unknown): IssueTokenInput {
  return parse(issueTokenSchema, input, 'token request');
}

export function parseAuthorizeAs(input: unknown): AuthorizeAsInput {
  return parse(authorizeAsSchema, input, 'authorize-as request');
}
