import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@licence-manager/asana-simulator';
import { SERVICE_OPT_FIELDS, api, control, oauthLogin, start, type AnyJson, type ApiResponse } from './helpers';
import { AsanaOas } from './oas';

/**
 * The simulator's real responses, validated against the schemas Asana's OpenAPI document declares
 * for the same operation and status (declared check), and against a closed variant of them that
 * refuses undeclared fields (closed check). See oas.ts.
 */

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

interface Target {
  path: string;
  method: string;
}
const GET_USER: Target = { path: '/users/{user_gid}', method: 'get' };
const GET_WORKSPACES: Target = { path: '/workspaces', method: 'get' };
const GET_WORKSPACE: Target = { path: '/workspaces/{workspace_gid}', method: 'get' };
const WS_MEMBERSHIPS: Target = { path: '/workspaces/{workspace_gid}/workspace_memberships', method: 'get' };
const USER_MEMBERSHIPS: Target = { path: '/users/{user_gid}/workspace_memberships', method: 'get' };
const AUDIT_LOG: Target = { path: '/workspaces/{workspace_gid}/audit_log_events', method: 'get' };
const GET_MEMBERSHIP: Target = { path: '/workspace_memberships/{workspace_membership_gid}', method: 'get' };
const REMOVE_USER: Target = { path: '/workspaces/{workspace_gid}/removeUser', method: 'post' };

