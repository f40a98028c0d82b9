import type { Request, Router } from 'express';
import type { AuditFilters, StreamKey } from '../../auditLog';
import type { Simulator } from '../../simulator';
import { callerOf } from '../apiAuth';
import { requireWorkspace } from '../lookups';
import { encodeOffset, nextPage, parseLimit, parseOffset } from '../pagination';
import { ApiError, queryParam, sendJson } from '../respond';

const KIND = 'audit_log_events';
/** The OAS: "The default limit is 1000 events"; an explicit limit must still be 1..100. */
const DEFAULT_LIMIT = 1000;
const AUDIT_LOG_TIERS = new Set(['enterprise', 'enterprise_plus']);
const TIER_NAMES: Record<string, string> = { personal: 'Personal', starter: 'Starter', advanced: 'Advanced', enterprise: 'Enterprise', enterprise_plus: 'Enterprise+' };
const ACTOR_TYPES = new Set(['user', 'asana', 'asana_support', 'anonymous', 'external_administrator']);

export function registerAuditLogRoutes(router: Router, sim: Simulator): void {
  router.get('/workspaces/:workspace_gid/audit_log_events', (req, res) => {
    const caller = callerOf(res);
    const ws = requireWorkspace(sim, req.params.workspace_gid);
    const mode = sim.scenario.auditLog;
    if (mode === 'payment_required') {
      throw new ApiError(
        402,
        'The audit log API is not included in this organization\'s plan. It is available on Enterprise+ (or Enterprise with the Compliance Management add-on).',
      );
    }
    if (mode === 'forbidden') {
      throw new ApiError(403, 'This token may not read the audit log of this organization. The audit log API needs a service account of the organization.');
    }
    // Asana's rule (OAS, "Audit log API"): Enterprise tiers only, and only a Service Account's token.
    if (!AUDIT_LOG_TIERS.has(sim.scenario.tier)) {
      throw new ApiError(402, `The audit log API is available on Enterprise and Enterprise+ only; this organization is on ${TIER_NAMES[sim.scenario.tier]}.`);
    }
    if (caller.token.kind !== 'service_account') {
      const what = caller.token.kind === 'oauth' ? 'an OAuth access token' : 'a personal access token';
      throw new ApiError(403, `Only Service Accounts in Enterprise Domains can access audit log API endpoints. Authentication with a Service Account's personal access token is required; this request used ${what}.`);
    }

    const filters = parseFilters(req);
    const limit = parseLimit(req) ?? DEFAULT_LIMIT;
    const scope = `ws:${ws.gid}`;
    const offset = parseOffset(sim, req, KIND, scope);
    const cursor: StreamKey | null = offset ? { t: Number(offset.t), g: Number(offset.g) } : null;
    const page = sim.auditLog.read(cursor, filters, limit, sim.clock());

    // Streaming semantics from the OAS: no match and no offset -> next_page null; once a cursor
    // exists it keeps coming back, pointing after the last event returned (or where it was).
    const position = page.last ?? cursor;
    const next = position ? nextPage(req, encodeOffset(sim, KIND, scope, { t: position.t, g: position.g })) : null;
    sendJson(req, res, 200, { data: page.events.map((e) => sim.auditLog.render(e)), next_page: next });
  });
}

function parseFilters(req: Request): AuditFilters {
  const filters: AuditFilters = {};
  const startAt = dateParam(req, 'start_at');
  const endAt = dateParam(req, 'end_at');
  if (startAt !== undefined) filters.startAt = startAt;
  if (endAt !== undefined) filters.endAt = endAt;
  const eventType = queryParam(req, 'event_type');
  if (eventType !== undefined) filters.eventType = eventType;
  const actorType = queryParam(req, 'actor_type');
  if (actorType !== undefined) {
    if (!ACTOR_TYPES.has(actorType)) throw new ApiError(400, `actor_type: Not one of ${[...ACTOR_TYPES].join(', ')}: ${actorType}`);
    filters.actorType = actorType;
  }
  const actorGid = queryParam(req, 'actor_gid');
  if (actorGid !== undefined) filters.actorGid = actorGid;
  const resourceGid = queryParam(req, 'resource_gid');
  if (resourceGid !== undefined) filters.resourceGid = resourceGid;
  return filters;
}

function dateParam(req: Request, name: string): number | undefined {
  const raw = queryParam(req, name);
  if (raw === undefined) return undefined;
  // RFC 3339 date-time, as the OAS declares; Date.parse alone would also take "March 3".
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw new ApiError(400, `${name}: Not a valid date-time (ISO 8601, e.g. 2024-01-31T12:00:00Z): ${raw}`);
  return ms;
}
