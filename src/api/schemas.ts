import { z } from 'zod';
import { MAX_ASANA_REQUESTS_PER_MINUTE } from '../profiles/options';

const DAY_MS = 86_400_000;

/**
 * A UUID in the one spelling the service uses everywhere (lower case): PostgreSQL matches UUIDs in any case,
 * Temporal's workflow IDs do not, so an ID is normalised before it reaches either.
 */
export const uuidField = (message?: string) => z.uuid(message ? { message } : undefined).transform((v) => v.toLowerCase());

/** `downloadSubscriptions` may be sent, but only as true. */
const downloadSubscriptions = z
  .boolean()
  .refine((v) => v, { message: 'downloadSubscriptions is always on: every other run builds on the subscription download, so it cannot be turned off.' });

export function optionsSchema(now: Date, maxDays: number) {
  const earliest = new Date(now.getTime() - maxDays * DAY_MS);
  return z
    .object({
      downloadSubscriptions: downloadSubscriptions.optional(),
      downloadActivity: z.boolean().optional(),
      analyzeActivityFrom: z.iso
        .datetime({ offset: true })
        .refine((v) => Date.parse(v) >= earliest.getTime() - 60_000, {
          message: `analyzeActivityFrom can reach back at most ${maxDays} days (earliest ${earliest.toISOString()}).`,
        })
        .refine((v) => Date.parse(v) <= now.getTime() + 60_000, { message: 'analyzeActivityFrom cannot be in the future.' })
        .transform((v) => new Date(v).toISOString())
        .optional(),
      reclaimSubscriptions: z.boolean().optional(),
      reclaimCapPercent: z.number().min(0).max(100).optional(),
      reclaimDryRun: z.boolean().optional(),
      managerEmail: z.email().nullable().optional(),
      activitySources: activitySourcesField.optional(),
      meaningfulActivity: z
        .object({ logins: z.boolean(), stories: z.boolean(), auditEvents: z.boolean() })
        .partial()
        .strict()
        .optional(),
      asanaRequestsPerMinute: z
        .number({ error: 'asanaRequestsPerMinute must be a number: the requests a minute each of the profile\'s Asana tokens may send' })
        .int('asanaRequestsPerMinute must be a whole number of requests a minute')
        .min(1, 'asanaRequestsPerMinute must be at least 1')
        .max(MAX_ASANA_REQUESTS_PER_MINUTE, `asanaRequestsPerMinute can be at most ${MAX_ASANA_REQUESTS_PER_MINUTE}: no Asana plan allows a token more (150 on free plans)`)
        .optional(),
    })
    .strict();
}

/** `auto`, or a list of distinct sources. */
const activitySourcesField = z.union(
  [
    z.literal('auto'),
    z
      .array(z.enum(['stories', 'auditLog']))
      .min(1, 'name at least one source, or use "auto"')
      .refine((list) => new Set(list).size === list.length, 'name each source once'),
  ],
  { error: 'must be "auto" or a list of "stories" and "auditLog"' },
);

const gid = z.string().regex(/^\d{1,30}$/, 'must be an Asana gid (digits)');

const baseUrl = z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, ''));

export const connectionInputSchema = z
  .object({
    baseUrl: baseUrl.optional(),
    clientId: z.string().trim().min(1).max(200).optional(),
    clientSecret: z.string().min(1).max(500).optional(),
    workspaceGid: gid.nullable().optional(),
    /** A child connection: reuse this profile's OAuth app, with tokens and an organization of its own. */
    parentProfileId: uuidField().optional(),
    /**
     * Write-only: the Service Account token an admin created in Asana's admin console (Enterprise tiers), the only
     * credential that reads the audit log. null removes it.
     */
    serviceAccountToken: z.string().trim().min(1).max(500).nullable().optional(),
    /** On a parent: other base URLs its children may use its OAuth app at (its own is always allowed). */
    childBaseUrls: z.array(baseUrl).max(20).optional(),
  })
  .strict()
  .refine((c) => !(c.parentProfileId && (c.clientId !== undefined || c.clientSecret !== undefined)), {
    message: "a child connection uses its parent's OAuth app: leave clientId and clientSecret out",
    path: ['parentProfileId'],
  })
  .refine((c) => !(c.parentProfileId && c.childBaseUrls !== undefined), {
    message: 'a child connection cannot lend its app onward, so it has no childBaseUrls',
    path: ['childBaseUrls'],
  });

const displayName = z.string().trim().min(1, 'displayName must not be empty').max(200);

export function createProfileSchema(now: Date, maxDays: number) {
  return z
    .object({
      displayName,
      options: optionsSchema(now, maxDays).optional(),
      connection: connectionInputSchema.optional(),
    })
    .strict();
}

export function patchProfileSchema(now: Date, maxDays: number) {
  return z
    .object({
      displayName: displayName.optional(),
      options: optionsSchema(now, maxDays).optional(),
      connection: connectionInputSchema.optional(),
    })
    .strict();
}

/**
 * A whole number in a query string, written in decimal digits only: `0x10`, `1e3`, ` 5` or `+5` are refused
 * (Number() would read them all), so what a client sends is what it gets.
 */
export const decimalParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number written in decimal digits')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const paginationSchema = z.object({
  limit: decimalParam(1, 500).default(50),
  offset: decimalParam(0, 100_000_000).default(0),
});

export const profileIdSchema = uuidField('is not a profile ID');
