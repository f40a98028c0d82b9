import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { jobResults, readyProfile, runJob } from '../support/runs';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario: { seed: 9, members: 150, guests: 20, viewOnly: 10, admins: 2, inactiveShare: 0.2, eventsPerUserPerDay: 1, days: 30, deactivatedMembers: 0 } });
});
afterAll(async () => h?.close());

async function subscription(profileId: string, userGid: string) {
  const res = await h.api('GET', `/api/profiles/${profileId}/subscriptions?userGid=${userGid}`);
  expect(res.status, res.text).toBe(200);
  return res.body.items[0];
}

describe('a second download', () => {
  it('adds who joined, ends who left, and re-links an unrecognized identifier once it is mapped', async () => {
    const profileId = await readyProfile(h);
    expect((await runJob(h, profileId, 'download')).ok).toBe(true);
    const first = (await jobResults(h, profileId, 'download'))[0]!.counts;
    expect(first).toMatchObject({ members: 170 + 10, endedSubscriptions: 0, unrecognizedIdentifiers: 0 });

    const state = await h.simControl('GET', '/_sim/state');
    const leaver = state.members.find((m: { isAdmin: boolean; isGuest: boolean }) => !m.isAdmin && !m.isGuest);
    await h.simControl('DELETE', `/_sim/users/${leaver.gid}`);
    const joiner = await h.simControl('POST', '/_sim/users', { name: 'Nia Newcomer', email: 'nia.newcomer@example.com' });
    const viewGuests = [];
    for (const name of ['Vic Viewer', 'Val Viewer']) viewGuests.push(await h.simControl('POST', '/_sim/users', { name, isGuest: true, isViewOnly: true }));

    expect((await runJob(h, profileId, 'download')).ok).toBe(true);
    const second = (await jobResults(h, profileId, 'download'))[0]!.counts;
    expect(second).toMatchObject({ members: 180 - 1 + 3, activeSubscriptions: 182, endedSubscriptions: 1, newModels: 0, unrecognizedIdentifiers: 1, unrecognizedSubscriptions: 2 });

    expect(await subscription(profileId, leaver.gid)).toMatchObject({ status: 'ended' });
    expect((await subscription(profileId, leaver.gid)).endedAt).toBeTruthy();
    expect(await subscription(profileId, joiner.gid)).toMatchObject({ status: 'active', email: 'nia.newcomer@example.com', identifier: 'member' });
    expect(await subscription(profileId, viewGuests[0].gid)).toMatchObject({ status: 'active', identifier: 'guest_view_only', modelId: null });

    const unrecognized = await h.api('GET', `/api/profiles/${profileId}/unrecognized-identifiers`);
    expect(unrecognized.body.items).toMatchObject([{ identifier: 'guest_view_only', subscriptions: 2 }]);

    const mapped = await h.api('POST', `/api/profiles/${profileId}/unrecognized-identifiers/guest_view_only/mapping`, { edition: 'View-only guest' });
    expect(mapped.status, mapped.text).toBe(201);
    expect(mapped.body.relinkedSubscriptions).toBe(2);
    const modelId = mapped.body.model.id;
    for (const g of viewGuests) expect(await subscription(profileId, g.gid)).toMatchObject({ identifier: 'guest_view_only', modelId });
    expect((await h.api('GET', `/api/profiles/${profileId}/unrecognized-identifiers`)).body.items).toEqual([]);

    // The leaver coming back reopens the same subscription; the mapping holds on the next download.
    await h.simControl('POST', '/_sim/users', { name: 'Vic Viewer 2', isGuest: true, isViewOnly: true });
    expect((await runJob(h, profileId, 'download')).ok).toBe(true);
    const third = (await jobResults(h, profileId, 'download'))[0]!.counts;
    expect(third).toMatchObject({ unrecognizedIdentifiers: 0, endedSubscriptions: 0, activeSubscriptions: 183 });
    const rows = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM subscriptions WHERE profile_id = $1 AND model_id = $2', [profileId, modelId]);
    expect(rows[0]!.n).toBe(3);
  });
});
