import type { Request, Response, Router } from 'express';
import type { Simulator } from '../../simulator';
import type { StoryRecord, TaskRef } from '../../stories';
import { storyText, TASKS_PER_PROJECT } from '../../stories';
import { iso } from '../../time';
import { requireWorkspace } from '../lookups';
import { parseOptFields, project, type JsonObject } from '../optFields';
import { encodeOffset, nextPage, parseLimit, parseOffset } from '../pagination';
import { userCompact, workspaceCompact } from '../representations';
import { ApiError, queryParam, sendJson } from '../respond';

/** Asana refuses unpaginated requests whose result would be too large. */
const MAX_UNPAGINATED = 1000;

/**
 * Projects, their tasks and the tasks' stories: where activity is read from on every plan. Lists are in gid
 * order; an offset is the position after the last item returned, signed for its listing.
 */
export function registerProjectRoutes(router: Router, sim: Simulator): void {
  router.get('/workspaces/:workspace_gid/projects', (req, res) => listProjects(sim, req, res, requireWorkspace(sim, req.params.workspace_gid).gid));

  router.get('/projects', (req, res) => {
    const workspace = queryParam(req, 'workspace');
    if (workspace === undefined) throw new ApiError(400, 'workspace: Missing input. Listing projects needs a workspace (or a team).');
    listProjects(sim, req, res, requireWorkspace(sim, workspace).gid);
  });

  router.get('/projects/:project_gid', (req, res) => {
    const p = requireProject(sim, req.params.project_gid);
    const fields = parseOptFields(req.query.opt_fields);
    const full = projectFull(sim, p);
    sendJson(req, res, 200, { data: fields ? project(full, fields) : full });
  });

  router.get('/tasks', (req, res) => {
    const projectGid = queryParam(req, 'project');
    if (projectGid === undefined) {
      throw new ApiError(400, 'Must specify exactly one of project, tag, section, user task list, or assignee + workspace (this simulator serves project).');
    }
    const p = requireProject(sim, projectGid);
    const rawSince = queryParam(req, 'modified_since');
    const since = rawSince === undefined ? -Infinity : dateTime(rawSince, 'modified_since');
    const tasks: TaskRef[] = [];
    for (let task = 0; task < TASKS_PER_PROJECT; task++) if (sim.stories.taskModifiedAt({ project: p, task }) >= since) tasks.push({ project: p, task });
    const fields = parseOptFields(req.query.opt_fields);
    const render = (t: TaskRef): JsonObject => (fields ? project(taskFull(sim, t), fields) : taskCompact(sim, t));
    sendPaged(sim, req, res, 'tasks', `project:${sim.stories.projectGid(p)}:${rawSince ?? ''}`, tasks, render);
  });

  router.get('/tasks/:task_gid/stories', (req, res) => {
    const t = requireTask(sim, req.params.task_gid);
    const fields = parseOptFields(req.query.opt_fields);
    const render = (s: StoryRecord): JsonObject => (fields ? project(storyFull(sim, s, t), fields) : storyCompact(sim, s));
    sendPaged(sim, req, res, 'stories', `task:${sim.stories.taskGid(t)}`, sim.stories.storiesOf(t), render);
  });
}

function listProjects(sim: Simulator, req: Request, res: Response, workspaceGid: string): void {
  const fields = parseOptFields(req.query.opt_fields);
  const all = Array.from({ length: sim.stories.projects }, (_, i) => i);
  const render = (p: number): JsonObject => (fields ? project(projectFull(sim, p), fields) : projectCompact(sim, p));
  sendPaged(sim, req, res, 'projects', `ws:${workspaceGid}`, all, render);
}

