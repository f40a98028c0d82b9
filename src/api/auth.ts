import type { RequestHandler } from 'express';
import { principalOf } from './principal';
import { HttpProblem, sendProblem, toProblem } from './problem';
import type { Principal } from '../access/tokens';
import { assertProfileVisible, assertRole, ANY_ROLE, INTEGRATOR } from '../access/roles';
import { OPERATIONS, rolesOf, type Operation } from './openapi/operations';

/** Checks a presented bearer token; null when it opens nothing (unknown, wrong or revoked). */
export type TokenChecker = (presented: string) => Promise<Principal | null>;

/**
 * Every /api route (and /metrics) needs `Authorization: Bearer <token>`: the bootstrap API_TOKEN or a stored
 * token. The caller (name, role, profiles) is attached to the request as `res.locals.principal`; anything in
 * front of this (a console's session) only has to set the header.
 */
export function requireBearerToken(check: TokenChecker): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const principal = match ? await check(match[1]!.trim()) : null;
    if (!principal) {
      res.set('WWW-Authenticate', 'Bearer realm="api"');
      return sendProblem(
        res,
        new HttpProblem(401, 'Unauthorized', match ? 'The API token is not valid (unknown, mistyped or revoked).' : 'Send the API token as "Authorization: Bearer <token>".'),
      );
    }
    res.locals.principal = principal;
    next();
  };
}

interface CompiledOperation {
  op: Operation;
  pattern: RegExp;
}

const COMPILED: CompiledOperation[] = OPERATIONS.filter((op) => !op.public).map((op) => ({
  op,
  pattern: new RegExp(`^${op.path.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
}));

/** The documented operation a request is for, if any. */
export function operationFor(method: string, path: string): Operation | undefined {
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  return COMPILED.find((c) => c.op.method === m && c.pattern.test(path))?.op;
}

/**
 * The role check, from the operations table: a request beyond the token's role is a 403 naming the role it
 * needs; a profile outside a limited token's profiles is a 404. A route the table does not know (it will 404)
 * needs any role to read and integrator to change.
 */
export function requireRole(): RequestHandler {
  return (req, res, next) => {
    const who = principalOf(res);
    const path = `${req.baseUrl}${req.path}`;
    const op = operationFor(req.method, path);
    const roles = op ? rolesOf(op) : req.method === 'GET' || req.method === 'HEAD' ? ANY_ROLE : INTEGRATOR;
    try {
      assertRole(who, roles, `${req.method} ${op?.path ?? path}`);
      const profile = /^\/api\/profiles\/([^/]+)/.exec(path);
      if (profile) assertProfileVisible(who, decodeURIComponent(profile[1]!));
    } catch (err) {
      return sendProblem(res, toProblem(err)!);
    }
    next();
  };
}

const CREATE_PROFILE = 'POST /api/profiles';

/**
 * Every operation the principal may call, as "METHOD /path" (for a console to show only those). A token limited
 * to some profiles is refused new ones whatever its role (assertUnlimited), so creating one is not among them.
 */
export function operationsAllowed(who: Principal): string[] {
  return COMPILED.filter((c) => rolesOf(c.op).includes(who.role))
    .map((c) => `${c.op.method.toUpperCase()} ${c.op.path}`)
    .filter((op) => !(who.profileIds && op === CREATE_PROFILE));
}
