import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberState, RunningSimulator } from '@licence-manager/asana-simulator';
import { APP, REDIRECT_URI, api, authorize, control, oauthLogin, start, type AnyJson } from './helpers';

function post(base: string, token: string, path: string, body: unknown) {
  return api(base, token, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('removeUser', () => {
  let s: RunningSimulator;
  let admin: string;
  let ws: string;
  let people: MemberState[];
  beforeAll(async () => {
    s = await start({ scenario: { seed: 9, members: 30, guests: 3, viewOnly: 2, admins: 2 } });
    admin = (await oauthLogin(s.url)).accessToken;
    ws = s.sim.org.workspace.gid;
    people = s.sim.state().members.filter((m) => !m.isAdmin);
  });
  afterAll(() => s.close());

  it('removes a member by gid: 200 {data:{}}, recorded in state, gone from listings, their token dead', async () => {
    const target = people[0] as MemberState;
    const theirToken = s.sim.issueToken({ userGid: target.gid }).accessToken;
    expect((await api(s.url, theirToken, '/users/me')).status).toBe(200);

    const before = Date.now();
    const res = await post(s.url, admin, `/workspaces/${ws}/removeUser`, { data: { user: target.gid } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: {} });

    const state = (await control(s.url, 'GET', '/state')).body;
    const removed = state.members.find((m: AnyJson) => m.gid === target.gid);
    expect(removed.removedVia).toBe('removeUser');
    expect(Date.parse(removed.removedAt)).toBeGreaterThanOrEqual(before);

    const listed = await api(s.url, admin, `/workspaces/${ws}/workspace_memberships?limit=100&opt_fields=user`);
    expect(listed.body.data.map((m: AnyJson) => m.user.gid)).not.toContain(target.gid);
    expect((await api(s.url, theirToken, '/users/me')).status).toBe(401);
    const theirs = await api(s.url, admin, `/users/${target.gid}/workspace_memberships`);
    expect(theirs.body.data).toEqual([]);

    // Asana's audit log records the deprovisioning, with the admin as actor.
    const events = await api(s.url, s.sim.createServiceAccount().token, `/workspaces/${ws}/audit_log_events?event_type=user_deprovisioned`);
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0]).toMatchObject({
      actor: { gid: state.adminUserGid },
      resource: { resource_type: 'user', gid: target.gid },
      context: { context_type: 'api', api_authentication_method: 'oauth', oauth_app_name: APP.clientId },
    });
  });

  it('accepts an email, and answers 404 for an already-removed or unknown user', async () => {
    const target = people[1] as MemberState;
    expect((await post(s.url, admin, `/workspaces/${ws}/removeUser`, { data: { user: target.email.toUpperCase() } })).status).toBe(200);
    const again = await post(s.url, admin, `/workspaces/${ws}/removeUser`, { data: { user: target.gid } });
    expect(again.status).toBe(404);
    expect(again.body.errors[0].message).toMatch(/not a member/);
    expect((await post(s.url, admin, `/workspaces/${ws}/removeUser`, { data: { user: '1999999999999999' } })).status).toBe(404);
    expect((await post(s.url, admin, `/workspaces/${ws}/removeUser`, { data: { user: 'nobody@example.com' } })).status).toBe(404);
  });

  it('validates the request and the caller', async () => {
    expect((await post(s.url, admin, `/workspaces/${ws}/removeUser`, { data: {} })).status).toBe(400);
    expect((await post(s.url, admin, `/workspaces/${ws}/removeUser`, { data: { user: 'not a gid' } })).status).toBe(400);
    expect((await post(s.url, admin, '/workspaces/1234/removeUser', { data: { user: (people[2] as MemberState).gid } })).status).toBe(404);
    const malformed = await api(s.url, admin, `/workspaces/${ws}/removeUser`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toHaveLength(1);
    const plain = s.sim.issueToken({ userGid: (people[3] as MemberState).gid }).accessToken;
    const refused = await post(s.url, plain, `/workspaces/${ws}/removeUser`, { data: { user: (people[2] as MemberState).gid } });
    expect(refused.status).toBe(403);
    expect(s.sim.state().members.find((m) => m.gid === (people[2] as MemberState).gid)?.removedAt).toBeNull();
  });

  it('lets a member leave through the control API, which also ends their grants', async () => {
    const target = people[4] as MemberState;
    const left = await control(s.url, 'DELETE', `/users/${target.gid}`);
    expect(left.body).toMatchObject({ gid: target.gid, removedVia: 'left' });
    expect((await control(s.url, 'DELETE', `/users/${target.gid}`)).status).toBe(409);
    expect((await control(s.url, 'DELETE', '/users/42')).status).toBe(404);
  });
});

describe('request log and state', () => {
  let s: RunningSimulator;
  beforeAll(async () => {
    s = await start({ scenario: { seed: 4, members: 8, guests: 1, viewOnly: 1, admins: 1 } });
  });
  afterAll(() => s.close());

  it('records every API and OAuth request without any secret', async () => {
    const since = new Date().toISOString();
    const login = await oauthLogin(s.url);
    await api(s.url, login.accessToken, '/users/me?opt_fields=email');
    await api(s.url, 'bogus-token', '/workspaces');
    await authorize(s.url, { client_id: APP.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', code: 'sneaky', client_secret: 'sneaky2' });
    await control(s.url, 'GET', '/state');

    const log = await control(s.url, 'GET', `/requests?since=${encodeURIComponent(since)}`);
    expect(log.status).toBe(200);
    const entries: AnyJson[] = log.body;
    expect(entries.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      'GET /-/oauth_authorize 302',
      'POST /-/oauth_token 200',
      'GET /api/1.0/users/me 200',
      'GET /api/1.0/workspaces 401',
      'GET /-/oauth_authorize 302',
    ]);
    const me = entries[2];
    expect(me.query).toEqual({ opt_fields: 'email' });
    expect(me.tokenHint).toBe(createHash('sha256').update(login.accessToken).digest('hex').slice(0, 8));
    expect(me.userGid).toBe(login.userGid);
    expect(me.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(me.time)).toBeGreaterThanOrEqual(Date.parse(me.startedAt));
    expect(entries[4].query).toMatchObject({ code: '[redacted]', client_secret: '[redacted]' });

    const text = JSON.stringify(log.body);
    for (const secret of [login.accessToken, login.refreshToken, APP.clientSecret, 'sneaky', 'bogus-token']) {
      expect(text).not.toContain(secret);
    }

    expect((await control(s.url, 'GET', '/requests?since=not-a-date')).status).toBe(400);
    expect((await control(s.url, 'DELETE', '/requests')).status).toBe(204);
    expect((await control(s.url, 'GET', '/requests')).body).toEqual([]);
  });

  it('shows the organization, members (with removed ones), apps and faults', async () => {
    const added = await control(s.url, 'POST', '/users', { name: 'Gina Guest', email: 'gina@partner.example', isGuest: true });
    expect(added.status).toBe(201);
    expect((await control(s.url, 'POST', '/users', { email: 'gina@partner.example' })).status).toBe(409);
    s.sim.memberLeaves(added.body.gid);
    const state = (await control(s.url, 'GET', '/state')).body;
    expect(state.workspace).toMatchObject({ gid: s.sim.org.workspace.gid, isOrganization: true, emailDomains: ['example.com'], auditLog: 'enabled', tier: 'enterprise_plus' });
    expect(state.members).toHaveLength(11);
    const gina = state.members.find((m: AnyJson) => m.gid === added.body.gid);
    expect(gina).toMatchObject({ name: 'Gina Guest', isGuest: true, isActive: true, removedVia: 'left', lastEventAt: null, lastStoryAt: null, lastAuditEventAt: null });
    expect(Object.keys(gina).sort()).toEqual(
      ['createdAt', 'email', 'gid', 'isActive', 'isAdmin', 'isGuest', 'isViewOnly', 'lastAuditEventAt', 'lastEventAt', 'lastStoryAt', 'membershipGid', 'name', 'removedAt', 'removedVia'],
    );
    expect(state.apps).toEqual([{ clientId: APP.clientId, name: APP.clientId, redirectUris: APP.redirectUris }]);
    expect(state.faults).toMatchObject({ effectiveRateLimit: null, errorRate: 0, latencyMs: 0, accessTokenTtlSeconds: 3600 });
  });

  it('answers control errors as JSON naming the problem', async () => {
    const bad = await control(s.url, 'POST', '/scenario', { members: -1, viewonly: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/members/);
    expect(bad.body.error).toMatch(/viewonly/);
    expect((await control(s.url, 'POST', '/events', { actorGid: '1' })).status).toBe(404);
    const future = await control(s.url, 'POST', '/events', { actorGid: s.sim.state().adminUserGid, createdAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.status).toBe(400);
    expect((await control(s.url, 'GET', '/nothing')).status).toBe(404);
  });
});
