import type { Request, Response, Router } from 'express';
import type { Member } from '../../organization';
import type { Simulator } from '../../simulator';
import { callerOf } from '../apiAuth';
import { requireUser, requireWorkspace } from '../lookups';
import { parseOptFields, project, type JsonObject } from '../optFields';
import { encodeOffset, nextPage, parseLimit, parseOffset } from '../pagination';
import { membershipCompact, membershipFull } from '../representations';
import { ApiError, queryParam, sendJson } from '../respond';

const KIND = 'workspace_memberships';
/** Asana refuses unpaginated requests whose result would be too large. */
const MAX_UNPAGINATED = 1000;

export function registerMembershipRoutes(router: Router, sim: Simulator): void {
  router.get('/workspaces/:workspace_gid/workspace_memberships', (req, res) => {
    const caller = callerOf(res);
    const ws = requireWorkspace(sim, req.params.workspace_gid);
    const userRef = queryParam(req, 'user');
    const only = userRef === undefined ? undefined : requireUser(sim, userRef, caller.member);
    listMemberships(sim, req, res, `ws:${ws.gid}`, only);
  });

  router.get('/workspace_memberships/:workspace_membership_gid', (req, res) => {
    const gid = req.params.workspace_membership_gid;
    if (!/^\d+$/.test(gid)) throw new ApiError(400, `workspace_membership: Not a recognized ID: ${gid}`);
    const member = sim.org.members.find((m) => m.membershipGid === gid && m.removedAt === null);
    if (!member) throw new ApiError(404, `workspace_membership: Unknown object: ${gid}`);
    const full = membershipFull(member, sim.org.workspace);
    const fields = parseOptFields(req.query.opt_fields);
    sendJson(req, res, 200, { data: fields ? project(full, fields) : full });
  });

  router.get('/users/:user_gid/workspace_memberships', (req, res) => {
    const caller = callerOf(res);
    const user = requireUser(sim, req.params.user_gid, caller.member, 'user_gid');
    listMemberships(sim, req, res, `user:${user.gid}`, user);
  });
}

/**
 * Pages through current memberships in membership-gid order. The offset is the last gid returned,
 * so people who join or leave mid-walk never make another member appear twice or go missing.
 */
function listMemberships(sim: Simulator, req: Request, res: Response, scope: string, only: Member | undefined): void {
  const limit = parseLimit(req);
  const offset = parseOffset(sim, req, KIND, scope);
  const fields = parseOptFields(req.query.opt_fields);
  const ws = sim.org.workspace;
  // A service account (not one of the organization's people) holds no membership.
  const include = (m: Member): boolean => m.removedAt === null && sim.org.byIndex(m.index) === m && (only === undefined || m === only);
  const render = (m: Member): JsonObject => (fields ? project(membershipFull(m, ws), fields) : membershipCompact(m, ws));

  if (limit === undefined) {
    if (offset !== undefined) throw new ApiError(400, 'offset: An offset needs a limit.');
    const everyone = only ? [only].filter(include) : sim.org.members.filter(include);
    if (everyone.length > MAX_UNPAGINATED) {
      throw new ApiError(400, 'The result is too large. You should use pagination (may require specifying a workspace)!');
    }
    sendJson(req, res, 200, { data: everyone.map(render) });
    return;
  }

  const members = sim.org.members;
  const afterGid = typeof offset?.a === 'string' ? offset.a : null;
  const page: Member[] = [];
  let i = sim.org.firstIndexAfter(afterGid);
  for (; i < members.length && page.length < limit; i++) {
    const m = members[i] as Member;
    if (include(m)) page.push(m);
  }
  let more = false;
  for (; i < members.length && !more; i++) more = include(members[i] as Member);
  const last = page[page.length - 1];
  const next = more && last ? nextPage(req, encodeOffset(sim, KIND, scope, { a: last.membershipGid })) : null;
  sendJson(req, res, 200, { data: page.map(render), next_page: next });
}
