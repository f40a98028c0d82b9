// The SQL helpers every store module shares: filter building, paging, cursors, error checks.
import type { Readable } from 'node:stream';
import type { Queryable, Tx } from './pool';

export type { Queryable } from './pool';

export interface Page {
  limit: number;
  offset: number;
}

export interface Paged<T> {
  rows: T[];
  total: number;
}

/** Positional parameters and AND-ed conditions for a filtered list query, built side by side. */
export class Where {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** Adds a parameter and returns its placeholder (`$n`). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  and(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  get sql(): string {
    return this.conditions.length > 0 ? this.conditions.map((c) => `(${c})`).join(' AND ') : 'TRUE';
  }
}

/**
 * One page of `select` (a full SELECT whose output columns `orderBy` names) and the total it pages through.
 * The total rides along as a window count; only a page past the end needs a second query for it.
 */
export async function paged<T extends object>(db: Queryable, select: string, params: readonly unknown[], orderBy: string, page: Page): Promise<Paged<T>> {
  const n = params.length;
  const rows = await db.query<T & { total_count: number }>(
    `SELECT q.*, count(*) OVER () AS total_count FROM (${select}) AS q ORDER BY ${orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...params, page.limit, page.offset],
  );
  const total = rows[0]?.total_count ?? (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${select}) AS q`, params))[0]!.n;
  return { rows: rows.map(({ total_count: _total, ...row }) => row as unknown as T), total };
}

/** A list's query: its SELECT, parameters and stable order, shared by the paged JSON list and the CSV export. */
export interface ListQuery {
  select: string;
  params: unknown[];
  orderBy: string;
}

export type ActivitySort = 'lastActivityAt' | '-lastActivityAt';

/** The ORDER BY of a list sorted by `q.last_activity_at` (never-active people count as the least active), else `fallback`. */
export function activityOrder(sort: ActivitySort | undefined, tiebreak: string, fallback: string): string {
  if (sort === 'lastActivityAt') return `q.last_activity_at ASC NULLS FIRST, ${tiebreak}`;
  if (sort === '-lastActivityAt') return `q.last_activity_at DESC NULLS LAST, ${tiebreak}`;
  return fallback;
}

export function pagedList<T extends object>(db: Queryable, q: ListQuery, page: Page): Promise<Paged<T>> {
  return paged<T>(db, q.select, q.params, q.orderBy, page);
}

/**
 * Every row of a list in its order as a stream, read through a server-side cursor `batch` rows at a time: one
 * pass over the data whatever its size, with memory bounded by the batch. Runs inside the caller's transaction.
 */
export function streamList(tx: Tx, q: ListQuery, batch: number): Readable {
  return tx.stream(`SELECT q.* FROM (${q.select}) AS q ORDER BY ${q.orderBy}`, q.params, batch);
}

/** True for a PostgreSQL unique violation, optionally of one named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: string; constraint?: string };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
/** A row with its snake_case column names in camelCase, as the API shows them. */
export type CamelRow<T> = { [K in keyof T as K extends string ? Camel<K> : K]: T[K] };

/** A row as the API shows it: every column, its name in camelCase (a view that is the row, renamed). */
export function camelRow<T extends object>(row: T): CamelRow<T> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v])) as CamelRow<T>;
}
