import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { jobResults, readyProfile, runJob, simMembers } from '../support/runs';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario: { seed: 5, members: 1000, guests: 0, viewOnly: 0, admins: 2, inactiveShare: 0.2, eventsPerUserPerDay: 1, days: 30, deactivatedMembers: 0 } });
});
afterAll(async () => h?.close());

describe('authorization during runs', () => {
  it('an access token that expires mid-run is refreshed once and the run completes', async () => {
    const profileId = await readyProfile(h);
    await h.simControl('DELETE', '/_sim/requests');
    await h.simControl('POST', '/_sim/faults', { latencyMs: 120 });
    const run = runJob(h, profileId, 'download');
    // Let the walk get going, then expire every token Asana has issued (our stored expiry still says an hour).
    await new Promise((r) => setTimeout(r, 500));
    await h.simControl('POST', '/_sim/faults', { expireAccessTokens: true });
    const outcome = await run;
    await h.simControl('DELETE', '/_sim/faults');
    expect(outcome.ok).toBe(true);

    const requests = (await h.simControl('GET', '/_sim/requests')) as Array<{ method: string; path: string; status: number }>;
    const rejected = requests.filter((r) => r.status === 401);
    const refreshes = requests.filter((r) => r.method === 'POST' && r.path === '/-/oauth_token');
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(refreshes).toHaveLength(1);
    const members = (await simMembers(h)).filter((m) => m.isActive && !m.removedAt).length;
    const rows = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM subscriptions WHERE profile_id = $1 AND status = 'active'", [profileId]);
    expect(rows[0]!.n).toBe(members);
    expect((await jobResults(h, profileId, 'download'))[0]).toMatchObject({ status: 'succeeded', counts: { members } });
  });

  it('a revoked grant ends the run as a failed job result that says to re-authorize, and the profile shows it', async () => {
    const profileId = await readyProfile(h);
    await h.simControl('POST', '/_sim/faults', { revokeGrants: true });
    const outcome = await runJob(h, profileId, 'download');
    expect(outcome.ok).toBe(false);
    const [result] = await jobResults(h, profileId, 'download');
    expect(result).toMatchObject({ status: 'failed' });
    expect(result!.error).toMatch(/re-authorize/);
    expect(result!.error).toMatch(/AsanaAuthRevoked/);

    const profile = (await h.api('GET', `/api/profiles/${profileId}`)).body;
    expect(profile.connection).toMatchObject({ authorized: false });
    expect(profile.connection.authError).toMatch(/re-authorize/);
    const refused = await h.api('POST', `/api/profiles/${profileId}/runs`, { job: 'download' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/authorize/);

    // Authorizing again clears it, and the next run succeeds.
    expect((await h.authorize(profileId)).status).toBe(200);
    expect((await h.api('GET', `/api/profiles/${profileId}`)).body.connection).toMatchObject({ authorized: true, authError: null });
    expect((await runJob(h, profileId, 'download')).ok).toBe(true);
  });

  it('rejects runs that cannot happen, naming why', async () => {
    const created = await h.api('POST', '/api/profiles', { displayName: 'Unauthorized', options: { downloadActivity: false, reclaimSubscriptions: false } });
    const id = created.body.id;
    expect((await h.api('POST', `/api/profiles/${id}/runs`, { job: 'download' })).status).toBe(409);
    expect((await h.api('POST', `/api/profiles/${id}/runs`, { job: 'backup' })).status).toBe(400);
    expect((await h.api('POST', `/api/profiles/${id}/runs`, {})).body.detail).toMatch(/job/);
    expect((await h.api('POST', '/api/profiles/00000000-0000-4000-8000-000000000000/runs', { job: 'download' })).status).toBe(404);
    expect((await h.api('GET', `/api/profiles/${id}/job-results`)).body.items).toEqual([]);
  });
});
