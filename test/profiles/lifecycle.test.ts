import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleNotFoundError } from '@temporalio/client';
import { startHarness, type Harness } from '../support/harness';
import { historyText } from '../support/history';
import { openConnectionSecrets } from '../../src/store/profiles';
import { scheduleId, type ScheduleKind } from '../../src/profiles/types';

let h: Harness;
const responses: string[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  h = await startHarness({ logLines, scenario: { seed: 11, members: 30, guests: 3, viewOnly: 2, admins: 2, isOrganization: true, auditLog: 'enabled' } });
});
afterAll(async () => h?.close());

async function call(method: string, path: string, body?: unknown) {
  const res = await h.api(method, path, body);
  responses.push(res.text);
  return res;
}

async function scheduleExists(profileId: string, kind: ScheduleKind): Promise<boolean> {
  try {
    await h.temporal.schedule.getHandle(scheduleId(profileId, kind)).describe();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

async function createProfile(extra: Record<string, unknown> = {}) {
  const res = await call('POST', '/api/profiles', {
    displayName: 'Acme Asana',
    connection: { clientId: h.app.clientId, clientSecret: h.app.clientSecret },
    ...extra,
  });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; status: string; options: Record<string, unknown> };
}

describe('profile lifecycle through the API', () => {
  it('goes create → authorize → validate → publish → clear downloadActivity → validate → publish → unpublish', async () => {
    const profile = await createProfile();
    expect(profile.status).toBe('draft');
    expect(profile).toMatchObject({ profileType: 'Asana Subscription', options: { downloadSubscriptions: true, downloadActivity: true, reclaimSubscriptions: true } });

    const authorized = await h.authorize(profile.id);
    responses.push(authorized.text);
    expect(authorized.status, authorized.text).toBe(200);
    const afterAuth = await call('GET', `/api/profiles/${profile.id}`);
    expect(afterAuth.body.connection).toMatchObject({ authorized: true, clientSecretSet: true });

    const validated = await call('POST', `/api/profiles/${profile.id}/validate`);
    expect(validated.status, validated.text).toBe(200);
    expect(validated.body.validation.passed).toBe(true);
    const names = validated.body.validation.checks.map((c: { name: string; passed: boolean }) => [c.name, c.passed]);
    // A person's OAuth grant (no Service Account token): activity comes from stories, which every plan gives.
    expect(names).toEqual([['organization', true], ['admin', true], ['memberships', true], ['stories', true]]);
    expect(new Set(validated.body.validation.checks.map((c: { api: string }) => c.api))).toEqual(new Set(['Download Subscriptions', 'Calculate Activity']));

    const published = await call('POST', `/api/profiles/${profile.id}/publish`);
    expect(published.status, published.text).toBe(200);
    expect(published.body.status).toBe('published');
    for (const kind of ['download', 'activity', 'reconcile'] as const) expect(await scheduleExists(profile.id, kind)).toBe(true);
    const jobs = await call('GET', `/api/profiles/${profile.id}/scheduled-jobs`);
    expect(jobs.body.items.map((j: { kind: string }) => j.kind)).toEqual(['download', 'activity', 'reconcile']);
    expect(jobs.body.items[0].nextRuns.length).toBeGreaterThan(0);

    const cleared = await call('PATCH', `/api/profiles/${profile.id}`, { options: { downloadActivity: false } });
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.body.status).toBe('draft');
    expect(cleared.body.options.downloadActivity).toBe(false);
    expect(await scheduleExists(profile.id, 'activity')).toBe(false);
    expect(await scheduleExists(profile.id, 'download')).toBe(true);
    const stale = await call('POST', `/api/profiles/${profile.id}/publish`);
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toMatch(/validate again/);

    const revalidated = await call('POST', `/api/profiles/${profile.id}/validate`);
    expect(revalidated.body.validation.passed).toBe(true);
    expect(revalidated.body.validation.checks.map((c: { name: string }) => c.name)).toEqual(['organization', 'admin', 'memberships']);
    const republished = await call('POST', `/api/profiles/${profile.id}/publish`);
    expect(republished.body.status).toBe('published');
    expect(await scheduleExists(profile.id, 'download')).toBe(true);
    expect(await scheduleExists(profile.id, 'reconcile')).toBe(true);
    expect(await scheduleExists(profile.id, 'activity')).toBe(false);

    const unpublished = await call('POST', `/api/profiles/${profile.id}/unpublish`);
    expect(unpublished.status).toBe(200);
    expect(unpublished.body.status).toBe('draft');
    for (const kind of ['download', 'activity', 'reconcile'] as const) expect(await scheduleExists(profile.id, kind)).toBe(false);
    expect((await call('GET', `/api/profiles/${profile.id}/scheduled-jobs`)).body.items).toEqual([]);

    // Secrets: neither the workflow's history nor any API response carries the client secret or a token.
    const secrets = await openConnectionSecrets(h.db, h.box, profile.id);
    expect(secrets?.accessToken).toBeTruthy();
    const history = historyText(await h.temporal.workflow.getHandle(`profile/${profile.id}`).fetchHistory());
    // The decoded history does hold the profile's (non-secret) state, so the search below is meaningful.
    expect(history).toContain(profile.options.analyzeActivityFrom as string);
    expect(history).toContain('"passed":true');
    // The service logged at debug level throughout (SQL included), so the logs are there to search too.
    expect(logLines.length).toBeGreaterThan(50);
    expect(logLines.some((l) => l.includes('"sql"'))).toBe(true);
    const everything = [history, ...responses, ...logLines].join('\n');
    for (const secret of [h.app.clientSecret, secrets!.accessToken!, secrets!.refreshToken!]) {
      expect(everything.includes(secret)).toBe(false);
    }
    // The secret is sealed at rest.
    const raw = await h.db.query<{ client_secret_sealed: string; access_token_sealed: string }>('SELECT * FROM connections WHERE profile_id = $1', [profile.id]);
    expect(raw[0]!.client_secret_sealed).not.toContain(h.app.clientSecret);
    expect(raw[0]!.access_token_sealed).not.toContain(secrets!.accessToken!);
  });
});

