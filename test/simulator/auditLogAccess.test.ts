import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@licence-manager/asana-simulator';
import { api, control, oauthLogin, start, type AnyJson, type ApiResponse } from './helpers';

/**
 * Asana's rule for the audit log API: Enterprise and Enterprise+ organizations only (402 otherwise), and only a
 * Service Account's token (403 for OAuth access tokens and personal access tokens). The scenario's `auditLog`
 * mode is checked before both.
 */

const SCENARIO = { seed: 13, members: 20, guests: 2, viewOnly: 1, admins: 2, days: 30 };
const NOT_A_SERVICE_ACCOUNT =
  /^Only Service Accounts in Enterprise Domains can access audit log API endpoints\. Authentication with a Service Account's personal access token is required; /;

describe('audit log access: tier and token kind', () => {
  let s: RunningSimulator;
  beforeAll(async () => {
    s = await start({ scenario: SCENARIO });
  });
  afterAll(() => s.close());

  const auditLog = (token: string): Promise<ApiResponse<AnyJson>> => api(s.url, token, `/workspaces/${s.sim.org.workspace.gid}/audit_log_events?limit=10`);

  async function serviceAccountToken(): Promise<string> {
    const res = await control(s.url, 'POST', '/service-accounts', {});
    expect(res.status).toBe(201);
    return res.body.token as string;
  }

  async function personalAccessToken(): Promise<string> {
    const res = await control(s.url, 'POST', '/tokens', {});
    expect(res.status).toBe(200);
    return res.body.accessToken as string;
  }

  async function load(scenario: Record<string, unknown>): Promise<void> {
    expect((await control(s.url, 'POST', '/scenario', { ...SCENARIO, ...scenario })).status).toBe(200);
  }

  it('defaults to the enterprise_plus tier, shown in the state', async () => {
    const state = (await control(s.url, 'GET', '/state')).body;
    expect(state.workspace.tier).toBe('enterprise_plus');
    expect(state.scenario.tier).toBe('enterprise_plus');
  });

  it('refuses an admin\'s OAuth access token with 403, naming the token kind', async () => {
    const oauth = (await oauthLogin(s.url)).accessToken;
    expect((await api(s.url, oauth, '/users/me')).status).toBe(200);
    const res = await auditLog(oauth);
    expect(res.status).toBe(403);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].message).toMatch(NOT_A_SERVICE_ACCOUNT);
    expect(res.body.errors[0].message).toMatch(/this request used an OAuth access token\.$/);
  });

  it('refuses a personal access token with 403, an admin\'s as a guest\'s', async () => {
    const res = await auditLog(await personalAccessToken());
    expect(res.status).toBe(403);
    expect(res.body.errors[0].message).toMatch(NOT_A_SERVICE_ACCOUNT);
    expect(res.body.errors[0].message).toMatch(/this request used a personal access token\.$/);
    const guest = s.sim.state().members.find((m) => m.isGuest);
    const guestRes = await auditLog(s.sim.issueToken({ userGid: guest?.gid }).accessToken);
    expect(guestRes.status).toBe(403);
    expect(guestRes.body.errors[0].message).toMatch(/personal access token/);
  });

  it('answers a Service Account\'s token on enterprise_plus and on enterprise', async () => {
    const res = await auditLog(await serviceAccountToken());
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(10);
    expect(res.body.next_page).not.toBeNull();

    await load({ tier: 'enterprise' });
    const enterprise = await auditLog(await serviceAccountToken());
    expect(enterprise.status).toBe(200);
    expect(enterprise.body.data.length).toBeGreaterThan(0);
  });

  it('answers 402 on every lower tier, naming it, whatever the token', async () => {
    for (const [tier, name] of [['advanced', 'Advanced'], ['starter', 'Starter'], ['personal', 'Personal']] as const) {
      await load({ tier });
      expect(s.sim.state().workspace.tier).toBe(tier);
      const message = `The audit log API is available on Enterprise and Enterprise+ only; this organization is on ${name}.`;
      const viaServiceAccount = await auditLog(await serviceAccountToken());
      expect(viaServiceAccount.status, tier).toBe(402);
      expect(viaServiceAccount.body.errors[0].message).toBe(message);
      // The tier is checked before the token kind: a wrong token on a lower tier is told about the tier.
      const viaPat = await auditLog(await personalAccessToken());
      expect(viaPat.status, tier).toBe(402);
      expect(viaPat.body.errors[0].message).toBe(message);
    }
    const viaOauth = await auditLog((await oauthLogin(s.url)).accessToken);
    expect(viaOauth.status).toBe(402);
    expect(viaOauth.body.errors[0].message).toMatch(/this organization is on Personal\.$/);
  });

  it('checks the auditLog mode before the tier and the token', async () => {
    await load({ tier: 'advanced', auditLog: 'forbidden' });
    const forbidden = await auditLog(await serviceAccountToken());
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors[0].message).not.toMatch(/Enterprise and Enterprise\+ only|Only Service Accounts/);

    await load({ tier: 'advanced', auditLog: 'payment_required' });
    const unpaid = await auditLog(await personalAccessToken());
    expect(unpaid.status).toBe(402);
    expect(unpaid.body.errors[0].message).toMatch(/not included in this organization's plan/);

    await load({ auditLog: 'payment_required' });
    const unpaidPlus = await auditLog((await oauthLogin(s.url)).accessToken);
    expect(unpaidPlus.status).toBe(402);
    expect(unpaidPlus.body.errors[0].message).toMatch(/not included in this organization's plan/);
  });

  it('refuses an unknown tier, naming the field', async () => {
    const res = await control(s.url, 'POST', '/scenario', { ...SCENARIO, tier: 'premium' });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('tier');
  });
});
