import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { seedOtherProfile, seedProfile, snapshot, type Seeded } from './seed';
import { expectProblem, fieldsOf } from './problems';

let h: Harness;
let s: Seeded;
let other: Awaited<ReturnType<typeof seedOtherProfile>>;
let base: string;

beforeAll(async () => {
  h = await startHarness();
  s = await seedProfile(h);
  other = await seedOtherProfile(h);
  base = `/api/profiles/${s.profileId}`;
});
afterAll(async () => h?.close());

const mapping = (identifier: string) => `${base}/unrecognized-identifiers/${encodeURIComponent(identifier)}/mapping`;
const unrecognized = async () => (await h.api('GET', `${base}/unrecognized-identifiers`)).body.items.map((i: { identifier: string }) => i.identifier);
const modelOf = async (profileId: string) =>
  h.db.query<{ user_gid: string; model_id: string | null }>('SELECT user_gid, model_id FROM subscriptions WHERE profile_id = $1 ORDER BY user_gid', [profileId]);

describe('rejected mappings change nothing', () => {
  it('a body with neither, both, or an unknown field is a 400', async () => {
    const before = await snapshot(h.db);
    expectProblem(await h.api('POST', mapping('guest_view_only'), {}), 400, /exactly one of modelId .* or edition/);
    expectProblem(await h.api('POST', mapping('guest_view_only'), { modelId: s.models.guest, edition: 'Guest viewer' }), 400, /exactly one of modelId/);
    const badId = await h.api('POST', mapping('guest_view_only'), { modelId: 'guest' });
    expectProblem(badId, 400, /modelId: must be a software model ID/);
    expect(fieldsOf(badId)).toEqual(['modelId']);
    expectProblem(await h.api('POST', mapping('guest_view_only'), { edition: '   ' }), 400, /edition: must not be empty/);
    expectProblem(await h.api('POST', mapping('guest_view_only'), { edition: 'Guest viewer', threshold: 30 }), 400, /threshold/);
    expectProblem(await h.api('POST', mapping('guest_view_only'), '{"edition": '), 400, /not valid JSON/);
    expect(await snapshot(h.db)).toBe(before);
  });

  it('an identifier no unmapped subscription carries is a 404; a mapped one is a 409', async () => {
    const before = await snapshot(h.db);
    expectProblem(await h.api('POST', mapping('nobody_has_this'), { modelId: s.models.guest }), 404, /No unmapped subscription .* "nobody_has_this"/);
    expectProblem(await h.api('POST', mapping('guest'), { modelId: s.models.guest }), 409, /"guest" is already mapped/);
    expectProblem(await h.api('POST', mapping('member'), { edition: 'Another' }), 409, /already mapped/);
    expect(await snapshot(h.db)).toBe(before);
  });

  it("a model of another profile, or an unknown one, is a 404", async () => {
    const before = await snapshot(h.db);
    expectProblem(await h.api('POST', mapping('guest_view_only'), { modelId: other.model }), 404, new RegExp(`Software model ${other.model} of this profile does not exist`));
    expectProblem(await h.api('POST', mapping('guest_view_only'), { modelId: '00000000-0000-4000-8000-000000000000' }), 404, /Software model/);
    expect(await snapshot(h.db)).toBe(before);
  });

  it('an edition that already exists is a 409 pointing at its model', async () => {
    const before = await snapshot(h.db);
    expectProblem(await h.api('POST', mapping('guest_view_only'), { edition: 'guest' }), 409, new RegExp(`"modelId": "${s.models.guest}"`));
    expect(await snapshot(h.db)).toBe(before);
  });

  it('an unknown profile is a 404', async () => {
    expectProblem(await h.api('POST', '/api/profiles/00000000-0000-4000-8000-000000000000/unrecognized-identifiers/guest_view_only/mapping', { modelId: s.models.guest }), 404, /Profile/);
  });
});

