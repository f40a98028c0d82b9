import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@licence-manager/asana-simulator';
import { AsanaClient } from '../../src/asana/client';
import { buildAuthorizeUrl, createPkce, exchangeCode, refreshTokens, revokeToken } from '../../src/asana/oauth';
import { APP, api, control, oauthLogin, start, walkPages } from './helpers';

const small = { members: 30, guests: 2, viewOnly: 1, admins: 1 };

describe('many organizations in one simulator', () => {
  let s: RunningSimulator;
  let a: string;
  let b: string;
  beforeAll(async () => {
    s = await start({ scenario: { seed: 1, ...small } });
    const made = await control(s.url, 'POST', '/orgs', { key: 'org-a', scenario: { seed: 2, ...small, members: 250 }, apps: [APP], faults: { rateLimitPerMinute: 5, latencyMs: 0 } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ key: 'org-a', path: '/orgs/org-a', people: 253 });
    a = `${s.url}${made.body.path}`;
    const other = await control(s.url, 'POST', '/orgs', { key: 'org-b', scenario: { seed: 3, ...small }, apps: [APP], faults: { latencyMs: 150 } });
    expect(other.status).toBe(201);
    b = `${s.url}/orgs/org-b`;
  });
  afterAll(() => s.close());

  it('lists them, keeps the root organization as it was, and refuses a bad or taken key and a bad part with nothing created', async () => {
    const list = await control(s.url, 'GET', '/orgs');
    expect(list.body.map((o: { key: string }) => o.key)).toEqual(['org-a', 'org-b']);
    expect((await control(s.url, 'POST', '/orgs', { key: 'org-a' })).status).toBe(409);
    const bad = await control(s.url, 'POST', '/orgs', { key: 'Bad Key!' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/key/);
    const badFaults = await control(s.url, 'POST', '/orgs', { key: 'org-c', faults: { latencyMs: -1 } });
    expect(badFaults.status).toBe(400);
    expect((await control(s.url, 'GET', '/orgs')).body).toHaveLength(2);
    const root = (await control(s.url, 'GET', '/state')).body;
    expect(root.members).toHaveLength(33);
    expect(root.workspace.gid).not.toBe((await control(a, 'GET', '/state')).body.workspace.gid);
    expect((await fetch(`${s.url}/orgs/nobody/api/1.0/users/me`)).status).toBe(404);
  });

  it('gives each organization its own OAuth grants and tokens: a token of one is refused by another', async () => {
    const loginA = await oauthLogin(a);
    const loginB = await oauthLogin(b);
    expect(loginA.userGid).toBe((await control(a, 'GET', '/state')).body.adminUserGid);
    expect(loginB.userGid).toBe((await control(b, 'GET', '/state')).body.adminUserGid);
    expect((await api(a, loginA.accessToken, '/users/me')).status).toBe(200);
    expect((await api(b, loginA.accessToken, '/users/me')).status).toBe(401);
    expect((await api(s.url, loginA.accessToken, '/users/me')).status).toBe(401);
    expect((await api(a, s.sim.issueToken().accessToken, '/users/me')).status).toBe(401);
    expect((await control(a, 'GET', '/state')).body.oauth).not.toEqual((await control(s.url, 'GET', '/state')).body.oauth);
  });

  it('limits and delays each organization by its own settings, and logs its requests apart (paths as Asana has them)', async () => {
    await control(a, 'DELETE', '/requests');
    await control(b, 'DELETE', '/requests');
    await control(s.url, 'DELETE', '/requests');
    const tokenA = (await control(a, 'POST', '/tokens', {})).body.accessToken as string;
    const tokenB = (await control(b, 'POST', '/tokens', {})).body.accessToken as string;
    const statusesA = [];
    for (let i = 0; i < 6; i++) statusesA.push((await api(a, tokenA, '/users/me')).status);
    expect(statusesA).toEqual([200, 200, 200, 200, 200, 429]);
    const started = performance.now();
    for (let i = 0; i < 6; i++) expect((await api(b, tokenB, '/users/me')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(6 * 150);
    const logA = (await control(a, 'GET', '/requests')).body as Array<{ path: string; status: number }>;
    const logB = (await control(b, 'GET', '/requests')).body as Array<{ path: string; status: number; tokenHint: string | null }>;
    expect(logA.map((e) => e.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(logB).toHaveLength(6);
    expect(new Set(logB.map((e) => e.path))).toEqual(new Set(['/api/1.0/users/me']));
    expect(logB[0]!.tokenHint).not.toBeNull();
    expect((await control(s.url, 'GET', '/requests')).body.filter((e: { path: string }) => e.path === '/api/1.0/users/me')).toHaveLength(0);
  });

  it('serves pages whose next_page points into the same organization, and the service client walks it from a base URL with a path', async () => {
    await control(a, 'DELETE', '/faults');
    const token = (await control(a, 'POST', '/tokens', {})).body.accessToken as string;
    const gid = (await control(a, 'GET', '/state')).body.workspace.gid as string;
    const first = await api(a, token, `/workspaces/${gid}/workspace_memberships?limit=100`);
    expect(first.body.next_page.uri).toMatch(new RegExp(`^${s.url}/orgs/org-a/api/1\\.0/workspaces/${gid}/workspace_memberships\\?`));
    expect((await walkPages(a, token, `/workspaces/${gid}/workspace_memberships?limit=100`)).items).toHaveLength(253);

    const client = new AsanaClient({ baseUrl: `${a}/`, tokens: { getAccessToken: async () => token, refreshAccessToken: async () => token } });
    let people = 0;
    for await (const page of client.workspaceMembershipPages(gid)) people += page.data.length;
    expect(people).toBe(253);
  });

  it("runs the service's OAuth code against an organization's base URL (a path after the origin)", async () => {
    const base = `${a}/`;
    const pkce = createPkce();
    const url = buildAuthorizeUrl({ baseUrl: base, clientId: APP.clientId, redirectUri: APP.redirectUris[0]!, state: 's', codeChallenge: pkce.challenge });
    expect(url.startsWith(`${a}/-/oauth_authorize?`)).toBe(true);
    const consent = await fetch(url, { redirect: 'manual' });
    const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
    const app = { baseUrl: base, clientId: APP.clientId, clientSecret: APP.clientSecret };
    const tokens = await exchangeCode({ ...app, redirectUri: APP.redirectUris[0]!, code, codeVerifier: pkce.verifier });
    expect((await api(a, tokens.accessToken, '/users/me')).status).toBe(200);
    const fresh = await refreshTokens({ ...app, refreshToken: tokens.refreshToken });
    expect((await api(a, fresh.accessToken, '/users/me')).status).toBe(200);
    await revokeToken({ ...app, token: tokens.refreshToken });
    expect((await api(a, fresh.accessToken, '/users/me')).status).toBe(401);
  });

  it('removes an organization, after which its path is unknown', async () => {
    expect((await control(s.url, 'DELETE', '/orgs/org-b')).status).toBe(204);
    expect((await fetch(`${b}/api/1.0/users/me`)).status).toBe(404);
    expect((await control(s.url, 'DELETE', '/orgs/org-b')).status).toBe(404);
  });
});