/** A page of `items` (already in order) from the signed offset, or all of them without a limit. */
function sendPaged<T>(sim: Simulator, req: Request, res: Response, kind: string, scope: string, items: readonly T[], render: (item: T) => JsonObject): void {
  const limit = parseLimit(req);
  const offset = parseOffset(sim, req, kind, scope);
  if (limit === undefined) {
    if (offset !== undefined) throw new ApiError(400, 'offset: An offset needs a limit.');
    if (items.length > MAX_UNPAGINATED) throw new ApiError(400, 'The result is too large. You should use pagination (may require specifying a workspace)!');
    sendJson(req, res, 200, { data: items.map(render) });
    return;
  }
  const from = typeof offset?.i === 'number' ? offset.i : 0;
  const page = items.slice(from, from + limit);
  const more = from + limit < items.length;
  sendJson(req, res, 200, { data: page.map(render), next_page: more ? nextPage(req, encodeOffset(sim, kind, scope, { i: from + limit })) : null });
}

function requireProject(sim: Simulator, gid: string): number {
  if (!/^\d+$/.test(gid)) throw new ApiError(400, `project: Not a recognized ID: ${gid}`);
  const p = sim.stories.projectOf(gid);
  if (p === null) throw new ApiError(404, `project: Unknown object: ${gid}`);
  return p;
}

function requireTask(sim: Simulator, gid: string): TaskRef {
  if (!/^\d+$/.test(gid)) throw new ApiError(400, `task: Not a recognized ID: ${gid}`);
  const t = sim.stories.taskOf(gid);
  if (!t) throw new ApiError(404, `task: Unknown object: ${gid}`);
  return t;
}

function dateTime(raw: string, name: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw new ApiError(400, `${name}: Not a valid date-time (ISO 8601, e.g. 2024-01-31T12:00:00Z): ${raw}`);
  return ms;
}

const projectName = (p: number) => `Project ${p + 1}`;

function projectCompact(sim: Simulator, p: number): JsonObject {
  return { gid: sim.stories.projectGid(p), resource_type: 'project', name: projectName(p) };
}

function projectFull(sim: Simulator, p: number): JsonObject {
  let modified = sim.stories.projectCreatedAt(p);
  for (let task = 0; task < TASKS_PER_PROJECT; task++) modified = Math.max(modified, sim.stories.taskModifiedAt({ project: p, task }));
  return {
    ...projectCompact(sim, p),
    archived: false,
    color: null,
    created_at: iso(sim.stories.projectCreatedAt(p)),
    modified_at: iso(modified),
    notes: '',
    public: true,
    workspace: workspaceCompact(sim.org.workspace),
  };
}

function taskCompact(sim: Simulator, t: TaskRef): JsonObject {
  return { gid: sim.stories.taskGid(t), resource_type: 'task', name: `Task ${t.task + 1} of ${projectName(t.project)}`, resource_subtype: 'default_task' };
}

function taskFull(sim: Simulator, t: TaskRef): JsonObject {
  const stories = sim.stories.storiesOf(t);
  const completion = [...stories].reverse().find((s) => s.subtype === 'marked_complete');
  return {
    ...taskCompact(sim, t),
    created_at: iso(sim.stories.taskCreatedAt(t)),
    modified_at: iso(sim.stories.taskModifiedAt(t)),
    completed: completion !== undefined,
    completed_at: completion ? iso(completion.at) : null,
    notes: '',
    projects: [projectCompact(sim, t.project)],
    workspace: workspaceCompact(sim.org.workspace),
  };
}

function creatorOf(sim: Simulator, s: StoryRecord): JsonObject | null {
  const m = s.creator >= 0 ? sim.org.byIndex(s.creator) : undefined;
  return m ? userCompact(m) : null;
}

function storyCompact(sim: Simulator, s: StoryRecord): JsonObject {
  return { gid: s.gid, resource_type: 'story', created_at: iso(s.at), created_by: creatorOf(sim, s), resource_subtype: s.subtype, text: storyText(s.subtype) };
}

function storyFull(sim: Simulator, s: StoryRecord, t: TaskRef): JsonObject {
  return {
    ...storyCompact(sim, s),
    type: s.subtype === 'comment_added' ? 'comment' : 'system',
    is_editable: false,
    is_edited: false,
    source: s.creator >= 0 ? 'web' : 'api',
    target: taskCompact(sim, t),
  };
}
