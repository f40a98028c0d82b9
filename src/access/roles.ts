// What each role may do, written down once. An operation names the roles that may call it (api/openapi/
// operations.ts); these rules decide, and throw typed errors the API translates.
import type { Role } from '../store/tokens';
import { forbidden, notFoundRule } from '../errors';
import type { Principal } from './tokens';

/** Reads: profiles, lists, positions, CSV exports, job results, the audit trail. */
export const ANY_ROLE: readonly Role[] = ['admin', 'integrator', 'viewer'];
/** Changes to profiles, connections, runs, rules, exclusions, mappings, entitlements and candidates. */
export const INTEGRATOR: readonly Role[] = ['admin', 'integrator'];
/** Tokens. */
export const ADMIN: readonly Role[] = ['admin'];
/** The process's metrics: the operator's Prometheus reads them with an admin or viewer token. */
export const METRICS_READERS: readonly Role[] = ['admin', 'viewer'];

const article = (role: string) => (/^[aeiou]/.test(role) ? 'an' : 'a');

/** Refuses a principal whose role is not among `allowed`, naming the role the request needs. */
export function assertRole(who: Principal, allowed: readonly Role[], what: string): void {
  if (allowed.includes(who.role)) return;
  const needs = allowed.includes('integrator') ? 'integrator' : allowed.includes('viewer') ? 'viewer' : 'admin';
  const alternatives = allowed.filter((r) => r !== needs);
  throw forbidden(
    `${what} needs the ${needs} role${alternatives.length ? ` (or ${alternatives.join(' or ')})` : ''}; the token "${who.name}" is ${article(who.role)} ${who.role}.`,
    { requiredRole: needs, role: who.role },
  );
}

/** A profile outside a limited token's profiles does not exist for it. */
export function assertProfileVisible(who: Principal, profileId: string): void {
  if (who.profileIds && !who.profileIds.includes(profileId.toLowerCase())) throw notFoundRule(`Profile ${profileId}`);
}

/** A token limited to some profiles cannot make new ones (it would not see them). */
export function assertUnlimited(who: Principal, what: string): void {
  if (who.profileIds) throw forbidden(`${what} needs a token that is not limited to some profiles; the token "${who.name}" is.`, { requiredRole: 'integrator', role: who.role });
}
