import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@licence-manager/asana-simulator';
import { api, control, start, walkPages, type AnyJson } from './helpers';

const DAY = 86_400_000;

describe('audit log events', () => {
  let s: RunningSimulator;
  let token: string;
  let ws: string;
  beforeAll(async () => {
    s = await start({ scenario: { seed: 5, members: 60, guests: 6, viewOnly: 4, admins: 2, days: 80, inactiveShare: 0.3, eventsPerUserPerDay: 1.5 } });
    // Asana's audit log answers only a Service Account's token.
    token = s.sim.createServiceAccount().token;
    ws = s.sim.org.workspace.gid;
  });
  afterAll(() => s.close());

  /** Streams from the start until a page comes back empty; answers the events and the last offset. */
  async function drain(query: string): Promise<{ events: AnyJson[]; offset: string }> {
    const events: AnyJson[] = [];
    let res = await api(s.url, token, `/workspaces/${ws}/audit_log_events?limit=100${query}`);
    for (;;) {
      expect(res.status).toBe(200);
      expect(res.body.next_page).not.toBeNull();
      events.push(...res.body.data);
      if (res.body.data.length === 0) return { events, offset: res.body.next_page.offset };
      res = await api(s.url, token, res.body.next_page.path);
    }
  }

  it('streams every event oldest first, agreeing with each member\'s last activity', async () => {
    const { events } = await drain('');
    expect(events.length).toBeGreaterThan(1000);
    const times = events.map((e) => Date.parse(e.created_at));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] as number);
    expect(new Set(events.map((e) => e.gid)).size).toBe(events.length);

    const lastSeen = new Map<string, string>();
    for (const e of events) lastSeen.set(e.actor.gid, e.created_at);
    const now = Date.now();
    const recent = (at: string | null) => at !== null && now - Date.parse(at) <= 60 * DAY;
    let oldOrNone = 0;
    let storiesOnly = 0;
    for (const m of s.sim.state().members) {
      expect(lastSeen.get(m.gid) ?? null, m.email).toBe(m.lastEventAt);
      // Activity is an audit event or a story: the people who only write stories have no audit events.
      if (!recent(m.lastEventAt) && !recent(m.lastStoryAt)) oldOrNone++;
      else if (m.lastEventAt === null) storiesOnly++;
    }
    // 30% of the 68 active members other than the first admin, plus the deactivated member.
    const inactive = Math.round(0.3 * 68) + 1;
    expect(oldOrNone).toBe(inactive);
    // storiesOnlyShare (default 0.1) of the 69 - 1 - inactive active people other than the first admin.
    expect(storiesOnly).toBe(Math.round(0.1 * (69 - 1 - inactive)));
  });

  it('keeps next_page when caught up and returns events appended later from the last offset', async () => {
    const { offset } = await drain('');
    const caughtUp = await api(s.url, token, `/workspaces/${ws}/audit_log_events?offset=${offset}`);
    expect(caughtUp.body.data).toEqual([]);
    expect(caughtUp.body.next_page.offset).toBe(offset);

    const actor = s.sim.state().members[7] as { gid: string };
    const appended = await control(s.url, 'POST', '/events', { actorGid: actor.gid });
    expect(appended.status).toBe(201);
    const polled = await api(s.url, token, `/workspaces/${ws}/audit_log_events?offset=${offset}`);
    expect(polled.body.data).toHaveLength(1);
    expect(polled.body.data[0]).toMatchObject({ gid: appended.body.gid, event_type: 'user_login_succeeded', actor: { gid: actor.gid, actor_type: 'user' } });
    const after = await api(s.url, token, polled.body.next_page.path);
    expect(after.body.data).toEqual([]);
    expect(after.body.next_page).not.toBeNull();
  });

  it('answers next_page null when nothing matches the filters', async () => {
    const none = await api(s.url, token, `/workspaces/${ws}/audit_log_events?event_type=no_such_event`);
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ data: [], next_page: null });
    const notUser = await api(s.url, token, `/workspaces/${ws}/audit_log_events?actor_type=asana`);
    expect(notUser.body.next_page).toBeNull();
  });

  it('filters by actor, type, resource and time window', async () => {
    const member = s.sim.state().members.find((m) => m.lastEventAt !== null && !m.isAdmin);
    const { items } = await walkPagesUntilEmpty(`/workspaces/${ws}/audit_log_events?limit=50&actor_gid=${member?.gid}`);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((e) => e.actor.gid === member?.gid)).toBe(true);

    const logins = await api(s.url, token, `/workspaces/${ws}/audit_log_events?limit=100&event_type=user_login_succeeded`);
    expect(logins.body.data.every((e: AnyJson) => e.event_type === 'user_login_succeeded' && e.resource.gid === e.actor.gid)).toBe(true);

    const byResource = await api(s.url, token, `/workspaces/${ws}/audit_log_events?limit=100&resource_gid=${member?.gid}`);
    expect(byResource.body.data.every((e: AnyJson) => e.resource.gid === member?.gid)).toBe(true);

    const start = new Date(Date.now() - 10 * DAY).toISOString();
    const end = new Date(Date.now() - 9 * DAY).toISOString();
    const windowed = await walkPagesUntilEmpty(`/workspaces/${ws}/audit_log_events?limit=100&start_at=${start}&end_at=${end}`);
    expect(windowed.items.length).toBeGreaterThan(0);
    for (const e of windowed.items) {
      expect(e.created_at >= start && e.created_at < end).toBe(true);
    }
  });

  it('validates limit, dates and offsets; defaults to 1000 events a page', async () => {
    expect((await api(s.url, token, `/workspaces/${ws}/audit_log_events?limit=101`)).status).toBe(400);
    expect((await api(s.url, token, `/workspaces/${ws}/audit_log_events?limit=0`)).status).toBe(400);
    expect((await api(s.url, token, `/workspaces/${ws}/audit_log_events?start_at=yesterday`)).status).toBe(400);
    expect((await api(s.url, token, `/workspaces/${ws}/audit_log_events?actor_type=robot`)).status).toBe(400);
    expect((await api(s.url, token, `/workspaces/${ws}/audit_log_events?offset=eyJ9.abc`)).status).toBe(400);
    const big = await api(s.url, token, `/workspaces/${ws}/audit_log_events`);
    expect(big.body.data).toHaveLength(1000);
  });

  it('refuses anyone\'s personal access token, a guest\'s as an admin\'s', async () => {
    const guest = s.sim.state().members.find((m) => m.isGuest);
    const guestToken = s.sim.issueToken({ userGid: guest?.gid }).accessToken;
    const res = await api(s.url, guestToken, `/workspaces/${ws}/audit_log_events`);
    expect(res.status).toBe(403);
    const adminToken = s.sim.issueToken().accessToken;
    expect((await api(s.url, adminToken, `/workspaces/${ws}/audit_log_events`)).status).toBe(403);
  });

  async function walkPagesUntilEmpty(path: string): Promise<{ items: AnyJson[] }> {
    const items: AnyJson[] = [];
    let next: string = path;
    for (;;) {
      const res = await api(s.url, token, next);
      items.push(...res.body.data);
      if (res.body.data.length === 0 || res.body.next_page === null) return { items };
      next = res.body.next_page.path;
    }
  }
});

