import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@licence-manager/asana-simulator';
import { SERVICE_OPT_FIELDS, api, control, start, walkPages, type AnyJson } from './helpers';

describe('workspace memberships', () => {
  let s: RunningSimulator;
  let token: string;
  let ws: string;
  beforeAll(async () => {
    s = await start({ scenario: { seed: 11, members: 180, guests: 30, viewOnly: 27, admins: 3, deactivatedMembers: 1 } });
    token = s.sim.issueToken().accessToken;
    ws = s.sim.org.workspace.gid;
  });
  afterAll(() => s.close());

  it('pages through every member exactly once with the fields the service asks for', async () => {
    const { items, pages } = await walkPages(s.url, token, `/workspaces/${ws}/workspace_memberships?limit=100&opt_fields=${SERVICE_OPT_FIELDS}`);
    expect(pages).toBe(3);
    expect(items).toHaveLength(237);
    const userGids = items.map((m: AnyJson) => m.user.gid);
    expect(new Set(userGids).size).toBe(237);
    expect(new Set(userGids)).toEqual(new Set(s.sim.state().members.map((m) => m.gid)));
    for (const m of items) {
      expect(Object.keys(m).sort()).toEqual(['created_at', 'gid', 'is_active', 'is_admin', 'is_guest', 'is_view_only', 'user']);
      expect(Object.keys(m.user).sort()).toEqual(['email', 'gid', 'name']);
      expect(m.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    expect(items.filter((m: AnyJson) => m.is_guest)).toHaveLength(30);
    expect(items.filter((m: AnyJson) => m.is_view_only)).toHaveLength(27);
    expect(items.filter((m: AnyJson) => m.is_admin)).toHaveLength(3);
    expect(items.filter((m: AnyJson) => !m.is_active)).toHaveLength(1);
  });

  it('answers the compact representation without opt_fields and next_page null on the last page', async () => {
    const res = await api(s.url, token, `/workspaces/${ws}/workspace_memberships?limit=5`);
    const first = res.body.data[0];
    expect(first).toEqual({
      gid: expect.any(String),
      resource_type: 'workspace_membership',
      user: { gid: expect.any(String), resource_type: 'user', name: expect.any(String) },
      workspace: { gid: ws, resource_type: 'workspace', name: 'Example Organization' },
    });
    const nextPage = res.body.next_page;
    expect(nextPage.path).toContain(`/workspaces/${ws}/workspace_memberships?limit=5&offset=`);
    expect(nextPage.uri).toBe(`${s.url}/api/1.0${nextPage.path}`);
    const page1 = await api(s.url, token, `/workspaces/${ws}/workspace_memberships?limit=100`);
    const page2 = await api(s.url, token, `/workspaces/${ws}/workspace_memberships?limit=100&offset=${encodeURIComponent(page1.body.next_page.offset)}`);
    expect(page2.status).toBe(200);
    expect(page2.body.data).toHaveLength(100);
    const final = await api(s.url, token, page2.body.next_page.path);
    expect(final.body.next_page).toBeNull();
    expect(final.body.data).toHaveLength(37);
  });

  it('validates limit and offset', async () => {
    for (const limit of ['0', '101', 'abc', '-1', '1.5']) {
      const res = await api(s.url, token, `/workspaces/${ws}/workspace_memberships?limit=${limit}`);
      expect(res.status, `limit=${limit}`).toBe(400);
      expect(res.body.errors[0].message).toMatch(/limit/);
    }
    const garbage = await api(s.url, token, `/workspaces/${ws}/workspace_memberships?limit=10&offset=garbage`);
    expect(garbage.status).toBe(400);
    expect(garbage.body.errors[0].message).toMatch(/offset/);
    const audit = await api(s.url, s.sim.createServiceAccount().token, `/workspaces/${ws}/audit_log_events?limit=1`);
    const foreign = await api(s.url, token, `/workspaces/${ws}/workspace_memberships?limit=10&offset=${audit.body.next_page.offset}`);
    expect(foreign.status).toBe(400);
  });

  it('returns 404 for an unknown workspace and 400 for a malformed gid', async () => {
    expect((await api(s.url, token, '/workspaces/1234567890/workspace_memberships?limit=10')).status).toBe(404);
    expect((await api(s.url, token, '/workspaces/abc/workspace_memberships?limit=10')).status).toBe(400);
  });

  it('filters by user (gid or me) and lists a user\'s memberships', async () => {
    const admin = s.sim.state().adminUserGid;
    const me = await api(s.url, token, `/workspaces/${ws}/workspace_memberships?user=me&opt_fields=is_admin,user`);
    expect(me.body.data).toEqual([{ gid: expect.any(String), is_admin: true, user: { gid: admin, resource_type: 'user', name: expect.any(String) } }]);
    const guest = s.sim.state().members.find((m) => m.isGuest);
    const byGid = await api(s.url, token, `/workspaces/${ws}/workspace_memberships?user=${guest?.gid}&opt_fields=is_guest`);
    expect(byGid.body.data).toEqual([{ gid: guest?.membershipGid, is_guest: true }]);
    const mine = await api(s.url, token, '/users/me/workspace_memberships?opt_fields=is_admin,workspace.name');
    expect(mine.status).toBe(200);
    expect(mine.body.data).toEqual([{ gid: expect.any(String), is_admin: true, workspace: { gid: ws, name: 'Example Organization' } }]);
    expect((await api(s.url, token, '/users/999999999/workspace_memberships')).status).toBe(404);
  });

  it('keeps a page walk exact while members join and leave mid-walk', async () => {
    const firstPage = await api(s.url, token, `/workspaces/${ws}/workspace_memberships?limit=50`);
    const state = s.sim.state();
    const leaving = state.members[200] as { gid: string };
    expect((await control(s.url, 'DELETE', `/users/${leaving.gid}`)).status).toBe(200);
    const joined = await control(s.url, 'POST', '/users', { name: 'Late Joiner' });
    expect(joined.status).toBe(201);
    const rest = await walkPages(s.url, token, firstPage.body.next_page.path);
    const gids = [...firstPage.body.data, ...rest.items].map((m: AnyJson) => m.user.gid);
    expect(new Set(gids).size).toBe(gids.length);
    expect(gids).not.toContain(leaving.gid);
    expect(gids).toContain(joined.body.gid);
    expect(gids).toHaveLength(237);
  });

  it('lists everyone without a limit (no next_page) while the result is small', async () => {
    const res = await api(s.url, token, `/workspaces/${ws}/workspace_memberships`);
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(237);
    expect('next_page' in res.body).toBe(false);
  });
});
