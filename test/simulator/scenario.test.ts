import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberState, RunningSimulator, SimulatorState } from '@licence-manager/asana-simulator';
import { api, control, start } from './helpers';

const DAY = 86_400_000;

describe('scenario seeding', () => {
  let s: RunningSimulator;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => s.close());

  async function load(scenario: Record<string, unknown>): Promise<SimulatorState> {
    const res = await control(s.url, 'POST', '/scenario', scenario);
    expect(res.status).toBe(200);
    const state = (await control(s.url, 'GET', '/state')).body as SimulatorState;
    expect(res.body).toEqual({ workspaceGid: state.workspace.gid, adminUserGid: state.adminUserGid });
    return state;
  }

  const identity = (state: SimulatorState) =>
    state.members.map((m) => [m.gid, m.membershipGid, m.name, m.email, m.isAdmin, m.isGuest, m.isViewOnly, m.isActive].join('|'));

  it('is deterministic for a seed and differs between seeds', async () => {
    const input = { seed: 42, members: 50, guests: 5, viewOnly: 5, admins: 2 };
    const a = await load(input);
    const b = await load(input);
    expect(identity(a)).toEqual(identity(b));
    expect(a.workspace.gid).toBe(b.workspace.gid);
    expect(a.adminUserGid).toBe(b.adminUserGid);
    const c = await load({ ...input, seed: 43 });
    expect(identity(c)).not.toEqual(identity(a));
  });

  it('builds the requested population', async () => {
    const state = await load({ seed: 8, members: 200, guests: 20, viewOnly: 10, admins: 3, inactiveShare: 0.2, recentlyCreatedShare: 0.1, emailDomain: 'acme.test' });
    const members = state.members;
    expect(members).toHaveLength(230);
    expect(members.filter((m) => m.isAdmin)).toHaveLength(3);
    expect(members.filter((m) => m.isGuest)).toHaveLength(20);
    expect(members.filter((m) => m.isViewOnly)).toHaveLength(10);
    expect(members.filter((m) => !m.isActive)).toHaveLength(1);
    expect(members.filter((m) => !m.isActive && (m.isAdmin || m.isGuest || m.isViewOnly))).toHaveLength(0);
    for (const [i, m] of members.entries()) expect(m.email).toMatch(new RegExp(`^[a-z]+\\.[a-z]+\\.${i + 1}@acme\\.test$`));
    expect(new Set(members.map((m) => m.gid)).size).toBe(230);

    const loaded = Date.parse(state.loadedAt);
    const ages = members.map((m) => loaded - Date.parse(m.createdAt));
    expect(Math.max(...ages)).toBeLessThanOrEqual(730 * DAY);
    expect(ages.filter((a) => a < 20 * DAY)).toHaveLength(23);
    const admin = members.find((m) => m.gid === state.adminUserGid);
    expect(admin).toMatchObject({ isAdmin: true, isActive: true });
    // Creation order is gid order, as in Asana.
    const created = members.map((m) => Date.parse(m.createdAt));
    expect(created).toEqual([...created].sort((x, y) => x - y));

    // A person's activity is their newest audit event or story (some active people have only one of the two).
    const lastActivity = (m: MemberState) => Math.max(...[m.lastEventAt, m.lastStoryAt].map((t) => (t === null ? -Infinity : Date.parse(t))));
    const inactive = members.filter((m) => loaded - lastActivity(m) > 60 * DAY);
    expect(inactive).toHaveLength(Math.round(0.2 * 228) + 1);
    const active = members.filter((m: MemberState) => !inactive.includes(m));
    for (const m of active) expect(loaded - lastActivity(m)).toBeLessThan(8 * DAY);
  });

  it('seeds a few hundred people with 60 days of history in well under a second', async () => {
    const t0 = performance.now();
    await control(s.url, 'POST', '/scenario', { seed: 1, members: 400, guests: 40, viewOnly: 20, admins: 4, days: 60, eventsPerUserPerDay: 3 });
    expect(performance.now() - t0).toBeLessThan(300);
    // Streaming the whole history (about 460 x 60 x 3 events) stays cheap as well.
    const token = s.sim.createServiceAccount().token;
    const t1 = performance.now();
    let total = 0;
    let res = await api(s.url, token, `/workspaces/${s.sim.org.workspace.gid}/audit_log_events`);
    while (res.body.data.length > 0) {
      total += res.body.data.length;
      res = await api(s.url, token, res.body.next_page.path);
    }
    expect(total).toBeGreaterThan(40_000);
    expect(performance.now() - t1).toBeLessThan(5000);
  });

  it('rejects impossible scenarios, naming the field', async () => {
    for (const [bad, field] of [
      [{ members: 2, admins: 3 }, 'admins'],
      [{ inactiveShare: 1.5 }, 'inactiveShare'],
      [{ emailDomain: 'not a domain' }, 'emailDomain'],
      [{ auditLog: 'sometimes' }, 'auditLog'],
    ] as const) {
      const res = await control(s.url, 'POST', '/scenario', bad);
      expect(res.status).toBe(400);
      expect(res.body.error).toContain(field);
    }
  });
});

describe('scenario over HTTP', () => {
  let s: RunningSimulator;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => s.close());

  it('replaces the organization and its grants', async () => {
    const oldToken = s.sim.issueToken().accessToken;
    const res = await control(s.url, 'POST', '/scenario', {
      seed: 77, members: 15, guests: 2, viewOnly: 1, admins: 2, inactiveShare: 0.1, eventsPerUserPerDay: 1, days: 30,
      isOrganization: false, auditLog: 'enabled', workspaceName: 'Side Project',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ workspaceGid: expect.stringMatching(/^\d{16}$/), adminUserGid: expect.stringMatching(/^\d{16}$/) });
    expect((await api(s.url, oldToken, '/users/me')).status).toBe(401);
    const token = s.sim.issueToken().accessToken;
    const ws = await api(s.url, token, `/workspaces/${res.body.workspaceGid}`);
    expect(ws.body.data).toEqual({ gid: res.body.workspaceGid, resource_type: 'workspace', name: 'Side Project', is_organization: false, email_domains: [] });
    const me = await api(s.url, token, '/users/me?opt_fields=name,workspaces');
    expect(me.body.data).toEqual({ gid: res.body.adminUserGid, name: expect.any(String), workspaces: [{ gid: res.body.workspaceGid, resource_type: 'workspace', name: 'Side Project' }] });
  });

  it('adds people and events through the control API', async () => {
    const user = await control(s.url, 'POST', '/users', { name: 'New Hire', createdAt: new Date(Date.now() - 3 * DAY).toISOString() });
    expect(user.status).toBe(201);
    expect(user.body).toMatchObject({ name: 'New Hire', isActive: true, lastEventAt: null });
    const when = new Date(Date.now() - 60_000).toISOString();
    const event = await control(s.url, 'POST', '/events', { actorGid: user.body.gid, eventType: 'user_logged_out', createdAt: when });
    expect(event.body).toEqual({ gid: expect.any(String), createdAt: when, eventType: 'user_logged_out' });
    const state = (await control(s.url, 'GET', '/state')).body;
    expect(state.members.find((m: { gid: string }) => m.gid === user.body.gid).lastEventAt).toBe(when);
  });
});
