// Shapes of the Asana resources this service reads. Fields that only appear when asked for through
// `opt_fields` are optional unless the method that returns them always asks for them.

export interface UserRef {
  gid: string;
  resource_type?: 'user';
  name?: string;
  email?: string;
}

export interface WorkspaceRef {
  gid: string;
  resource_type?: 'workspace';
  name?: string;
}

export interface User {
  gid: string;
  resource_type?: 'user';
  name: string;
  email?: string;
  workspaces?: WorkspaceRef[];
}

export interface Workspace {
  gid: string;
  resource_type?: 'workspace';
  name: string;
  is_organization?: boolean;
  email_domains?: string[];
}

/**
 * A membership as `workspaceMembershipPages` returns it with its default `opt_fields`; the licence
 * type of a seat is derived from the `is_*` flags.
 */
export interface WorkspaceMembership {
  gid: string;
  resource_type?: 'workspace_membership';
  user: { gid: string; name: string; email: string };
  workspace?: WorkspaceRef;
  is_active: boolean;
  is_admin: boolean;
  is_guest: boolean;
  is_view_only: boolean;
  created_at: string;
}

/** The compact record of a user's own memberships, enough to tell whether they administer a workspace. */
export interface UserWorkspaceMembership {
  gid: string;
  resource_type?: 'workspace_membership';
  user?: UserRef;
  workspace: WorkspaceRef;
  is_active?: boolean;
  is_admin?: boolean;
  is_guest?: boolean;
  is_view_only?: boolean;
}

export type AuditLogActorType = 'user' | 'asana' | 'asana_support' | 'anonymous' | 'external_administrator';

export interface AuditLogEvent {
  gid: string;
  created_at: string;
  event_type: string;
  event_category?: string;
  actor: { actor_type: AuditLogActorType; gid?: string; name?: string; email?: string };
  resource?: { resource_type?: string; resource_subtype?: string; gid?: string; name?: string | null; email?: string };
  details?: Record<string, unknown>;
  context?: { context_type?: string; api_authentication_method?: string; client_ip_address?: string; user_agent?: string };
}

export interface Project {
  gid: string;
  resource_type?: 'project';
  name?: string;
  archived?: boolean;
}

export interface Task {
  gid: string;
  resource_type?: 'task';
  name?: string;
  /** Moves with every change, the newest story included. */
  modified_at?: string;
}

/** Something that happened on a task: a comment, or a system story (completed, assigned, moved...). */
export interface Story {
  gid: string;
  resource_type?: 'story';
  created_at: string;
  /** Who did it; null for a system story no person caused. */
  created_by: UserRef | null;
  type?: 'comment' | 'system';
  resource_subtype?: string;
}

/**
 * One page of a paginated list. `nextOffset` is the cursor to persist and resume from; null means
 * Asana gave none (for memberships: the list is complete).
 */
export interface Page<T> {
  data: T[];
  nextOffset: string | null;
}

/** What Asana's token endpoint hands back, with the expiry made absolute. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  /** The user who authorized the app; present after a code exchange. */
  user?: { gid: string; name: string; email: string };
}

/**
 * Where the client gets its bearer token. `refreshAccessToken` receives the token Asana just refused
 * so that concurrent callers that saw the same 401 share one refresh, and one that arrives after the
 * token was already replaced simply gets the new one.
 */
export interface TokenProvider {
  getAccessToken(): Promise<string>;
  refreshAccessToken(rejectedToken: string): Promise<string>;
}
