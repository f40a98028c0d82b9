import type { Request } from 'express';
import { type z } from 'zod';
import type { Db } from '../../db/pool';
import { badRequest, notFound } from '../problem';
import { paginationSchema, profileIdSchema, uuidField } from '../schemas';
import { getProfileRow } from '../../store/profiles';
import type { Page, Paged } from '../../db/sql';

/** Parses the `{id}` path parameter and answers 404 for a profile that does not exist. */
export async function profileParam(db: Db, req: Request): Promise<string> {
  const parsed = profileIdSchema.safeParse(req.params.id);
  if (!parsed.success || !(await getProfileRow(db, parsed.data))) throw notFound(`Profile ${String(req.params.id)}`);
  return parsed.data;
}

/**
 * A rule ID from the path, or a 404 naming `what`: an ID that is not even a UUID cannot be one of the
 * profile's rules, so it is not found rather than malformed.
 */
export function uuidParam(req: Request, name: string, what: string): string {
  const parsed = uuidField().safeParse(req.params[name]);
  if (!parsed.success) throw notFound(`${what} ${String(req.params[name])}`);
  return parsed.data;
}

/**
 * The query of a list: pagination plus the list's own filters. Unknown parameters are refused so that a
 * misspelt filter is a 400 rather than an unfiltered list.
 */
export function listQuerySchema<S extends z.ZodRawShape>(filters: S) {
  return paginationSchema.extend(filters).strict();
}

/** Parses a query string; a 400 names each offending parameter, including the unknown ones. */
export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: k, message: 'is not a parameter of this list' }))
      : [{ field: i.path.join('.'), message: i.message }],
  );
  throw badRequest(fields.map((f) => `${f.field}: ${f.message}`).join('; '), { errors: fields });
}

export function listBody<R, V>(page: Page, paged: Paged<R>, view: (row: R) => V) {
  return { items: paged.rows.map(view), total: paged.total, limit: page.limit, offset: page.offset };
}
