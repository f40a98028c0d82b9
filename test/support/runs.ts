import { expect } from 'vitest';
import type { Harness } from './harness';
import type { MemberState } from '@licence-manager/asana-simulator';

/** Creates a profile on the harness's simulator, authorizes it and validates it (every check passing). */
export async function readyProfile(h: Harness, options: Record<string, unknown> = {}, connection: Record<string, unknown> = {}): Promise<string> {
  const created = await h.api('POST', '/api/profiles', {
    displayName: `Profile ${Math.random().toString(36).slice(2, 7)}`,
    options,
    connection: { clientId: h.app.clientId, clientSecret: h.app.clientSecret, ...connection },
  });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  const authorized = await h.authorize(id);
  expect(authorized.status, authorized.text).toBe(200);
  const validated = await h.api('POST', `/api/profiles/${id}/validate`);
  expect(validated.body.validation?.passed, validated.text).toBe(true);
  return id;
}

/** Starts a run through the API and waits for its workflow; answers the workflow ID and how it ended. */
export async function runJob(h: Harness, profileId: string, job: 'download' | 'activity' | 'reclaim' | 'reconcile') {
  const started = await h.api('POST', `/api/profiles/${profileId}/runs`, { job });
  expect(started.status, started.text).toBe(202);
  const workflowId = started.body.workflowId as string;
  const outcome = await h.temporal.workflow
    .getHandle(workflowId)
    .result()
    .then((result) => ({ ok: true as const, result }))
    .catch((error: unknown) => ({ ok: false as const, error }));
  return { workflowId, ...outcome };
}

export async function jobResults(h: Harness, profileId: string, kind?: string) {
  const res = await h.api('GET', `/api/profiles/${profileId}/job-results${kind ? `?kind=${kind}` : ''}`);
  expect(res.status, res.text).toBe(200);
  return res.body.items as Array<{ kind: string; status: string; counts: Record<string, number>; error: string | null; trigger: string }>;
}

export type SimMember = MemberState;

export async function simMembers(h: Harness): Promise<SimMember[]> {
  return (await h.simControl('GET', '/_sim/state')).members as SimMember[];
}

/** A Service Account token of the harness's organization, as an admin creates one in Asana's admin console. */
export async function serviceAccountToken(h: Harness): Promise<string> {
  return ((await h.simControl('POST', '/_sim/service-accounts', {})) as { token: string }).token;
}

/** A ready profile whose activity comes from the audit log alone, read with a Service Account token. */
export async function readyAuditLogProfile(h: Harness, options: Record<string, unknown> = {}): Promise<string> {
  return readyProfile(h, { activitySources: ['auditLog'], ...options }, { serviceAccountToken: await serviceAccountToken(h) });
}

/** Gives the profile's connection a Service Account token (so the audit log is read too) and validates again. */
export async function addServiceAccount(h: Harness, profileId: string): Promise<string> {
  const token = await serviceAccountToken(h);
  const patched = await h.api('PATCH', `/api/profiles/${profileId}`, { connection: { serviceAccountToken: token } });
  expect(patched.status, patched.text).toBe(200);
  expect(patched.body.connection.serviceAccountTokenSet).toBe(true);
  const validated = await h.api('POST', `/api/profiles/${profileId}/validate`);
  expect(validated.body.validation?.passed, validated.text).toBe(true);
  return token;
}

/** A person's newest meaningful activity, as the simulator knows it, from the sources a profile reads. */
export function lastActiveAt(m: SimMember, sources: { stories: boolean; auditLog: boolean }): number | null {
  const times = [sources.stories ? m.lastStoryAt : null, sources.auditLog ? m.lastAuditEventAt : null].filter((t): t is string => t !== null).map(Date.parse);
  return times.length > 0 ? Math.max(...times) : null;
}

const DAY_MS = 86_400_000;

/**
 * Who the rules of PRODUCT.md section 4 select (the default 60-day threshold), computed independently from the
 * simulator's own state: active, recognized, not an admin or excluded, older than the threshold, and with no
 * meaningful signal from the sources read since the threshold (none since the coverage began counts from its start).
 */
export function expectedCandidates(
  members: SimMember[],
  opts: { adminGid: string; coverageStart: number; sources: { stories: boolean; auditLog: boolean }; excludedGid?: string; excludedIdentifier?: string; thresholdDays?: number },
): string[] {
  const threshold = Date.now() - (opts.thresholdDays ?? 60) * DAY_MS;
  return members
    .filter((m) => m.isActive && !m.removedAt)
    .filter((m) => !(m.isGuest && m.isViewOnly)) // unrecognized: no model, no rule
    .filter((m) => !m.isAdmin && m.gid !== opts.adminGid && m.gid !== opts.excludedGid)
    .filter((m) => (m.isGuest ? 'guest' : m.isViewOnly ? 'view_only' : 'member') !== opts.excludedIdentifier)
    .filter((m) => Date.parse(m.createdAt) < threshold)
    .filter((m) => {
      const seen = lastActiveAt(m, opts.sources);
      const last = seen !== null && seen >= opts.coverageStart ? seen : opts.coverageStart;
      return last < threshold;
    })
    .map((m) => m.gid)
    .sort();
}
