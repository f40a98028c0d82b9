import { isValidUserRef, type Member, type Workspace } from '../organization';
import type { Simulator } from '../simulator';
import { ApiError } from './respond';

/** The workspace named in the path: malformed gid 400, any other workspace 404. */
export function requireWorkspace(sim: Simulator, gid: string): Workspace {
  if (!/^\d+$/.test(gid)) throw new ApiError(400, `workspace: Not a recognized ID: ${gid}`);
  const ws = sim.org.workspace;
  if (gid !== ws.gid) throw new ApiError(404, `workspace: Unknown object: ${gid}`);
  return ws;
}

/** A user reference ("me", email or gid), looked up among everyone the organization ever had. */
export function requireUser(sim: Simulator, ref: string, me: Member, field = 'user'): Member {
  if (!isValidUserRef(ref)) throw new ApiError(400, `${field}: Not a recognized ID: ${ref}`);
  const member = sim.org.resolveUserRef(ref, me);
  if (!member) throw new ApiError(404, `${field}: Unknown object: ${ref}`);
  return member;
}
