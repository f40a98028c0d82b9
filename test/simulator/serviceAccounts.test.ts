import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@licence-manager/asana-simulator';
import { api, control, fakeClock, start, walkPages, type AnyJson } from './helpers';

/**
 * Service accounts (`POST /_sim/service-accounts`): an admin identity that holds no seat, with a token that does
 * not expire and a rate-limit budget of its own.
 */

const SCENARIO = { seed: 17, members: 24, guests: 3, viewOnly: 2, admins: 2, days: 30 };

function post(base: string, token: string, path: string, body: unknown) {
  return api(base, token, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('service accounts', () => {
  let s: RunningSimulator;
  let ws: string;
  beforeAll(async () => {
    s = await start({ scenario: SCENARIO });
    ws = s.sim.org.workspace.gid;
  });
  afterAll(() => s.close());

  it('are created over HTTP and answer GET /users/me as themselves', async () => {
    const res = await control(s.url, 'POST', '/service-accounts', { name: 'Licence Audit' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ token: expect.any(String), userGid: expect.stringMatching(/^\d{16}$/) });
    const me = await api(s.url, res.body.token, '/users/me');
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ gid: res.body.userGid, resource_type: 'user', name: 'Licence Audit' });
    const picked = await api(s.url, res.body.token, '/users/me?opt_fields=name');
    expect(picked.body.data).toEqual({ gid: res.body.userGid, name: 'Licence Audit' });

    // A name is optional; each account is a distinct identity.
    const other = await control(s.url, 'POST', '/service-accounts', {});
    expect(other.status).toBe(201);
    expect(other.body.userGid).not.toBe(res.body.userGid);
    const otherMe = await api(s.url, other.body.token, '/users/me');
    expect(otherMe.body.data.gid).toBe(other.body.userGid);
    expect(otherMe.body.data.name).toEqual(expect.any(String));
  });

  it('are not members: not in the state, the membership listing nor their own memberships', async () => {
    const before = s.sim.state().members.length;
    const { token, userGid } = s.sim.createServiceAccount({ name: 'Seatless' });
    const state = s.sim.state();
    expect(state.members).toHaveLength(before);
    expect(state.members.map((m) => m.gid)).not.toContain(userGid);

    const { items } = await walkPages(s.url, token, `/workspaces/${ws}/workspace_memberships?limit=10&opt_fields=user`);
    expect(items).toHaveLength(before);
    expect(items.map((m: AnyJson) => m.user.gid)).not.toContain(userGid);
    const mine = await api(s.url, token, '/users/me/workspace_memberships');
    expect(mine.status).toBe(200);
    expect(mine.body.data).toEqual([]);
    const filtered = await api(s.url, token, `/workspaces/${ws}/workspace_memberships?user=me`);
    expect(filtered.body.data).toEqual([]);
    // Outside the organization's people, it is not found by gid, as anyone outside would not be.
    expect((await api(s.url, s.sim.issueToken().accessToken, `/users/${userGid}`)).status).toBe(404);
  });

  it('act as admins: removeUser works, and their removals are not in the audit log', async () => {
    const { token } = s.sim.createServiceAccount();
    const target = s.sim.state().members.find((m) => !m.isAdmin && m.removedAt === null && m.isActive);
    const res = await post(s.url, token, `/workspaces/${ws}/removeUser`, { data: { user: target?.gid } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: {} });
    expect(s.sim.state().members.find((m) => m.gid === target?.gid)).toMatchObject({ removedVia: 'removeUser', removedAt: expect.any(String) });
    const events = await api(s.url, token, `/workspaces/${ws}/audit_log_events?event_type=user_deprovisioned&resource_gid=${target?.gid}`);
    expect(events.status).toBe(200);
    expect(events.body.data).toEqual([]);
  });

  it('have a rate-limit budget of their own under a rateLimitPerMinute fault', async () => {
    s.sim.setFaults({ rateLimitPerMinute: 3 });
    try {
      const pat = s.sim.issueToken().accessToken;
      for (let i = 0; i < 3; i++) expect((await api(s.url, pat, '/users/me')).status).toBe(200);
      expect((await api(s.url, pat, '/users/me')).status).toBe(429);

      // The admin's budget is spent; the service account's is not, and it runs out on its own.
      const account = s.sim.createServiceAccount().token;
      for (let i = 0; i < 3; i++) expect((await api(s.url, account, `/workspaces/${ws}/audit_log_events?limit=1`)).status).toBe(200);
      const limited = await api(s.url, account, '/users/me');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      // Another service account's budget is separate again.
      expect((await api(s.url, s.sim.createServiceAccount().token, '/users/me')).status).toBe(200);
    } finally {
      s.sim.clearFaults();
    }
  });

  it('refuses unknown fields and empty names', async () => {
    const typo = await control(s.url, 'POST', '/service-accounts', { nmae: 'x' });
    expect(typo.status).toBe(400);
    expect(typo.body.error).toContain('nmae');
    const empty = await control(s.url, 'POST', '/service-accounts', { name: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toContain('name');
  });

  it('are reached by the revokeGrants and expireAccessTokens faults', async () => {
    const expiring = s.sim.createServiceAccount().token;
    s.sim.setFaults({ expireAccessTokens: true });
    expect((await api(s.url, expiring, '/users/me')).status).toBe(401);
    const revoked = s.sim.createServiceAccount().token;
    expect((await api(s.url, revoked, '/users/me')).status).toBe(200);
    s.sim.setFaults({ revokeGrants: true });
    expect((await api(s.url, revoked, '/users/me')).status).toBe(401);
    s.sim.clearFaults();
  });

  it('end with the organization: a new scenario invalidates their tokens', async () => {
    const { token } = s.sim.createServiceAccount();
    expect((await api(s.url, token, '/users/me')).status).toBe(200);
    await control(s.url, 'POST', '/scenario', SCENARIO);
    expect((await api(s.url, token, '/users/me')).status).toBe(401);
  });
});

describe('service account tokens over time', () => {
  const clock = fakeClock();
  let s: RunningSimulator;
  beforeAll(async () => {
    s = await start({ now: clock.now, scenario: SCENARIO });
  });
  afterAll(() => s.close());

  it('never expire, unlike a personal access token', async () => {
    const { token } = s.sim.createServiceAccount();
    const pat = s.sim.issueToken().accessToken;
    clock.advance(2 * 3_600_000);
    expect((await api(s.url, pat, '/users/me')).status).toBe(401);
    expect((await api(s.url, token, '/users/me')).status).toBe(200);
    clock.advance(400 * 86_400_000);
    expect((await api(s.url, token, `/workspaces/${s.sim.org.workspace.gid}/audit_log_events?limit=1`)).status).toBe(200);
  });
});