describe('validation failures say what is wrong', () => {
  it('fails the organization check for a workspace that is not an organization', async () => {
    await h.simControl('POST', '/_sim/scenario', { seed: 12, members: 10, admins: 1, isOrganization: false, auditLog: 'enabled' });
    const profile = await createProfile();
    expect((await h.authorize(profile.id)).status).toBe(200);
    const res = await call('POST', `/api/profiles/${profile.id}/validate`);
    expect(res.body.validation.passed).toBe(false);
    const check = res.body.validation.checks.find((c: { name: string }) => c.name === 'organization');
    expect(check).toMatchObject({ passed: false });
    expect(check.message).toMatch(/not an organization/);
    expect(check.remedy).toMatch(/organization/);
    expect((await call('POST', `/api/profiles/${profile.id}/publish`)).status).toBe(409);
  });

  it('fails the admin check when the authorizing user is not an admin', async () => {
    await h.simControl('POST', '/_sim/scenario', { seed: 13, members: 10, admins: 1, isOrganization: true, auditLog: 'enabled' });
    const state = await h.simControl('GET', '/_sim/state');
    const member = state.members.find((m: { isAdmin: boolean; isGuest: boolean }) => !m.isAdmin && !m.isGuest);
    await h.simControl('POST', '/_sim/authorize-as', { userGid: member.gid });
    const profile = await createProfile();
    expect((await h.authorize(profile.id)).status).toBe(200);
    const res = await call('POST', `/api/profiles/${profile.id}/validate`);
    const check = res.body.validation.checks.find((c: { name: string }) => c.name === 'admin');
    expect(check).toMatchObject({ passed: false });
    expect(check.message).toMatch(/not an admin/);
    expect(check.remedy).toMatch(/admin/);
  });

  for (const auditLog of ['payment_required', 'forbidden'] as const) {
    it(`fails the audit-log check when Asana refuses the Service Account (${auditLog}) and passes once downloadActivity is off`, async () => {
      const scenario = await h.simControl('POST', '/_sim/scenario', { seed: 14, members: 10, admins: 1, isOrganization: true, auditLog });
      await h.simControl('POST', '/_sim/authorize-as', { userGid: scenario.adminUserGid });
      const { token } = await h.simControl('POST', '/_sim/service-accounts', {});
      const profile = await createProfile({ connection: { clientId: h.app.clientId, clientSecret: h.app.clientSecret, serviceAccountToken: token } });
      expect((await h.authorize(profile.id)).status).toBe(200);
      const res = await call('POST', `/api/profiles/${profile.id}/validate`);
      expect(res.body.validation.passed).toBe(false);
      const check = res.body.validation.checks.find((c: { name: string }) => c.name === 'auditLog');
      expect(check).toMatchObject({ passed: false, api: 'Calculate Activity' });
      expect(check.message).toMatch(auditLog === 'payment_required' ? /402/ : /403/);
      expect(check.remedy).toMatch(/activitySources/);
      // Stories are read with the person's grant all the same: only the audit log fails.
      expect(res.body.validation.checks.filter((c: { passed: boolean }) => !c.passed)).toHaveLength(1);
      expect(res.body.validation.checks.find((c: { name: string }) => c.name === 'stories')?.passed).toBe(true);

      await call('PATCH', `/api/profiles/${profile.id}`, { options: { downloadActivity: false } });
      const again = await call('POST', `/api/profiles/${profile.id}/validate`);
      expect(again.body.validation.passed).toBe(true);
      expect((await call('POST', `/api/profiles/${profile.id}/publish`)).body.status).toBe('published');
      await call('POST', `/api/profiles/${profile.id}/unpublish`);
    });
  }
});
