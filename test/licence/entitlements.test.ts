import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile, runJob } from '../support/runs';
import { expectProblem, fieldsOf } from '../lists/problems';
import { allItems } from './support';

let h: Harness;
let base: string;
let member: string;
let guest: string;
let otherModel: string;

beforeAll(async () => {
  h = await startHarness({ scenario: { seed: 3, members: 12, guests: 3, viewOnly: 2, admins: 1, days: 30 } });
  const profileId = await readyProfile(h, { downloadActivity: false });
  const download = await runJob(h, profileId, 'download');
  expect(download.ok, String((download as { error?: unknown }).error)).toBe(true);
  base = `/api/profiles/${profileId}`;
  const models = await allItems<{ id: string; edition: string }>(h, `${base}/software-models`);
  member = models.find((m) => m.edition === 'Member')!.id;
  guest = models.find((m) => m.edition === 'Guest')!.id;

  // A model of another profile: as unknown here as a made-up ID.
  const other = await h.api('POST', '/api/profiles', { displayName: 'Other' });
  otherModel = crypto.randomUUID();
  await h.db.query("INSERT INTO software_models (id, profile_id, edition) VALUES ($1, $2, 'Member')", [otherModel, other.body.id]);
});
afterAll(async () => h?.close());

const valid = () => ({ modelId: member, quantity: 25, unitPrice: 10.5, currency: 'EUR', termStart: '2025-01-01', termEnd: '2025-12-31' });
const snapshot = async () => JSON.stringify(await h.db.query('SELECT * FROM entitlements ORDER BY id'));

