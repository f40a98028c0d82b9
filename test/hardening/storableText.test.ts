import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile, runJob, simMembers } from '../support/runs';
import { parseAsanaJson } from '../../src/asana/envelope';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario: { seed: 81, members: 150, guests: 0, viewOnly: 0, admins: 1, deactivatedMembers: 0 } });
});
afterAll(async () => h?.close());

describe('text from Asana that PostgreSQL cannot store', () => {
  it('a member whose name carries a NUL byte is written without it, and the rest of the page with them', async () => {
    const odd = await h.simControl('POST', '/_sim/users', { name: 'Null\u0000Byte', email: 'null.byte@example.com' });
    const profileId = await readyProfile(h, { reclaimSubscriptions: false });
    const run = await runJob(h, profileId, 'download');
    expect(run.ok, String((run as { error?: unknown }).error)).toBe(true);
    const rows = await h.db.query<{ user_gid: string; name: string }>("SELECT user_gid, name FROM subscriptions WHERE profile_id = $1 AND status = 'active'", [profileId]);
    const members = (await simMembers(h)).filter((m) => m.isActive && !m.removedAt);
    expect(rows).toHaveLength(members.length);
    expect(rows.find((r) => r.user_gid === odd.gid)?.name).toBe('NullByte');
  });

  it('cleans every string of an answer, however deep', () => {
    expect(parseAsanaJson(JSON.stringify({ data: [{ user: { name: 'a\u0000b', tags: ['\u0000x'] } }] }))).toEqual({ data: [{ user: { name: 'ab', tags: ['x'] } }] });
    expect(parseAsanaJson('{"data":"plain"}')).toEqual({ data: 'plain' });
  });
});