describe('contract: responses conform to Asana\'s OpenAPI document', () => {
  let oas: AsanaOas;
  let s: RunningSimulator;
  let token: string;
  let ws: string;
  let validated = 0;

  beforeAll(async () => {
    oas = new AsanaOas();
    s = await start({ scenario: { seed: 21, members: 130, guests: 12, viewOnly: 8, admins: 2, days: 30, eventsPerUserPerDay: 1 } });
    token = (await oauthLogin(s.url)).accessToken;
    ws = s.sim.org.workspace.gid;
  });
  afterAll(async () => {
    await s.close();
  });

  function conforms(target: Target | { component: string }, status: number, res: ApiResponse<AnyJson>): void {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const schema = 'component' in target ? oas.componentResponseSchema(target.component) : oas.responseSchema(target.path, target.method, status);
    const where = 'component' in target ? target.component : `${target.method.toUpperCase()} ${target.path} ${status}`;
    expect(oas.problems(schema, 'declared', res.body), `${where} (declared)`).toEqual([]);
    expect(oas.problems(schema, 'closed', res.body), `${where} (closed)`).toEqual([]);
    validated++;
  }

  function expectError(res: ApiResponse<AnyJson>): void {
    expect(res.body.errors).toHaveLength(1);
    expect(typeof res.body.errors[0].message).toBe('string');
    expect(res.body.errors[0].message.length).toBeGreaterThan(0);
  }

  it('cannot pass vacuously: schemas exist and reject wrong bodies', () => {
    expect(() => oas.responseSchema('/workspaces/{workspace_gid}/workspace_memberships', 'get', 404)).toThrow(/declares no 404/);
    expect(() => oas.responseSchema('/no/such/path', 'get', 200)).toThrow(/no operation/);
    expect(() => oas.componentResponseSchema('Nope')).toThrow();
    const user = oas.responseSchema(GET_USER.path, GET_USER.method, 200);
    expect(oas.problems(user, 'declared', { data: { gid: 123 } })).not.toEqual([]);
    expect(oas.problems(user, 'declared', { data: { gid: '1', email: 'not an email' } })).not.toEqual([]);
    expect(oas.problems(user, 'closed', { data: { gid: '1', invented: true } })).toEqual(['/data must NOT have additional properties (invented)']);
    const memberships = oas.responseSchema(WS_MEMBERSHIPS.path, WS_MEMBERSHIPS.method, 200);
    expect(oas.problems(memberships, 'closed', { data: [{ gid: '1', is_admin: 'yes' }], next_page: null })).not.toEqual([]);
    expect(oas.problems(memberships, 'closed', { data: [{ gid: '1', user: { gid: '2', email: 'a@b.co', nickname: 'x' } }] })).not.toEqual([]);
    expect(oas.problems(memberships, 'declared', { data: [], next_page: { offset: 1 } })).not.toEqual([]);
    const events = oas.responseSchema(AUDIT_LOG.path, AUDIT_LOG.method, 200);
    expect(oas.problems(events, 'closed', { data: [{ gid: '1', actor: { actor_type: 'robot' } }] })).not.toEqual([]);
    expect(oas.problems(oas.componentResponseSchema('TooManyRequests'), 'closed', { errors: [{ message: 'x', code: 1 }] })).not.toEqual([]);
  });

  it('GET /users/me, compact and with opt_fields', async () => {
    const full = await api(s.url, token, '/users/me');
    conforms(GET_USER, 200, full);
    expect(full.body.data).toMatchObject({ gid: s.sim.state().adminUserGid, resource_type: 'user', name: expect.any(String), email: expect.any(String) });
    const picked = await api(s.url, token, '/users/me?opt_fields=email,name,workspaces,workspaces.name');
    conforms(GET_USER, 200, picked);
    expect(picked.body.data.workspaces).toEqual([{ gid: ws, name: 'Example Organization' }]);
    conforms(GET_USER, 200, await api(s.url, token, `/users/${s.sim.state().members[5]?.email}?opt_fields=name`));
  });

  it('GET /workspaces and GET /workspaces/{gid}', async () => {
    const list = await api(s.url, token, '/workspaces');
    conforms(GET_WORKSPACES, 200, list);
    expect(list.body.data).toEqual([{ gid: ws, resource_type: 'workspace', name: 'Example Organization' }]);
    conforms(GET_WORKSPACES, 200, await api(s.url, token, '/workspaces?limit=10&opt_fields=is_organization,email_domains,name'));
    const one = await api(s.url, token, `/workspaces/${ws}`);
    conforms(GET_WORKSPACE, 200, one);
    expect(one.body.data).toMatchObject({ is_organization: true, email_domains: ['example.com'] });
    conforms(GET_WORKSPACE, 200, await api(s.url, token, `/workspaces/${ws}?opt_fields=is_organization`));
  });

  it('workspace_memberships pages with the service\'s opt_fields', async () => {
    let path: string | null = `/workspaces/${ws}/workspace_memberships?limit=100&opt_fields=${SERVICE_OPT_FIELDS}`;
    let pages = 0;
    let count = 0;
    while (path) {
      const res: ApiResponse<AnyJson> = await api(s.url, token, path);
      conforms(WS_MEMBERSHIPS, 200, res);
      for (const m of res.body.data) {
        expect(typeof m.gid).toBe('string');
        expect(typeof m.user.gid).toBe('string');
        expect(typeof m.user.name).toBe('string');
        expect(m.user.email).toMatch(/^[^@\s]+@[^@\s]+$/);
        for (const flag of ['is_active', 'is_admin', 'is_guest', 'is_view_only']) expect(typeof m[flag]).toBe('boolean');
        expect(m.created_at).toMatch(ISO);
      }
      count += res.body.data.length;
      pages++;
      if (res.body.next_page) {
        expect(res.body.next_page).toEqual({ offset: expect.any(String), path: expect.any(String), uri: expect.stringMatching(/^http:\/\//) });
      }
      path = res.body.next_page?.path ?? null;
    }
    expect(pages).toBe(2);
    expect(count).toBe(150);
    conforms(WS_MEMBERSHIPS, 200, await api(s.url, token, `/workspaces/${ws}/workspace_memberships?limit=3`));
    conforms(WS_MEMBERSHIPS, 200, await api(s.url, token, `/workspaces/${ws}/workspace_memberships?limit=3&opt_fields=user,workspace,workspace.name,vacation_dates`));
  });

  it('users/{gid}/workspace_memberships', async () => {
    const mine = await api(s.url, token, '/users/me/workspace_memberships?opt_fields=is_admin,is_active,user.name,workspace.name');
    conforms(USER_MEMBERSHIPS, 200, mine);
    expect(mine.body.data[0].is_admin).toBe(true);
    conforms(USER_MEMBERSHIPS, 200, await api(s.url, token, `/users/${s.sim.state().members[3]?.gid}/workspace_memberships?limit=10`));
    const one = await api(s.url, token, `/workspace_memberships/${mine.body.data[0].gid}`);
    conforms(GET_MEMBERSHIP, 200, one);
    expect(one.body.data).toMatchObject({ resource_type: 'workspace_membership', is_admin: true, is_active: true, vacation_dates: null });
    conforms(GET_MEMBERSHIP, 404, await api(s.url, token, '/workspace_memberships/1234567890123456'));
  });

  it('audit_log_events with data, and caught up', async () => {
    const page = await api(s.url, token, `/workspaces/${ws}/audit_log_events?limit=100`);
    conforms(AUDIT_LOG, 200, page);
    expect(page.body.data).toHaveLength(100);
    for (const e of page.body.data) {
      expect(typeof e.gid).toBe('string');
      expect(e.created_at).toMatch(ISO);
      expect(typeof e.event_type).toBe('string');
      expect(typeof e.event_category).toBe('string');
      expect(e.actor).toMatchObject({ actor_type: 'user', gid: expect.any(String), name: expect.any(String), email: expect.any(String) });
      expect(typeof e.resource.gid).toBe('string');
      expect(typeof e.context.context_type).toBe('string');
    }
    let next = page.body.next_page.path as string;
    let last: ApiResponse<AnyJson>;
    do {
      last = await api(s.url, token, next);
      next = last.body.next_page.path;
    } while (last.body.data.length > 0);
    conforms(AUDIT_LOG, 200, last);
    expect(last.body.next_page).not.toBeNull();
    conforms(AUDIT_LOG, 200, await api(s.url, token, `/workspaces/${ws}/audit_log_events?event_type=nothing_matches`));
  });

  it('removeUser', async () => {
    const target = s.sim.state().members.find((m) => !m.isAdmin && m.removedAt === null);
    const res = await api(s.url, token, `/workspaces/${ws}/removeUser`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { user: target?.gid } }),
    });
    conforms(REMOVE_USER, 200, res);
    // Its events (user_deprovisioned, API context) conform too.
    conforms(AUDIT_LOG, 200, await api(s.url, token, `/workspaces/${ws}/audit_log_events?event_type=user_deprovisioned`));
  });

  it('error bodies: 400, 401, 403, 404, 429, 500, 402', async () => {
    let res = await api(s.url, token, '/users/me/workspace_memberships?limit=0');
    conforms(USER_MEMBERSHIPS, 400, res);
    expectError(res);
    res = await api(s.url, token, `/workspaces/${ws}/audit_log_events?limit=101`);
    conforms(AUDIT_LOG, 400, res);
    expectError(res);

    res = await api(s.url, 'not-a-token', '/users/me');
    conforms(GET_USER, 401, res);
    expectError(res);

    const guest = s.sim.state().members.find((m) => m.isGuest && m.removedAt === null);
    res = await api(s.url, s.sim.issueToken({ userGid: guest?.gid }).accessToken, `/workspaces/${ws}/audit_log_events`);
    conforms(AUDIT_LOG, 403, res);
    expectError(res);

    res = await api(s.url, token, '/workspaces/1234567890123456');
    conforms(GET_WORKSPACE, 404, res);
    expectError(res);
    res = await api(s.url, token, '/users/1234567890123456');
    conforms(GET_USER, 404, res);

    s.sim.setFaults({ failNextRequests: 1 });
    res = await api(s.url, token, '/users/me');
    conforms(GET_USER, 500, res);
    expect(res.body.errors[0].phrase).toEqual(expect.any(String));

    // No operation declares 429 or (for the audit log) 402; both use the shared responses.
    s.sim.setFaults({ rateLimitPerMinute: 1 });
    const limitedToken = s.sim.issueToken().accessToken;
    await api(s.url, limitedToken, '/users/me');
    res = await api(s.url, limitedToken, '/users/me');
    conforms({ component: 'TooManyRequests' }, 429, res);
    expectError(res);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    s.sim.clearFaults();

    await control(s.url, 'POST', '/scenario', { seed: 21, members: 10, guests: 0, viewOnly: 0, admins: 1, auditLog: 'payment_required' });
    const fresh = s.sim.issueToken().accessToken;
    res = await api(s.url, fresh, `/workspaces/${s.sim.org.workspace.gid}/audit_log_events`);
    conforms({ component: 'PaymentRequired' }, 402, res);
    expectError(res);
  });

  it('validated every response it meant to', () => {
    expect(validated).toBeGreaterThanOrEqual(26);
  });
});