describe('entitlements', () => {
  it('are created, read, listed, changed and deleted', async () => {
    const created = await h.api('POST', `${base}/entitlements`, valid());
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`${base}/entitlements/${id}`);
    expect(created.body).toMatchObject({ modelId: member, edition: 'Member', quantity: 25, unitPrice: '10.50', currency: 'EUR', termStart: '2025-01-01', termEnd: '2025-12-31', current: false });

    expect((await h.api('GET', `${base}/entitlements/${id}`)).body).toEqual(created.body);
    const second = await h.api('POST', `${base}/entitlements`, { ...valid(), modelId: guest, quantity: 0, unitPrice: 0, currency: 'USD', termStart: '2020-02-29', termEnd: '2099-01-01' });
    expect(second.status, second.text).toBe(201);
    expect(second.body).toMatchObject({ quantity: 0, unitPrice: '0.00', current: true });

    const list = await h.api('GET', `${base}/entitlements`);
    expect(list.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(list.body.items.map((e: { edition: string }) => e.edition)).toEqual(['Guest', 'Member']);
    expect((await h.api('GET', `${base}/entitlements?modelId=${member}`)).body.items.map((e: { id: string }) => e.id)).toEqual([id]);

    const patched = await h.api('PATCH', `${base}/entitlements/${id}`, { quantity: 30, unitPrice: 11, termEnd: '2026-06-30' });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ id, quantity: 30, unitPrice: '11.00', currency: 'EUR', termStart: '2025-01-01', termEnd: '2026-06-30' });
    // The only entitlement of a model may change its currency.
    expect((await h.api('PATCH', `${base}/entitlements/${id}`, { currency: 'GBP' })).body.currency).toBe('GBP');

    expect((await h.api('DELETE', `${base}/entitlements/${id}`)).status).toBe(204);
    expectProblem(await h.api('GET', `${base}/entitlements/${id}`), 404, new RegExp(`Entitlement ${id}`));
    expectProblem(await h.api('DELETE', `${base}/entitlements/${id}`), 404, /Entitlement/);
    expect((await h.api('DELETE', `${base}/entitlements/${second.body.id}`)).status).toBe(204);
  });

  it('refuse negative quantities and prices, impossible terms and malformed fields with a 400 naming the field', async () => {
    const before = await snapshot();
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ quantity: -1 }, 'quantity', /quantity: must not be negative/],
      [{ quantity: 2.5 }, 'quantity', /quantity: must be a whole number/],
      [{ unitPrice: -0.01 }, 'unitPrice', /unitPrice: must not be negative/],
      [{ unitPrice: 1.005 }, 'unitPrice', /unitPrice: must have at most two decimals/],
      [{ unitPrice: '10' }, 'unitPrice', /unitPrice: must be a number/],
      [{ termEnd: '2024-12-31' }, 'termEnd', /termEnd: must be after termStart \(2025-01-01\)/],
      [{ termEnd: '2025-01-01' }, 'termEnd', /termEnd: must be after termStart/],
      [{ termStart: '2025-02-30' }, 'termStart', /termStart: must be a calendar date/],
      [{ currency: 'eur' }, 'currency', /currency: must be an ISO 4217 code/],
      [{ currency: 'EURO' }, 'currency', /currency/],
      [{ modelId: 'member' }, 'modelId', /modelId: must be a software model ID/],
      [{ seats: 3 }, '', /seats/],
    ];
    for (const [change, field, detail] of cases) {
      const res = await h.api('POST', `${base}/entitlements`, { ...valid(), ...change });
      expectProblem(res, 400, detail);
      if (field) expect(fieldsOf(res)).toEqual([field]);
    }
    const { quantity: _q, ...missing } = valid();
    expect(fieldsOf(await h.api('POST', `${base}/entitlements`, missing))).toEqual(['quantity']);
    expect(await snapshot()).toBe(before);
  });

  it('give a model one currency: a second one is a 409 naming the currency the model uses', async () => {
    const first = await h.api('POST', `${base}/entitlements`, valid());
    expect(first.status).toBe(201);
    const second = await h.api('POST', `${base}/entitlements`, { ...valid(), quantity: 5 });
    expect(second.status).toBe(201);
    const before = await snapshot();

    const res = await h.api('POST', `${base}/entitlements`, { ...valid(), currency: 'USD' });
    expectProblem(res, 409, /"Member" uses EUR/);
    expect(res.body.currency).toBe('EUR');
    // Changing one of two entitlements to another currency, or moving one to a model in another currency.
    expectProblem(await h.api('PATCH', `${base}/entitlements/${second.body.id}`, { currency: 'USD' }), 409, /uses EUR/);
    const guestUsd = await h.api('POST', `${base}/entitlements`, { ...valid(), modelId: guest, currency: 'USD' });
    expect(guestUsd.status).toBe(201);
    const withGuest = await snapshot();
    expectProblem(await h.api('PATCH', `${base}/entitlements/${second.body.id}`, { modelId: guest }), 409, /"Guest" uses USD/);
    expect(await snapshot()).toBe(withGuest);

    // Concurrent requests in two currencies on a model without entitlements: exactly one wins.
    const viewOnly = (await allItems<{ id: string; edition: string }>(h, `${base}/software-models`)).find((m) => m.edition === 'View-only member')!.id;
    const racing = await Promise.all(['EUR', 'USD', 'GBP', 'CHF'].map((currency) => h.api('POST', `${base}/entitlements`, { ...valid(), modelId: viewOnly, currency })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);

    await h.db.query('DELETE FROM entitlements WHERE id = ANY($1)', [[guestUsd.body.id, ...racing.filter((r) => r.status === 201).map((r) => r.body.id)]]);
    expect(await snapshot()).toBe(before);
  });

  it('answer 404 for an unknown or foreign model, entitlement or profile, and 400 for a term a change makes impossible', async () => {
    const existing = (await allItems<{ id: string }>(h, `${base}/entitlements`))[0]!.id;
    const before = await snapshot();
    expectProblem(await h.api('POST', `${base}/entitlements`, { ...valid(), modelId: otherModel }), 404, new RegExp(`Software model ${otherModel} of this profile does not exist`));
    expectProblem(await h.api('POST', `${base}/entitlements`, { ...valid(), modelId: crypto.randomUUID() }), 404, /Software model/);
    expectProblem(await h.api('PATCH', `${base}/entitlements/${existing}`, { modelId: otherModel }), 404, /Software model/);
    expectProblem(await h.api('PATCH', `${base}/entitlements/${crypto.randomUUID()}`, { quantity: 1 }), 404, /Entitlement/);
    expectProblem(await h.api('PATCH', `${base}/entitlements/not-a-uuid`, { quantity: 1 }), 404, /Entitlement not-a-uuid/);
    expectProblem(await h.api('POST', `/api/profiles/${crypto.randomUUID()}/entitlements`, valid()), 404, /Profile/);
    expectProblem(await h.api('GET', `/api/profiles/${crypto.randomUUID()}/entitlements`), 404, /Profile/);

    const late = await h.api('PATCH', `${base}/entitlements/${existing}`, { termStart: '2026-01-01' });
    expectProblem(late, 400, /termStart: must be before termEnd \(2025-12-31\)/);
    expect(fieldsOf(late)).toEqual(['termStart']);
    expect(fieldsOf(await h.api('PATCH', `${base}/entitlements/${existing}`, { termEnd: '2024-06-30' }))).toEqual(['termEnd']);
    expect(fieldsOf(await h.api('PATCH', `${base}/entitlements/${existing}`, { quantity: -3 }))).toEqual(['quantity']);
    expectProblem(await h.api('PATCH', `${base}/entitlements/${existing}`, { edition: 'x' }), 400, /edition/);
    expect(await snapshot()).toBe(before);
  });
});
