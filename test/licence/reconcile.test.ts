import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { jobResults, readyProfile, runJob, simMembers } from '../support/runs';
import { allItems } from './support';

const DAY = 86_400_000;
// Two licence types (members and guests), no view-only: two software models.
const scenario = { seed: 11, members: 70, guests: 24, viewOnly: 0, admins: 2, inactiveShare: 0.35, recentlyCreatedShare: 0.05, eventsPerUserPerDay: 1, days: 90, deactivatedMembers: 1 };
const OPEN = ['ready', 'attention_required', 'awaiting_user', 'awaiting_approval'];
const BUCKETS = ['0-30', '30-60', '60-90', '90+', 'never'] as const;

interface Sub {
  userGid: string;
  email: string;
  identifier: string;
  modelId: string | null;
  lastActivityAt: string | null;
}
interface Candidate {
  userGid: string;
  modelId: string | null;
  state: string;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario });
});
afterAll(async () => h?.close());

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Cents as "12.34". */
const money = (cents: number) => (cents / 100).toFixed(2);

function expectRun(run: { ok: boolean; error?: unknown }) {
  expect(run.ok, String(run.error)).toBe(true);
}

describe('the reconciliation run', () => {
  it('answers 404 for an unknown profile and an empty position before any reconciliation', async () => {
    const unknown = await h.api('GET', '/api/profiles/00000000-0000-4000-8000-000000000000/license-position');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const created = await h.api('POST', '/api/profiles', { displayName: 'Not reconciled yet' });
    const empty = await h.api('GET', `/api/profiles/${created.body.id}/license-position`);
    expect(empty.status, empty.text).toBe(200);
    expect(empty.body).toEqual({ computedAt: null, jobId: null, models: [], totals: {}, history: [] });
    const bad = await h.api('GET', `/api/profiles/${created.body.id}/license-position?historyLimit=0`);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/historyLimit/);
  });

  it('computes owned, used, positions, prices, costs, savings and the activity spread of each model', async () => {
    // Reclaim on, with a small cap: some candidates end closed_complete (actual savings), the rest stay ready.
    const profileId = await readyProfile(h, { reclaimSubscriptions: true, reclaimCapPercent: 5 });
    const base = `/api/profiles/${profileId}`;
    expectRun(await runJob(h, profileId, 'download'));
    const activity = await runJob(h, profileId, 'activity');
    expectRun(activity);
    await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).result();

    const models = await allItems<{ id: string; edition: string }>(h, `${base}/software-models`);
    expect(models.map((m) => m.edition)).toEqual(['Guest', 'Member']);
    const guest = models[0]!.id;
    const member = models[1]!.id;

    // Entitlements. Member: two current ones at different prices (the weighted average) and an expired
    // one that would make it over-licensed if it counted. Guest: a current one and one not started yet.
    const now = Date.now();
    const entitlements = [
      { modelId: member, quantity: 10, unitPrice: 12.5, currency: 'EUR', termStart: isoDate(now - 100 * DAY), termEnd: isoDate(now + 265 * DAY) },
      { modelId: member, quantity: 5, unitPrice: 9.99, currency: 'EUR', termStart: isoDate(now - 10 * DAY), termEnd: isoDate(now + 355 * DAY) },
      { modelId: member, quantity: 500, unitPrice: 1, currency: 'EUR', termStart: isoDate(now - 500 * DAY), termEnd: isoDate(now - 135 * DAY) },
      { modelId: guest, quantity: 40, unitPrice: 7.25, currency: 'USD', termStart: isoDate(now - 30 * DAY), termEnd: isoDate(now + 335 * DAY) },
      { modelId: guest, quantity: 100, unitPrice: 7.25, currency: 'USD', termStart: isoDate(now + 30 * DAY), termEnd: isoDate(now + 395 * DAY) },
    ];
    for (const e of entitlements) {
      const res = await h.api('POST', `${base}/entitlements`, e);
      expect(res.status, res.text).toBe(201);
    }
    const listed = await allItems<{ current: boolean }>(h, `${base}/entitlements`);
    expect(listed.map((e) => e.current).filter(Boolean)).toHaveLength(3);

    // Exclusions: an active member by gid, a guest by e-mail (in other letter case); an inactive
    // identifier exclusion of every guest, which must not count.
    const active = await allItems<Sub>(h, `${base}/subscriptions?status=active`);
    const excludedMember = active.find((s) => s.identifier === 'member' && s.lastActivityAt !== null)!;
    const excludedGuest = active.find((s) => s.identifier === 'guest')!;
    expect((await h.api('POST', `${base}/exclusion-rules/users`, { userGid: excludedMember.userGid, reason: 'CEO' })).status).toBe(201);
    expect((await h.api('POST', `${base}/exclusion-rules/users`, { email: excludedGuest.email.toUpperCase() })).status).toBe(201);
    expect((await h.api('POST', `${base}/exclusion-rules/identifiers`, { identifier: 'guest', active: false })).status).toBe(201);

    // The audit log reaches back 60 days only; two older last activities (as a longer window would have
    // read) fill the 60-90 and 90+ buckets.
    const members = active.filter((s) => s.identifier === 'member' && s.userGid !== excludedMember.userGid && s.lastActivityAt !== null);
    await h.db.query('UPDATE user_activity SET last_activity_at = $3 WHERE profile_id = $1 AND user_gid = $2', [profileId, members[0]!.userGid, new Date(now - 75 * DAY)]);
    await h.db.query('UPDATE user_activity SET last_activity_at = $3 WHERE profile_id = $1 AND user_gid = $2', [profileId, members[1]!.userGid, new Date(now - 120 * DAY)]);

    const reconcile = await runJob(h, profileId, 'reconcile');
    expectRun(reconcile);
    expect(reconcile.ok && reconcile.result).toEqual({ models: 2, underLicensed: 1, overLicensed: 1, compliant: 1 });

    const position = await h.api('GET', `${base}/license-position`);
    expect(position.status, position.text).toBe(200);
    const computedAt = Date.parse(position.body.computedAt);
    expect(Math.abs(computedAt - Date.now())).toBeLessThan(60_000);

    // By hand, from the simulator and the API lists.
    const subs = await allItems<Sub>(h, `${base}/subscriptions?status=active`);
    const sim = (await simMembers(h)).filter((m) => m.isActive && !m.removedAt);
    expect(subs.map((s) => s.userGid).sort()).toEqual(sim.map((m) => m.gid).sort());
    const simIdentifier = new Map(sim.map((m) => [m.gid, m.isGuest ? 'guest' : 'member']));
    for (const s of subs) expect(s.identifier).toBe(simIdentifier.get(s.userGid));
    const candidates = await allItems<Candidate>(h, `${base}/removal-candidates`);

    const excluded = (s: Sub) => s.userGid === excludedMember.userGid || s.email.toLowerCase() === excludedGuest.email.toLowerCase();
    // A model that costs nothing (guests are free in Asana organizations) is never short and saves nothing.
    const expected = (modelId: string, owned: number, valueCents: number, currency: string, billable: boolean) => {
      const usedSubs = subs.filter((s) => s.modelId === modelId && !excluded(s));
      const used = usedSubs.length;
      const available = Math.max(owned - used, 0);
      const shortfall = billable ? Math.max(used - owned, 0) : 0;
      const amount = (seats: number) => money(Math.round((seats * valueCents) / owned));
      const open = candidates.filter((c) => c.modelId === modelId && OPEN.includes(c.state)).length;
      const reclaimed = candidates.filter((c) => c.modelId === modelId && c.state === 'closed_complete').length;
      const spread = Object.fromEntries(BUCKETS.map((b) => [b, 0])) as Record<(typeof BUCKETS)[number], number>;
      for (const s of usedSubs) {
        const idle = s.lastActivityAt === null ? null : (computedAt - Date.parse(s.lastActivityAt)) / DAY;
        spread[idle === null ? 'never' : idle < 30 ? '0-30' : idle < 60 ? '30-60' : idle < 90 ? '60-90' : '90+'] += 1;
      }
      const position = shortfall > 0 ? 'under_licensed' : available > 0 ? 'over_licensed' : 'compliant';
      return {
        modelId,
        billable,
        currency,
        rightsOwned: owned,
        used,
        available,
        shortfall,
        position,
        compliant: position !== 'under_licensed',
        averageUnitPrice: (valueCents / owned / 100).toFixed(4),
        trueUpCost: amount(shortfall),
        overLicensedAmount: amount(available),
        openCandidates: open,
        reclaimed,
        potentialSavings: billable ? amount(open) : '0.00',
        actualSavings: billable ? amount(reclaimed) : '0.00',
        activitySpread: spread,
      };
    };
    const expectedGuest = { edition: 'Guest', ...expected(guest, 40, 40 * 725, 'USD', false) };
    const expectedMember = { edition: 'Member', ...expected(member, 15, 10 * 1250 + 5 * 999, 'EUR', true) };
    expect(position.body.models).toEqual([expectedGuest, expectedMember]);

    // The scenario makes the figures meaningful: each position as intended, every kind of amount non-zero.
    expect(expectedMember).toMatchObject({ position: 'under_licensed', compliant: false, averageUnitPrice: '11.6633', overLicensedAmount: '0.00' });
    expect(expectedGuest).toMatchObject({ position: 'over_licensed', compliant: true, averageUnitPrice: '7.2500', trueUpCost: '0.00' });
    expect(expectedMember.openCandidates + expectedGuest.openCandidates).toBeGreaterThan(0);
    expect(expectedMember.reclaimed + expectedGuest.reclaimed).toBeGreaterThan(0);
    expect(expectedMember.activitySpread['60-90']).toBeGreaterThanOrEqual(1);
    expect(expectedMember.activitySpread['90+']).toBeGreaterThanOrEqual(1);
    expect(expectedMember.activitySpread.never + expectedGuest.activitySpread.never).toBeGreaterThan(0);
    // The exclusions took one seat from each model.
    expect(expectedMember.used).toBe(subs.filter((s) => s.modelId === member).length - 1);
    expect(expectedGuest.used).toBe(subs.filter((s) => s.modelId === guest).length - 1);

    const totals = (m: typeof expectedGuest) => ({
      models: 1,
      rightsOwned: m.rightsOwned,
      used: m.used,
      available: m.available,
      shortfall: m.shortfall,
      trueUpCost: m.trueUpCost,
      overLicensedAmount: m.overLicensedAmount,
      potentialSavings: m.potentialSavings,
      actualSavings: m.actualSavings,
    });
    expect(position.body.totals).toEqual({ EUR: totals(expectedMember), USD: totals(expectedGuest) });

    const [result] = await jobResults(h, profileId, 'reconcile');
    expect(result).toMatchObject({ status: 'succeeded', trigger: 'on_demand', counts: { models: 2, underLicensed: 1, overLicensed: 1, compliant: 1 }, error: null });
    expect(position.body.jobId).toBe((await h.api('GET', `${base}/job-results?kind=reconcile`)).body.items[0].id);
    expect(position.body.history).toEqual([
      { computedAt: position.body.computedAt, jobId: position.body.jobId, models: 2, underLicensed: 1, overLicensed: 1, compliant: 1, totals: position.body.totals },
    ]);

    // A second reconciliation, after buying enough member seats: a new time, the first one kept in the history.
    const bought = await h.api('POST', `${base}/entitlements`, { ...entitlements[0], quantity: 200 });
    expect(bought.status, bought.text).toBe(201);
    expectRun(await runJob(h, profileId, 'reconcile'));
    const second = await h.api('GET', `${base}/license-position`);
    expect(second.body.history).toHaveLength(2);
    const [newest, first] = second.body.history;
    expect(newest).toMatchObject({ computedAt: second.body.computedAt, jobId: second.body.jobId, models: 2, underLicensed: 0, overLicensed: 2, compliant: 2 });
    expect(first).toEqual(position.body.history[0]);
    expect(Date.parse(newest.computedAt)).toBeGreaterThan(computedAt);
    expect(newest.jobId).not.toBe(first.jobId);
    expect(second.body.models.find((m: { modelId: string }) => m.modelId === member)).toMatchObject({ rightsOwned: 215, position: 'over_licensed', compliant: true, trueUpCost: '0.00' });
    // Capped history: the newest only.
    const capped = await h.api('GET', `${base}/license-position?historyLimit=1`);
    expect(capped.body.history).toEqual([newest]);
    const jobs = await jobResults(h, profileId, 'reconcile');
    expect(jobs.map((j) => [j.status, j.counts])).toEqual([
      ['succeeded', { models: 2, underLicensed: 0, overLicensed: 2, compliant: 2 }],
      ['succeeded', { models: 2, underLicensed: 1, overLicensed: 1, compliant: 1 }],
    ]);
  });
});
