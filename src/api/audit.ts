import type { RequestHandler, Response } from 'express';
import type { Db } from '../db/pool';
import type { Logger } from '../logger';
import { appendAuditEvent, type AuditEventInput } from '../store/audit';
import { operationFor } from './auth';
import { principalOf } from './principal';

type AuditDetails = Partial<Omit<AuditEventInput, 'actor'>>;

/** Lets a route say more about its change than the request shows: the object, and its state before and after. */
export function recordAudit(res: Response, details: AuditDetails): void {
  res.locals.audit = { ...(res.locals.audit as AuditDetails | undefined), ...details };
}

const VERBS: Record<string, string> = { post: 'create', patch: 'update', delete: 'delete' };
const ACTION_SEGMENTS = new Set(['validate', 'publish', 'unpublish', 'restore']);

/** `PATCH /api/profiles/{id}/exclusion-rules/users/{ruleId}` → `exclusion-rules.users.update`; `POST .../publish` → `profiles.publish`. */
export function actionOf(method: string, template: string): string {
  const literal = template.split('/').filter((s) => s && s !== 'api' && !s.startsWith('{'));
  const last = literal[literal.length - 1];
  if (last && ACTION_SEGMENTS.has(last)) return [...(literal.length > 2 ? literal.slice(1, -1) : literal.slice(0, -1)), last].join('.');
  const nouns = literal.length > 1 && literal[0] === 'profiles' ? literal.slice(1) : literal;
  return `${nouns.join('.')}.${VERBS[method.toLowerCase()] ?? method.toLowerCase()}`;
}

/**
 * Records every state-changing request that succeeded (a refused one changed nothing), before its answer
 * leaves: who (the token's name), what (action, profile, object) and the change (the route's before/after, or
 * the object it answered, or the request body), secrets removed.
 */
export function auditChanges(db: Db, logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (!['POST', 'PATCH', 'PUT', 'DELETE'].includes(req.method)) return next();
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      res.locals.auditBody = body;
      return json(body);
    };
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let recorded = false;
    res.end = ((...args: unknown[]) => {
      if (recorded || res.statusCode < 200 || res.statusCode >= 300) return end(...args);
      recorded = true;
      const path = `${req.baseUrl}${req.path}`;
      const op = operationFor(req.method, path);
      const template = op?.path ?? path;
      const params = templateParams(template, path);
      const answered = res.locals.auditBody as { id?: unknown } | undefined;
      const extra = (res.locals.audit ?? {}) as AuditDetails;
      const event: AuditEventInput = {
        actor: principalOf(res).name,
        action: actionOf(req.method, template),
        profileId: params.id ?? (template === '/api/profiles' && typeof answered?.id === 'string' ? answered.id : null),
        objectType: template.split('/').filter((s) => s && !s.startsWith('{')).pop() ?? null,
        objectId: lastParam(params) ?? (typeof answered?.id === 'string' ? answered.id : null),
        // What the route answered is the object after the change; without an answer, what was asked.
        after: req.method === 'DELETE' ? null : (answered ?? req.body ?? null),
        ...extra,
      };
      appendAuditEvent(db, event)
        .catch((err: unknown) => logger.error({ err, action: event.action }, 'the audit trail could not record a change'))
        .finally(() => end(...args));
      return res;
    }) as typeof res.end;
    next();
  };
}

function templateParams(template: string, path: string): Record<string, string> {
  const names = template.split('/');
  const values = path.split('/');
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    const m = /^\{(\w+)\}$/.exec(n);
    if (m && values[i] !== undefined) out[m[1]!] = decodeURIComponent(values[i]!).toLowerCase();
  });
  return out;
}

function lastParam(params: Record<string, string>): string | undefined {
  const values = Object.values(params);
  return values[values.length - 1];
}
