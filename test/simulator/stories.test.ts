import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberState, RunningSimulator } from '@licence-manager/asana-simulator';
import { api, control, start, walkPages, type AnyJson } from './helpers';

/**
 * Projects, tasks and stories: where activity is read from on plans without the audit log. 12 tasks per project,
 * each with one creator-less system story at its creation; people's stories are seeded over their active window.
 */

const DAY = 86_400_000;
const SCENARIO = { seed: 29, members: 40, guests: 4, viewOnly: 4, admins: 2, days: 30, inactiveShare: 0.2 };

/** Every story of every task of every project, walked through the API with `token`. */
async function everyStory(base: string, token: string, ws: string): Promise<{ tasks: AnyJson[]; stories: AnyJson[] }> {
  const { items: projects } = await walkPages(base, token, `/workspaces/${ws}/projects?limit=100`);
  const perProject = await Promise.all(
    projects.map(async (p: AnyJson) => {
      const { items: tasks } = await walkPages(base, token, `/tasks?project=${p.gid}&limit=100&opt_fields=name,created_at,modified_at`);
      const stories = await Promise.all(tasks.map(async (t: AnyJson) => (await walkPages(base, token, `/tasks/${t.gid}/stories?limit=100`)).items));
      return { tasks, stories: stories.flat() };
    }),
  );
  return { tasks: perProject.flatMap((p) => p.tasks), stories: perProject.flatMap((p) => p.stories) };
}