describe('audit log modes and retention', () => {
  let s: RunningSimulator;
  afterAll(() => s.close());
  beforeAll(async () => {
    s = await start({ scenario: { seed: 2, members: 20, guests: 0, viewOnly: 0, admins: 1, days: 120, auditLog: 'payment_required' } });
  });

  it('answers 402 when the plan lacks the audit log and 403 when access is refused', async () => {
    let token = s.sim.createServiceAccount().token;
    const paid = await api(s.url, token, `/workspaces/${s.sim.org.workspace.gid}/audit_log_events`);
    expect(paid.status).toBe(402);
    expect(paid.body.errors[0].message).toMatch(/plan/);

    const loaded = await control(s.url, 'POST', '/scenario', { seed: 2, members: 20, guests: 0, viewOnly: 0, admins: 1, days: 120, auditLog: 'forbidden' });
    token = s.sim.createServiceAccount().token;
    const forbidden = await api(s.url, token, `/workspaces/${loaded.body.workspaceGid}/audit_log_events`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors[0].message).toMatch(/audit log/);
  });

  it('never returns events older than the 90-day retention', async () => {
    s.sim.loadScenario({ seed: 2, members: 20, guests: 0, viewOnly: 0, admins: 1, days: 120, inactiveShare: 0.5 });
    const token = s.sim.createServiceAccount().token;
    const { items } = await walkPages(s.url, token, `/workspaces/${s.sim.org.workspace.gid}/audit_log_events?limit=100&event_type=no_such_event`);
    expect(items).toEqual([]);
    const first = await api(s.url, token, `/workspaces/${s.sim.org.workspace.gid}/audit_log_events?limit=1`);
    expect(Date.now() - Date.parse(first.body.data[0].created_at)).toBeLessThanOrEqual(90 * DAY);
    // The seeded history does reach further back; retention alone hides it.
    const unfiltered = s.sim.auditLog.read(null, {}, 1, Date.now() - 30 * DAY);
    expect((unfiltered.events[0] as { t: number }).t).toBeLessThan(Date.now() - 90 * DAY);
  });
});