describe('mapping an unrecognized identifier', () => {
  it('to an existing model re-links exactly the subscriptions carrying it, ended ones included', async () => {
    const before = await modelOf(s.profileId);
    const otherBefore = await modelOf(other.profileId);
    const res = await h.api('POST', mapping('guest_view_only'), { modelId: s.models.guest });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      identifier: 'guest_view_only',
      relinkedSubscriptions: 3,
      model: { id: s.models.guest, edition: 'Guest', identifiers: ['guest', 'guest_view_only'], activeSubscriptions: 4, ruleId: s.rules.guest },
    });

    const after = await modelOf(s.profileId);
    const changed = after.filter((row, i) => row.model_id !== before[i]!.model_id);
    expect(changed.map((r) => r.user_gid)).toEqual(['1013', '1014', '1015']);
    expect(new Set(changed.map((r) => r.model_id))).toEqual(new Set([s.models.guest]));
    // The other profile's subscription with the same identifier stays unmapped.
    expect(await modelOf(other.profileId)).toEqual(otherBefore);

    expect(await unrecognized()).toEqual(['contractor']);
    const viaList = await h.api('GET', `${base}/subscriptions?identifier=guest_view_only`);
    expect(viaList.body.items.map((i: { model: string }) => i.model)).toEqual(['Guest', 'Guest', 'Guest']);
    const mapped = await h.db.query('SELECT model_id FROM identifier_mappings WHERE profile_id = $1 AND identifier = $2', [s.profileId, 'guest_view_only']);
    expect(mapped).toEqual([{ model_id: s.models.guest }]);

    // Once mapped, the identifier is no longer unrecognized.
    expectProblem(await h.api('POST', mapping('guest_view_only'), { modelId: s.models.member }), 409, /already mapped/);
  });

  it('to a new edition creates the model and its active 60-day rule in the same step', async () => {
    const res = await h.api('POST', mapping('contractor'), { edition: '  Contractor  ' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      identifier: 'contractor',
      relinkedSubscriptions: 1,
      model: { publisher: 'Asana', product: 'Asana', edition: 'Contractor', identifiers: ['contractor'], activeSubscriptions: 1 },
    });
    const modelId = res.body.model.id as string;
    const ruleId = res.body.model.ruleId as string;
    expect(ruleId).toMatch(/^[0-9a-f-]{36}$/);

    const rules = await h.api('GET', `${base}/reclamation-rules`);
    expect(rules.body.items.find((r: { id: string }) => r.id === ruleId)).toMatchObject({ modelId, edition: 'Contractor', thresholdDays: 60, active: true });
    const models = await h.api('GET', `${base}/software-models`);
    expect(models.body.items.map((m: { edition: string }) => m.edition)).toEqual(['Contractor', 'Guest', 'Member', 'View-only member']);
    const pia = await h.api('GET', `${base}/subscriptions?userGid=1016`);
    expect(pia.body.items[0]).toMatchObject({ modelId, model: 'Contractor' });
    expect(await unrecognized()).toEqual([]);
  });

  it('two simultaneous mappings of one identifier: one wins, the other is a 409 that left nothing behind', async () => {
    // Several rounds, so the loser arrives at each point of the winner's transaction at least once.
    for (let round = 0; round < 8; round++) {
      const identifier = `racer_${round}`;
      await h.db.query(
        `INSERT INTO subscriptions (profile_id, user_gid, name, email, identifier)
         VALUES ($1, $2, 'Una', 'una@example.com', $4), ($1, $3, 'Vic', 'vic@example.com', $4)`,
        [s.profileId, `20${round}0`, `20${round}1`, identifier],
      );
      const [a, b] = await Promise.all([
        h.api('POST', mapping(identifier), { edition: `Racer ${round} A` }),
        h.api('POST', mapping(identifier), { edition: `Racer ${round} B` }),
      ]);
      expect([a.status, b.status].sort(), `${a.text} ${b.text}`).toEqual([201, 409]);
      const [winner, loser] = a.status === 201 ? [a, b] : [b, a];
      expect(winner.body.relinkedSubscriptions).toBe(2);
      expect(loser.body.detail).toMatch(new RegExp(`"${identifier}" (is already mapped|or the edition was just mapped)`));
      const created = await h.db.query<{ edition: string }>(
        'SELECT m.edition FROM software_models m JOIN reclamation_rules r ON r.model_id = m.id WHERE m.profile_id = $1 AND m.edition LIKE $2',
        [s.profileId, `Racer ${round} %`],
      );
      expect(created.map((e) => e.edition)).toEqual([winner.body.model.edition]);
    }
  });

  it('an identifier with unusual characters round-trips through the path', async () => {
    await h.db.query(
      "INSERT INTO subscriptions (profile_id, user_gid, name, email, identifier) VALUES ($1, '1099', 'Zed', 'zed@example.com', 'team lead/beta')",
      [s.profileId],
    );
    expect(await unrecognized()).toEqual(['team lead/beta']);
    const res = await h.api('POST', mapping('team lead/beta'), { modelId: s.models.member });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ identifier: 'team lead/beta', relinkedSubscriptions: 1 });
    expect(await unrecognized()).toEqual([]);
  });
});