describe('projects, tasks and stories', () => {
  let s: RunningSimulator;
  let token: string;
  let ws: string;
  let projectGid: string;
  beforeAll(async () => {
    s = await start({ scenario: SCENARIO });
    token = s.sim.issueToken().accessToken;
    ws = s.sim.org.workspace.gid;
    projectGid = (await api(s.url, token, `/workspaces/${ws}/projects?limit=1`)).body.data[0].gid;
  });
  afterAll(() => s.close());

  const tasksOf = async (project: string, query = ''): Promise<AnyJson[]> =>
    (await walkPages(s.url, token, `/tasks?project=${project}&limit=100&opt_fields=name,created_at,modified_at${query}`)).items;

  it('lists about one project per 5 people, paginated, by workspace and by ?workspace=', async () => {
    const walked = await walkPages(s.url, token, `/workspaces/${ws}/projects?limit=3`);
    // 48 people: round(48 / 5) projects.
    expect(walked.items).toHaveLength(10);
    expect(walked.pages).toBe(4);
    const gids = walked.items.map((p: AnyJson) => p.gid);
    expect(new Set(gids).size).toBe(10);
    expect(gids).toEqual([...gids].sort((a, b) => Number(a) - Number(b)));
    for (const p of walked.items) expect(p).toEqual({ gid: expect.stringMatching(/^\d+$/), resource_type: 'project', name: expect.any(String) });

    const byQuery = await walkPages(s.url, token, `/projects?workspace=${ws}&limit=4`);
    expect(byQuery.items.map((p: AnyJson) => p.gid)).toEqual(gids);
    const unpaged = await api(s.url, token, `/workspaces/${ws}/projects`);
    expect(unpaged.body.data.map((p: AnyJson) => p.gid)).toEqual(gids);
    expect(unpaged.body).not.toHaveProperty('next_page');
    const last = await api(s.url, token, `/workspaces/${ws}/projects?limit=10`);
    expect(last.body.next_page).toBeNull();

    const one = await api(s.url, token, `/projects/${gids[0]}`);
    expect(one.body.data).toMatchObject({ gid: gids[0], resource_type: 'project', workspace: { gid: ws } });
    expect((await api(s.url, token, `/projects?workspace=${ws}&limit=0`)).status).toBe(400);
    expect((await api(s.url, token, `/projects?workspace=${ws}&limit=101`)).status).toBe(400);
    expect((await api(s.url, token, '/projects')).status).toBe(400);
    expect((await api(s.url, token, '/projects?workspace=1234567890123456')).status).toBe(404);
    expect((await api(s.url, token, '/workspaces/1234567890123456/projects')).status).toBe(404);
    expect((await api(s.url, token, '/projects/not-a-gid')).status).toBe(400);
    expect((await api(s.url, token, '/projects/1234567890123456')).status).toBe(404);
  });

  it('serves 12 tasks per project, paginated, each in its project', async () => {
    const walked = await walkPages(s.url, token, `/tasks?project=${projectGid}&limit=5`);
    expect(walked.pages).toBe(3);
    expect(walked.items).toHaveLength(12);
    expect(new Set(walked.items.map((t: AnyJson) => t.gid)).size).toBe(12);
    for (const t of walked.items) expect(t).toEqual({ gid: expect.any(String), resource_type: 'task', name: expect.any(String), resource_subtype: 'default_task' });
    // Without modified_since every task comes back.
    const all = await api(s.url, token, `/tasks?project=${projectGid}&opt_fields=projects,workspace`);
    expect(all.body.data.map((t: AnyJson) => t.gid)).toEqual(walked.items.map((t: AnyJson) => t.gid));
    for (const t of all.body.data) {
      expect(t.projects).toEqual([{ gid: projectGid, resource_type: 'project', name: expect.any(String) }]);
      expect(t.workspace.gid).toBe(ws);
    }
    expect((await api(s.url, token, '/tasks')).status).toBe(400);
    expect((await api(s.url, token, '/tasks?project=1234567890123456')).status).toBe(404);
    expect((await api(s.url, token, '/tasks/1234567890123456/stories')).status).toBe(404);
    expect((await api(s.url, token, '/tasks/abc/stories')).status).toBe(400);
  });

  it('signs offsets for their listing: another listing\'s offset, or one without a limit, is a 400', async () => {
    const projects = await api(s.url, token, `/workspaces/${ws}/projects?limit=2`);
    const offset = projects.body.next_page.offset as string;
    expect((await api(s.url, token, `/workspaces/${ws}/projects?limit=2&offset=${offset}`)).status).toBe(200);
    expect((await api(s.url, token, `/tasks?project=${projectGid}&limit=2&offset=${offset}`)).status).toBe(400);
    expect((await api(s.url, token, `/workspaces/${ws}/projects?offset=${offset}`)).status).toBe(400);
    expect((await api(s.url, token, `/workspaces/${ws}/projects?limit=2&offset=garbage`)).status).toBe(400);

    const tasks = await api(s.url, token, `/tasks?project=${projectGid}&limit=2`);
    const otherProject = (await api(s.url, token, `/workspaces/${ws}/projects?limit=2`)).body.data[1].gid;
    expect((await api(s.url, token, `/tasks?project=${otherProject}&limit=2&offset=${tasks.body.next_page.offset}`)).status).toBe(400);
  });

  it('filters tasks by modified_since (inclusive), within pagination', async () => {
    const tasks = await tasksOf(projectGid);
    const times = tasks.map((t) => t.modified_at as string).sort();
    const pivot = times[6] as string;
    const expected = tasks.filter((t) => t.modified_at >= pivot).map((t) => t.gid);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(12);
    const filtered = await walkPages(s.url, token, `/tasks?project=${projectGid}&limit=2&modified_since=${pivot}`);
    expect(filtered.items.map((t: AnyJson) => t.gid)).toEqual(expected);

    const justAfter = new Date(Date.parse(times[11] as string) + 1).toISOString();
    expect((await api(s.url, token, `/tasks?project=${projectGid}&modified_since=${justAfter}`)).body.data).toEqual([]);
    const longAgo = new Date(Date.now() - 3 * 365 * DAY).toISOString();
    expect((await api(s.url, token, `/tasks?project=${projectGid}&modified_since=${longAgo}`)).body.data).toHaveLength(12);

    // An offset belongs to its modified_since.
    const page = await api(s.url, token, `/tasks?project=${projectGid}&limit=1&modified_since=${longAgo}`);
    expect((await api(s.url, token, `/tasks?project=${projectGid}&limit=1&modified_since=${pivot}&offset=${page.body.next_page.offset}`)).status).toBe(400);
    const bad = await api(s.url, token, `/tasks?project=${projectGid}&modified_since=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toMatch(/modified_since/);
  });

  it('pages a task\'s stories oldest first, the first being its creator-less system story', async () => {
    const tasks = await tasksOf(projectGid);
    for (const task of tasks) {
      const all = await api(s.url, token, `/tasks/${task.gid}/stories`);
      const walked = await walkPages(s.url, token, `/tasks/${task.gid}/stories?limit=3`);
      expect(walked.items).toEqual(all.body.data);
      const stories = all.body.data as AnyJson[];
      const times = stories.map((st) => st.created_at as string);
      expect(times).toEqual([...times].sort());
      expect(new Set(stories.map((st) => st.gid)).size).toBe(stories.length);

      const creatorless = stories.filter((st) => st.created_by === null);
      expect(creatorless).toHaveLength(1);
      expect(stories[0]).toMatchObject({ created_by: null, resource_subtype: 'due_date_changed', created_at: task.created_at });
      for (const st of stories.slice(1)) expect(st.created_by).toEqual({ gid: expect.any(String), resource_type: 'user', name: expect.any(String) });
      // A task's modified_at is its newest story (the system story is at its creation).
      expect(task.modified_at).toBe(times[times.length - 1]);
    }
    const picked = await api(s.url, token, `/tasks/${tasks[0].gid}/stories?opt_fields=type,source,target,created_by.name`);
    expect(picked.body.data[0]).toEqual({ gid: expect.any(String), type: 'system', source: 'api', target: { gid: tasks[0].gid, resource_type: 'task', name: tasks[0].name }, created_by: null });
    expect((await api(s.url, token, `/tasks/${tasks[0].gid}/stories?limit=101`)).status).toBe(400);
  });

  it('moves a task\'s modified_at when /_sim/stories appends a story, and not for a back-dated one', async () => {
    const actor = s.sim.state().members.find((m) => !m.isAdmin && m.removedAt === null) as MemberState;
    const [task] = (await tasksOf(projectGid)) as [AnyJson];
    const projectBefore = (await api(s.url, token, `/projects/${projectGid}`)).body.data.modified_at;

    const appended = await control(s.url, 'POST', '/stories', { actorGid: actor.gid, taskGid: task.gid });
    expect(appended.status).toBe(201);
    expect(appended.body).toEqual({ gid: expect.any(String), taskGid: task.gid, createdAt: expect.any(String), resourceSubtype: 'comment_added' });
    const at = appended.body.createdAt as string;
    expect(at > task.modified_at).toBe(true);

    const after = (await tasksOf(projectGid)).find((t) => t.gid === task.gid);
    expect(after.modified_at).toBe(at);
    const stories = (await api(s.url, token, `/tasks/${task.gid}/stories`)).body.data as AnyJson[];
    expect(stories[stories.length - 1]).toEqual({
      gid: appended.body.gid, resource_type: 'story', created_at: at, created_by: { gid: actor.gid, resource_type: 'user', name: actor.name },
      resource_subtype: 'comment_added', text: expect.any(String),
    });
    const since = await api(s.url, token, `/tasks?project=${projectGid}&modified_since=${at}`);
    expect(since.body.data.map((t: AnyJson) => t.gid)).toEqual([task.gid]);
    const projectAfter = (await api(s.url, token, `/projects/${projectGid}`)).body.data.modified_at;
    expect(projectAfter).toBe(at);
    expect(projectAfter > projectBefore).toBe(true);
    expect(s.sim.state().members.find((m) => m.gid === actor.gid)?.lastStoryAt).toBe(at);

    // A back-dated story lands at its time and leaves modified_at where it was.
    const earlier = new Date(Date.parse(task.created_at) + 60_000).toISOString();
    const old = await control(s.url, 'POST', '/stories', { actorGid: actor.gid, taskGid: task.gid, resourceSubtype: 'marked_complete', createdAt: earlier });
    expect(old.status).toBe(201);
    expect((await tasksOf(projectGid)).find((t) => t.gid === task.gid).modified_at).toBe(at);
    const reordered = (await api(s.url, token, `/tasks/${task.gid}/stories`)).body.data as AnyJson[];
    expect(reordered[1]).toMatchObject({ gid: old.body.gid, created_at: earlier, resource_subtype: 'marked_complete' });
    expect(s.sim.state().members.find((m) => m.gid === actor.gid)?.lastStoryAt).toBe(at);

    // Without a task, the story goes to one of the person's projects.
    const anywhere = await control(s.url, 'POST', '/stories', { actorGid: actor.gid });
    expect(anywhere.status).toBe(201);
    const landed = (await api(s.url, token, `/tasks/${anywhere.body.taskGid}/stories`)).body.data as AnyJson[];
    expect(landed.map((st) => st.gid)).toContain(anywhere.body.gid);
  });

  it('validates /_sim/stories', async () => {
    const admin = s.sim.state().adminUserGid;
    expect((await control(s.url, 'POST', '/stories', { actorGid: admin, createdAt: new Date(Date.now() + 3_600_000).toISOString() })).status).toBe(400);
    expect((await control(s.url, 'POST', '/stories', { actorGid: admin, taskGid: '1234567890123456' })).status).toBe(404);
    expect((await control(s.url, 'POST', '/stories', { actorGid: '42' })).status).toBe(404);
    const subtype = await control(s.url, 'POST', '/stories', { actorGid: admin, resourceSubtype: 'Not Snake' });
    expect(subtype.status).toBe(400);
    expect(subtype.body.error).toContain('resourceSubtype');
    expect((await control(s.url, 'POST', '/stories', { actorGid: admin, text: 'hello' })).status).toBe(400);
    const leaver = s.sim.state().members.find((m) => !m.isAdmin && m.removedAt === null) as MemberState;
    s.sim.memberLeaves(leaver.gid);
    expect((await control(s.url, 'POST', '/stories', { actorGid: leaver.gid })).status).toBe(409);
  });

  it('does not move lastAuditEventAt for a failed login appended through /_sim/events', async () => {
    const person = s.sim.state().members.find((m) => m.removedAt === null && m.lastAuditEventAt !== null && !m.isAdmin) as MemberState;
    const failed = await control(s.url, 'POST', '/events', { actorGid: person.gid, eventType: 'user_login_failed' });
    expect(failed.status).toBe(201);
    expect(failed.body.eventType).toBe('user_login_failed');
    let now = s.sim.state().members.find((m) => m.gid === person.gid) as MemberState;
    expect(now.lastEventAt).toBe(failed.body.createdAt);
    expect(now.lastAuditEventAt).toBe(person.lastAuditEventAt);
    const audit = await api(s.url, s.sim.createServiceAccount().token, `/workspaces/${ws}/audit_log_events?event_type=user_login_failed&actor_gid=${person.gid}`);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({ gid: failed.body.gid, event_category: 'logins', actor: { gid: person.gid }, resource: { gid: person.gid } });

    const succeeded = await control(s.url, 'POST', '/events', { actorGid: person.gid });
    now = s.sim.state().members.find((m) => m.gid === person.gid) as MemberState;
    expect(now.lastAuditEventAt).toBe(succeeded.body.createdAt);

    // Someone with no audit event at all: a failed login gives them a lastEventAt, but no lastAuditEventAt.
    const silent = s.sim.state().members.find((m) => m.removedAt === null && m.lastEventAt === null) as MemberState;
    await control(s.url, 'POST', '/events', { actorGid: silent.gid, eventType: 'user_login_failed' });
    expect(s.sim.state().members.find((m) => m.gid === silent.gid)).toMatchObject({ lastEventAt: expect.any(String), lastAuditEventAt: null });
  });

  it('agrees with the API: newest story per creator is lastStoryAt, newest meaningful event per actor is lastAuditEventAt', async () => {
    const { tasks, stories } = await everyStory(s.url, token, ws);
    expect(tasks).toHaveLength(120);
    expect(stories.filter((st) => st.created_by === null)).toHaveLength(120);
    const newestStory = new Map<string, string>();
    for (const st of stories) {
      if (st.created_by === null) continue;
      const seen = newestStory.get(st.created_by.gid);
      if (seen === undefined || st.created_at > seen) newestStory.set(st.created_by.gid, st.created_at);
    }

    const serviceToken = s.sim.createServiceAccount().token;
    const { items: events } = await walkPagesUntilCaughtUp(s.url, serviceToken, `/workspaces/${ws}/audit_log_events?limit=100`);
    const newestEvent = new Map<string, string>();
    const newestMeaningful = new Map<string, string>();
    for (const e of events) {
      newestEvent.set(e.actor.gid, e.created_at);
      if (e.event_type !== 'user_login_failed') newestMeaningful.set(e.actor.gid, e.created_at);
    }

    const members = s.sim.state().members;
    for (const m of members) {
      expect(newestStory.get(m.gid) ?? null, `${m.email} lastStoryAt`).toBe(m.lastStoryAt);
      expect(newestMeaningful.get(m.gid) ?? null, `${m.email} lastAuditEventAt`).toBe(m.lastAuditEventAt);
      expect(newestEvent.get(m.gid) ?? null, `${m.email} lastEventAt`).toBe(m.lastEventAt);
    }
    // No story is by anyone outside the organization.
    const gids = new Set(members.map((m) => m.gid));
    expect([...newestStory.keys()].every((g) => gids.has(g))).toBe(true);
    expect(members.filter((m) => m.lastStoryAt !== null).length).toBeGreaterThan(20);
  });
});

describe('story model: shares and counts on a seeded organization', () => {
  let s: RunningSimulator;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => s.close());

  it('keeps storiesOnly people out of the audit log and loginOnly people out of the stories, in the configured shares', async () => {
    s.sim.loadScenario({ seed: 31, members: 180, guests: 12, viewOnly: 8, admins: 3, days: 30, inactiveShare: 0.2, storiesOnlyShare: 0.2, loginOnlyShare: 0.15 });
    const state = s.sim.state();
    const ws = state.workspace.gid;
    const members = state.members;
    // With 30 days of history, inactive people have no activity at all; everyone else has some.
    const active = members.filter((m) => m.lastEventAt !== null || m.lastStoryAt !== null);
    // 200 people; 20% of the 198 active members other than the first admin, plus the deactivated one, are inactive.
    expect(members.length - active.length).toBe(Math.round(0.2 * 198) + 1);
    const storiesOnly = active.filter((m) => m.lastEventAt === null);
    const loginOnly = active.filter((m) => m.lastStoryAt === null);
    // The shares are of the active people other than the first admin, who does both.
    const others = active.length - 1;
    expect(storiesOnly).toHaveLength(Math.round(0.2 * others));
    expect(loginOnly).toHaveLength(Math.round(0.15 * others));
    expect(Math.abs(storiesOnly.length / others - 0.2)).toBeLessThan(0.01);
    expect(Math.abs(loginOnly.length / others - 0.15)).toBeLessThan(0.01);
    expect(storiesOnly.some((m) => m.gid === state.adminUserGid) || loginOnly.some((m) => m.gid === state.adminUserGid)).toBe(false);
    for (const m of storiesOnly) expect(m.lastAuditEventAt).toBeNull();

    const token = s.sim.createServiceAccount().token;
    const { items: events } = await walkPagesUntilCaughtUp(s.url, token, `/workspaces/${ws}/audit_log_events`);
    const eventTypes = new Map<string, Set<string>>();
    for (const e of events) eventTypes.set(e.actor.gid, (eventTypes.get(e.actor.gid) ?? new Set()).add(e.event_type));
    for (const m of storiesOnly) expect(eventTypes.has(m.gid), m.email).toBe(false);
    for (const m of loginOnly) expect([...(eventTypes.get(m.gid) ?? [])], m.email).toEqual(['user_login_succeeded']);
    const sample = storiesOnly[0] as MemberState;
    expect((await api(s.url, token, `/workspaces/${ws}/audit_log_events?actor_gid=${sample.gid}`)).body).toEqual({ data: [], next_page: null });

    const { stories } = await everyStory(s.url, token, ws);
    const creators = new Set(stories.filter((st) => st.created_by !== null).map((st) => st.created_by.gid as string));
    for (const m of loginOnly) expect(creators.has(m.gid), m.email).toBe(false);
    for (const m of storiesOnly) expect(creators.has(m.gid), m.email).toBe(true);

    // About storiesPerUserPerDay (2) stories a day over each writer's active days.
    let personDays = 0;
    for (const m of s.sim.org.members) if (m.activity && m.writesStories) personDays += m.activity.toDay - m.activity.fromDay + 1;
    const byPeople = stories.filter((st) => st.created_by !== null).length;
    expect(byPeople / personDays).toBeGreaterThan(1.8);
    expect(byPeople / personDays).toBeLessThan(2.2);
  });

  it('honours projects and storiesPerUserPerDay: 0 leaves only the system stories', async () => {
    s.sim.loadScenario({ seed: 31, members: 30, guests: 0, viewOnly: 0, admins: 1, days: 20, projects: 2, storiesPerUserPerDay: 0 });
    const token = s.sim.createServiceAccount().token;
    const { tasks, stories } = await everyStory(s.url, token, s.sim.org.workspace.gid);
    expect(tasks).toHaveLength(24);
    expect(stories).toHaveLength(24);
    expect(stories.every((st) => st.created_by === null && st.resource_subtype === 'due_date_changed')).toBe(true);
    expect(s.sim.state().members.every((m) => m.lastStoryAt === null)).toBe(true);
    for (const t of tasks) expect(t.modified_at).toBe(t.created_at);
  });
});

/** Follows an audit-log stream until a page comes back empty (it never ends with next_page null once begun). */
async function walkPagesUntilCaughtUp(base: string, token: string, first: string): Promise<{ items: AnyJson[] }> {
  const items: AnyJson[] = [];
  let res = await api(base, token, first);
  for (;;) {
    expect(res.status).toBe(200);
    items.push(...res.body.data);
    if (res.body.data.length === 0 || res.body.next_page === null) return { items };
    res = await api(base, token, res.body.next_page.path);
  }
}
