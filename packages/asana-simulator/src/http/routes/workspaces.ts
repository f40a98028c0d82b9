import type { Router } from 'express';
import type { Simulator } from '../../simulator';
import { callerOf } from '../apiAuth';
import { requireUser, requireWorkspace } from '../lookups';
import { parseOptFields, project } from '../optFields';
import { parseLimit } from '../pagination';
import { userCompact, workspaceCompact, workspaceFull } from '../representations';
import { ApiError, queryParam, sendJson } from '../respond';

export function registerWorkspaceRoutes(router: Router, sim: Simulator): void {
  router.get('/workspaces', (req, res) => {
    const limit = parseLimit(req);
    // The only workspace fits on any page, so no offset was ever issued and none can be valid.
    if (queryParam(req, 'offset') !== undefined) {
      throw new ApiError(400, 'offset: Your pagination token is invalid or has expired. Use an offset returned by a previous request.');
    }
    const ws = sim.org.workspace;
    const fields = parseOptFields(req.query.opt_fields);
    const data = [fields ? project(workspaceFull(ws), fields) : workspaceCompact(ws)];
    sendJson(req, res, 200, limit === undefined ? { data } : { data, next_page: null });
  });

  router.get('/workspaces/:workspace_gid', (req, res) => {
    const ws = requireWorkspace(sim, req.params.workspace_gid);
    const full = workspaceFull(ws);
    const fields = parseOptFields(req.query.opt_fields);
    sendJson(req, res, 200, { data: fields ? project(full, fields) : full });
  });

  router.post('/workspaces/:workspace_gid/removeUser', (req, res) => {
    const caller = callerOf(res);
    requireWorkspace(sim, req.params.workspace_gid);
    const ref = userRefFromBody(req.body);
    if (ref === undefined) throw new ApiError(400, 'user: Missing input');
    if (!caller.member.isAdmin) {
      throw new ApiError(403, 'Only admins of this organization can remove users from it.');
    }
    const target = requireUser(sim, ref, caller.member);
    if (target.removedAt !== null) {
      // The person still exists in Asana, but the membership this call would end does not.
      throw new ApiError(404, `user: ${ref} is not a member of this workspace.`);
    }
    // Node reports IPv4 peers as IPv4-mapped IPv6; Asana's audit log shows plain IPv4.
    const ip = req.ip?.replace(/^::ffff:/, '') ?? null;
    sim.removeUserViaApi(caller.member, target, { appName: caller.appName, ip });
    sendJson(req, res, 200, { data: {} });
  });

  // Adds a user (back) to the organization and answers their record (UserBaseResponse: email and photo included).
  router.post('/workspaces/:workspace_gid/addUser', (req, res) => {
    const caller = callerOf(res);
    requireWorkspace(sim, req.params.workspace_gid);
    const ref = userRefFromBody(req.body);
    if (ref === undefined) throw new ApiError(400, 'user: Missing input');
    if (!caller.member.isAdmin) {
      throw new ApiError(403, 'Only admins of this organization can add users to it.');
    }
    const target = requireUser(sim, ref, caller.member);
    sim.addUserViaApi(target);
    const fields = parseOptFields(req.query.opt_fields);
    const user = { ...userCompact(target), email: target.email, photo: null };
    sendJson(req, res, 200, { data: fields ? project(user, fields) : user });
  });
}

/** `{"data": {"user": ...}}` as JSON, or the form-encoded equivalents Asana also accepts. */
function userRefFromBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const data = b.data;
  const candidates = [typeof data === 'object' && data !== null ? (data as Record<string, unknown>).user : undefined, b['data[user]'], b.user];
  const found = candidates.find((c) => typeof c === 'string' && c.trim() !== '');
  return typeof found === 'string' ? found.trim() : undefined;
}
