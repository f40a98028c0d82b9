// The audit trail: the only module that reads or writes `audit_events`. It only ever appends (the table's
// triggers refuse anything else).
import type { Queryable } from '../db/pool';
import { camelRow, pagedList, Where, type ListQuery, type Page, type Paged } from '../db/sql';

export interface AuditEventInput {
  actor: string;
  action: string;
  profileId?: string | null;
  objectType?: string | null;
  objectId?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditEventRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  profile_id: string | null;
  object_type: string | null;
  object_id: string | null;
  before: unknown;
  after: unknown;
}

const SECRET_KEY = /secret|token|password|nonce|code_verifier|authorization/i;

/** A copy with every secret-looking field replaced, so a secret never reaches the trail. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && !/Set$|At$|Id$|Ids$/.test(k) ? (v === null ? null : '[redacted]') : withoutSecrets(v)]),
    );
  }
  return value;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(withoutSecrets(v)));

/**
 * Appends one event. With `once`, an event of the same action on the same object is recorded only the first time
 * (an activity retried after it wrote).
 */
export async function appendAuditEvent(db: Queryable, e: AuditEventInput, opts: { once?: boolean } = {}): Promise<void> {
  const guard = opts.once ? ' WHERE NOT EXISTS (SELECT 1 FROM audit_events WHERE action = $2 AND object_id = $5 AND object_type = $4)' : '';
  await db.query(`INSERT INTO audit_events (actor, action, profile_id, object_type, object_id, before, after) SELECT $1, $2, $3::uuid, $4, $5, $6::jsonb, $7::jsonb${guard}`, [
    e.actor,
    e.action,
    e.profileId ?? null,
    e.objectType ?? null,
    e.objectId ?? null,
    json(e.before),
    json(e.after),
  ]);
}

export interface AuditFilters {
  profileId?: string;
  action?: string;
  since?: string;
  /** A token limited to some profiles sees only their events. */
  onlyProfileIds?: string[] | null;
}

export function auditEventsQuery(f: AuditFilters): ListQuery {
  const w = new Where();
  if (f.profileId) w.and(`e.profile_id = ${w.param(f.profileId)}`);
  if (f.action) w.and(`(e.action = ${w.param(f.action)} OR e.action LIKE ${w.param(`${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`)})`);
  if (f.since) w.and(`e.at >= ${w.param(f.since)}`);
  if (f.onlyProfileIds) w.and(`e.profile_id = ANY(${w.param(f.onlyProfileIds)}::uuid[])`);
  const select = `SELECT e.seq, e.id, e.at, e.actor, e.action, e.profile_id, e.object_type, e.object_id, e.before, e.after FROM audit_events e WHERE ${w.sql}`;
  // In the order it happened.
  return { select, params: w.params, orderBy: 'q.seq' };
}

export function listAuditEvents(db: Queryable, f: AuditFilters, page: Page): Promise<Paged<AuditEventRow>> {
  return pagedList<AuditEventRow>(db, auditEventsQuery(f), page);
}

export function auditEventView(r: AuditEventRow & { seq?: unknown }) {
  const { seq: _seq, ...row } = r;
  return camelRow(row as AuditEventRow);
}
