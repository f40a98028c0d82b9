import { z } from 'zod';
import { uuidField } from '../../schemas';

// Field schemas the lists share, so a value is accepted (or refused) the same way wherever it appears.

export const identifierField = z.string().trim().min(1, 'must not be empty').max(100);
export const userGidField = z.string().trim().regex(/^\d{1,30}$/, 'must be an Asana user gid (digits)');
export const emailField = z.email({ message: 'must be an email address' }).max(320);
export const reasonField = z.string().trim().max(1000).nullable();
export const modelIdField = uuidField('must be a software model ID (a UUID)');

/** An instant or a calendar date (read as midnight UTC), as an ISO timestamp. */
export const instantField = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be an ISO date (2025-01-31) or date-time' })
  .transform((v) => new Date(v).toISOString())
  // Year 0 and the like are valid ISO text but no instant PostgreSQL stores.
  .refine((v) => Date.parse(v) >= Date.UTC(1900, 0, 1) && Date.parse(v) < Date.UTC(10000, 0, 1), 'must be an instant between the years 1900 and 9999');

/** Order by last activity: `lastActivityAt` (the least active first, never-active at the top) or `-lastActivityAt`. */
export const activitySortField = z.enum(['lastActivityAt', '-lastActivityAt'], { error: 'must be lastActivityAt or -lastActivityAt' });
