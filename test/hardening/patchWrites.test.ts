import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile } from '../support/runs';
import { profileStateQuery } from '../../src/workflows/profile/definitions';
import { profileWorkflowId } from '../../src/profiles/types';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario: { seed: 71, members: 20, admins: 1 } });
});
afterAll(async () => h?.close());

async function snapshot(id: string) {
  return JSON.stringify(await h.db.query('SELECT p.*, c.* FROM profiles p JOIN connections c ON c.profile_id = p.id WHERE p.id = $1', [id]));
}

describe('a PATCH writes all of its change or none of it', () => {
  it('matches a profile ID written in upper case as the same profile, and tells its workflow', async () => {
    const id = await readyProfile(h);
    const res = await h.api('PATCH', `/api/profiles/${id.toUpperCase()}`, { displayName: 'renamed', options: { reclaimDryRun: true }, connection: { clientSecret: h.app.clientSecret } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id, displayName: 'renamed', options: { reclaimDryRun: true }, connection: { authorized: false }, validation: { stale: true } });
    const state = await h.temporal.workflow.getHandle(profileWorkflowId(id)).query(profileStateQuery);
    expect(state).toMatchObject({ authorized: false, options: { reclaimDryRun: true } });
    // The tokens went, and the workflow knows: publishing is refused.
    const publish = await h.api('POST', `/api/profiles/${id.toUpperCase()}/publish`);
    expect(publish.status, publish.text).toBe(409);
    expect(publish.body.detail).toMatch(/not authorized/);
  });

  it('changes nothing when the profile cannot take the change (its workflow has ended)', async () => {
    const id = await readyProfile(h);
    await h.temporal.workflow.getHandle(profileWorkflowId(id)).terminate('operator');
    const before = await snapshot(id);
    const res = await h.api('PATCH', `/api/profiles/${id}`, { displayName: 'renamed-by-a-refusal', options: { reclaimDryRun: true }, connection: { clientSecret: 'another' } });
    expect(res.status, res.text).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await snapshot(id)).toBe(before);
  });

  it('answers 404 for an ID of no profile, in any case, and writes nothing', async () => {
    const res = await h.api('PATCH', '/api/profiles/AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA', { displayName: 'ghost' });
    expect(res.status).toBe(404);
    expect((await h.db.query("SELECT 1 FROM profiles WHERE display_name = 'ghost'")).length).toBe(0);
  });
});
