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
const ADD_USER: Target = { path: '/workspaces/{workspace_gid}/addUser', method: 'post' };
const WS_PROJECTS: Target = { path: '/workspaces/{workspace_gid}/projects', method: 'get' };
const PROJECTS: Target = { path: '/projects', method: 'get' };
const GET_PROJECT: Target = { path: '/projects/{project_gid}', method: 'get' };
const TASKS: Target = { path: '/tasks', method: 'get' };
const TASK_STORIES: Target = { path: '/tasks/{task_gid}/stories', method: 'get' };

const PROJECT_FIELDS = 'name,archived,color,created_at,modified_at,notes,public,workspace,workspace.name';
const TASK_FIELDS = 'name,resource_subtype,created_at,modified_at,completed,completed_at,notes,projects,projects.name,workspace';
const STORY_FIELDS = 'created_at,created_by,created_by.name,resource_subtype,text,type,source,is_editable,is_edited,target,target.name';

describe('contract: responses conform to Asana\'s OpenAPI document', () => {
  let oas: AsanaOas;
  let s: RunningSimulator;
  let token: string;
  /** A Service Account's token: the only kind the audit log answers. */
  let auditToken: string;
  let ws: string;
  let validated = 0;

  beforeAll(async () => {
    oas = new AsanaOas();
    s = await start({ scenario: { seed: 21, members: 130, guests: 12, viewOnly: 8, admins: 2, days: 30, eventsPerUserPerDay: 1 } });
    token = (await oauthLogin(s.url)).accessToken;
    auditToken = (await control(s.url, 'POST', '/service-accounts', {})).body.token;
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
    // A story's created_by may be null (a story no person caused), but nothing else than a user.
    const stories = oas.responseSchema(TASK_STORIES.path, TASK_STORIES.method, 200);
    expect(oas.problems(stories, 'closed', { data: [{ gid: '1', created_by: null }] })).toEqual([]);
    expect(oas.problems(stories, 'declared', { data: [{ gid: '1', created_by: 'someone' }] })).not.toEqual([]);
    expect(oas.problems(stories, 'closed', { data: [{ gid: '1', created_by: { gid: '2', nickname: 'x' } }] })).not.toEqual([]);
    expect(oas.problems(stories, 'closed', { data: [{ gid: '1', type: 'note' }] })).not.toEqual([]);
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
    const page = await api(s.url, auditToken, `/workspaces/${ws}/audit_log_events?limit=100`);
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
      last = await api(s.url, auditToken, next);
      next = last.body.next_page.path;
    } while (last.body.data.length > 0);
    conforms(AUDIT_LOG, 200, last);
    expect(last.body.next_page).not.toBeNull();
    conforms(AUDIT_LOG, 200, await api(s.url, auditToken, `/workspaces/${ws}/audit_log_events?event_type=nothing_matches`));
  });

  it('projects: by workspace and by ?workspace=, compact and with opt_fields, and one in full', async () => {
    const first = await api(s.url, token, `/workspaces/${ws}/projects?limit=10`);
    conforms(WS_PROJECTS, 200, first);
    expect(first.body.data).toHaveLength(10);
    for (const p of first.body.data) expect(p).toEqual({ gid: expect.any(String), resource_type: 'project', name: expect.any(String) });
    expect(first.body.next_page).toEqual({ offset: expect.any(String), path: expect.any(String), uri: expect.stringMatching(/^http:\/\//) });
    conforms(WS_PROJECTS, 200, await api(s.url, token, first.body.next_page.path));
    const picked = await api(s.url, token, `/workspaces/${ws}/projects?limit=5&opt_fields=${PROJECT_FIELDS}`);
    conforms(WS_PROJECTS, 200, picked);
    expect(Object.keys(picked.body.data[0]).sort()).toEqual(['gid', ...PROJECT_FIELDS.split(',').filter((f) => !f.includes('.'))].sort());
    expect(picked.body.data[0].workspace).toEqual({ gid: ws, name: 'Example Organization' });

    // About one project per 5 of the 150 people.
    const all = await api(s.url, token, `/projects?workspace=${ws}&limit=100`);
    conforms(PROJECTS, 200, all);
    expect(all.body.data).toHaveLength(30);
    expect(all.body.next_page).toBeNull();
    conforms(PROJECTS, 200, await api(s.url, token, `/projects?workspace=${ws}&opt_fields=${PROJECT_FIELDS}`));

    const gid = all.body.data[3].gid as string;
    const full = await api(s.url, token, `/projects/${gid}`);
    conforms(GET_PROJECT, 200, full);
    expect(full.body.data).toMatchObject({
      gid, resource_type: 'project', archived: false, public: true,
      created_at: expect.stringMatching(ISO), modified_at: expect.stringMatching(ISO),
      workspace: { gid: ws, resource_type: 'workspace', name: 'Example Organization' },
    });
    conforms(GET_PROJECT, 200, await api(s.url, token, `/projects/${gid}?opt_fields=name,modified_at`));
    conforms(GET_PROJECT, 404, await api(s.url, token, '/projects/1234567890123456'));
    conforms(PROJECTS, 400, await api(s.url, token, '/projects'));
  });

  it('tasks of a project, compact and with opt_fields', async () => {
    const projectGid = (await api(s.url, token, `/workspaces/${ws}/projects?limit=1`)).body.data[0].gid as string;
    const page = await api(s.url, token, `/tasks?project=${projectGid}&limit=5`);
    conforms(TASKS, 200, page);
    expect(page.body.data).toHaveLength(5);
    for (const t of page.body.data) expect(t).toEqual({ gid: expect.any(String), resource_type: 'task', name: expect.any(String), resource_subtype: 'default_task' });
    conforms(TASKS, 200, await api(s.url, token, page.body.next_page.path));
    const picked = await api(s.url, token, `/tasks?project=${projectGid}&opt_fields=${TASK_FIELDS}`);
    conforms(TASKS, 200, picked);
    expect(picked.body.data).toHaveLength(12);
    for (const t of picked.body.data) {
      expect(t.created_at).toMatch(ISO);
      expect(t.modified_at).toMatch(ISO);
      expect(typeof t.completed).toBe('boolean');
      expect(t.completed_at === null || ISO.test(t.completed_at)).toBe(true);
      expect(t.projects).toEqual([{ gid: projectGid, name: expect.any(String) }]);
    }
    const since = new Date(Date.now() - 86_400_000).toISOString();
    conforms(TASKS, 200, await api(s.url, token, `/tasks?project=${projectGid}&modified_since=${since}&limit=100&opt_fields=modified_at`));
    conforms(TASKS, 400, await api(s.url, token, `/tasks?project=${projectGid}&modified_since=yesterday`));
    conforms(TASKS, 400, await api(s.url, token, '/tasks'));
    conforms(TASKS, 404, await api(s.url, token, '/tasks?project=1234567890123456'));
  });

  it('stories of a task, compact and with opt_fields', async () => {
    const projectGid = (await api(s.url, token, `/workspaces/${ws}/projects?limit=1`)).body.data[0].gid as string;
    const taskGid = (await api(s.url, token, `/tasks?project=${projectGid}&limit=1`)).body.data[0].gid as string;
    const stories = await api(s.url, token, `/tasks/${taskGid}/stories`);
    conforms(TASK_STORIES, 200, stories);
    expect(stories.body.data.length).toBeGreaterThan(1);
    for (const story of stories.body.data) {
      expect(Object.keys(story).sort()).toEqual(['created_at', 'created_by', 'gid', 'resource_subtype', 'resource_type', 'text']);
      expect(story.created_at).toMatch(ISO);
    }
    // The task's creation carries a story no person caused.
    expect(stories.body.data[0]).toMatchObject({ created_by: null, resource_subtype: 'due_date_changed' });
    const byPerson = stories.body.data.find((story: AnyJson) => story.created_by !== null);
    expect(byPerson.created_by).toEqual({ gid: expect.any(String), resource_type: 'user', name: expect.any(String) });

    const paged = await api(s.url, token, `/tasks/${taskGid}/stories?limit=1`);
    conforms(TASK_STORIES, 200, paged);
    conforms(TASK_STORIES, 200, await api(s.url, token, paged.body.next_page.path));
    const picked = await api(s.url, token, `/tasks/${taskGid}/stories?opt_fields=${STORY_FIELDS}`);
    conforms(TASK_STORIES, 200, picked);
    for (const story of picked.body.data) {
      expect(['comment', 'system']).toContain(story.type);
      expect(story.target).toEqual({ gid: taskGid, name: expect.any(String) });
    }
    conforms(TASK_STORIES, 404, await api(s.url, token, '/tasks/1234567890123456/stories'));
    conforms(TASK_STORIES, 400, await api(s.url, token, `/tasks/${taskGid}/stories?limit=101`));
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
    conforms(AUDIT_LOG, 200, await api(s.url, auditToken, `/workspaces/${ws}/audit_log_events?event_type=user_deprovisioned`));
  });

  it('addUser', async () => {
    const post = (body: unknown, query = '') =>
      api(s.url, token, `/workspaces/${ws}/addUser${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const target = s.sim.state().members.find((m) => m.removedVia === 'removeUser')!;
    const res = await post({ data: { user: target.gid } });
    conforms(ADD_USER, 200, res);
    expect(res.body.data).toMatchObject({ gid: target.gid, resource_type: 'user', email: target.email });
    expect(s.sim.state().members.find((m) => m.gid === target.gid)?.removedAt).toBeNull();
    // Adding a current member again is no change; opt_fields narrows the record.
    const again = await post({ data: { user: target.email } }, '?opt_fields=name');
    conforms(ADD_USER, 200, again);
    expect(again.body.data).toEqual({ gid: target.gid, name: target.name });
    conforms(ADD_USER, 404, await post({ data: { user: '1999999999999999' } }));
    conforms(ADD_USER, 400, await post({ data: {} }));
  });

  it('error bodies: 400, 401, 403 (audit log: not a Service Account), 404, 429, 500, 402 (audit log: mode and tier)', async () => {
    let res = await api(s.url, token, '/users/me/workspace_memberships?limit=0');
    conforms(USER_MEMBERSHIPS, 400, res);
    expectError(res);
    res = await api(s.url, auditToken, `/workspaces/${ws}/audit_log_events?limit=101`);
    conforms(AUDIT_LOG, 400, res);
    expectError(res);

    res = await api(s.url, 'not-a-token', '/users/me');
    conforms(GET_USER, 401, res);
    expectError(res);

    const guest = s.sim.state().members.find((m) => m.isGuest && m.removedAt === null);
    res = await api(s.url, s.sim.issueToken({ userGid: guest?.gid }).accessToken, `/workspaces/${ws}/audit_log_events`);
    conforms(AUDIT_LOG, 403, res);
    expectError(res);
    expect(res.body.errors[0].message).toMatch(/personal access token/);
    // An admin's OAuth token: still not a Service Account's.
    res = await api(s.url, token, `/workspaces/${ws}/audit_log_events`);
    conforms(AUDIT_LOG, 403, res);
    expectError(res);
    expect(res.body.errors[0].message).toMatch(/Only Service Accounts.*OAuth access token/);

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
    const fresh = s.sim.createServiceAccount().token;
    res = await api(s.url, fresh, `/workspaces/${s.sim.org.workspace.gid}/audit_log_events`);
    conforms({ component: 'PaymentRequired' }, 402, res);
    expectError(res);

    // A tier without the audit log API: 402 too, naming the tier.
    await control(s.url, 'POST', '/scenario', { seed: 21, members: 10, guests: 0, viewOnly: 0, admins: 1, tier: 'advanced' });
    res = await api(s.url, s.sim.createServiceAccount().token, `/workspaces/${s.sim.org.workspace.gid}/audit_log_events`);
    conforms({ component: 'PaymentRequired' }, 402, res);
    expectError(res);
    expect(res.body.errors[0].message).toMatch(/Enterprise.*Advanced/);
  });

  it('validated every response it meant to', () => {
    expect(validated).toBeGreaterThanOrEqual(50);
  });
});
