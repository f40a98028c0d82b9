import type { Member, Workspace } from '../organization';
import { iso } from '../time';
import type { JsonObject } from './optFields';

/** Full and compact JSON of the resources the simulator serves, shaped as in Asana's OpenAPI document. */

export function workspaceCompact(ws: Workspace): JsonObject {
  return { gid: ws.gid, resource_type: 'workspace', name: ws.name };
}

export function workspaceFull(ws: Workspace): JsonObject {
  return { ...workspaceCompact(ws), email_domains: [...ws.emailDomains], is_organization: ws.isOrganization };
}

export function userCompact(m: Member): JsonObject {
  return { gid: m.gid, resource_type: 'user', name: m.name };
}

export function userFull(m: Member, ws: Workspace): JsonObject {
  return {
    gid: m.gid,
    resource_type: 'user',
    name: m.name,
    email: m.email,
    photo: null,
    // Asana lists only workspaces the person still belongs to.
    workspaces: m.removedAt === null ? [workspaceCompact(ws)] : [],
  };
}

export function membershipCompact(m: Member, ws: Workspace): JsonObject {
  return { gid: m.membershipGid, resource_type: 'workspace_membership', user: userCompact(m), workspace: workspaceCompact(ws) };
}

export function membershipFull(m: Member, ws: Workspace): JsonObject {
  return {
    gid: m.membershipGid,
    resource_type: 'workspace_membership',
    user: userFull(m, ws),
    workspace: workspaceFull(ws),
    is_active: m.isActive,
    is_admin: m.isAdmin,
    is_guest: m.isGuest,
    is_view_only: m.isViewOnly,
    created_at: iso(m.createdAt),
    vacation_dates: null,
  };
}
