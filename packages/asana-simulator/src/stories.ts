import type { Member } from './organization';
import { mixSeed, mulberry32 } from './prng';
import { DAY_MS, HOUR_MS } from './time';

/**
 * The organization's projects, tasks and stories, never stored whole. Each person works in two projects (their
 * `projectSlots`); the stories a person creates on a day are a pure function of (seed, person, day), spread over
 * the tasks of those projects. A project's stories are rebuilt from its people when a reader reaches it, and a
 * few projects are cached, so seeding costs nothing and memory stays small whatever the organization's size.
 * Stories appended on command are kept and merged in.
 */

export const TASKS_PER_PROJECT = 12;
const PROJECT_GID_BASE = 1_300_000_000_000_000;
const TASK_GID_BASE = 1_310_000_000_000_000;
const STORY_GID_BASE = 1_320_000_000_000_000;
const APPENDED_STORY_GID_BASE = 1_330_000_000_000_000;
const GIDS_PER_PROJECT = 1_000;
const STORY_GIDS_PER_PROJECT = 10_000_000;
const CACHE_PROJECTS = 64;
/** Projects were created this long before the scenario's load, their tasks an hour apart after that. */
const PROJECT_AGE_MS = 400 * DAY_MS;

/** What people do on tasks, weighted; a comment is a `comment` story, the rest `system` stories they caused. */
const SUBTYPES: readonly [subtype: string, weight: number][] = [
  ['comment_added', 0.45],
  ['marked_complete', 0.2],
  ['assigned', 0.2],
  ['added_to_project', 0.15],
];
/** Each task carries one system story no person caused (a rule changed its due date when it was created). */
const CREATORLESS_SUBTYPE = 'due_date_changed';

export interface StoryRecord {
  gid: string;
  at: number;
  /** Who created it, by member index; -1 for a story no person caused. */
  creator: number;
  subtype: string;
}

export interface TaskRef {
  project: number;
  task: number;
}

interface PersonStory {
  at: number;
  project: number;
  task: number;
  subtype: string;
}

export class Stories {
  readonly projects: number;
  private readonly start: number;
  private readonly peopleOf: number[][];
  private readonly cache = new Map<number, StoryRecord[][]>();
  private readonly appended = new Map<string, StoryRecord[]>();
  private readonly appendedLatest = new Map<number, number>();
  private nextAppendedGid = APPENDED_STORY_GID_BASE;

  constructor(
    private readonly seed: number,
    private readonly end: number,
    days: number,
    private readonly storiesPerUserPerDay: number,
    private readonly members: readonly Member[],
    projects: number,
  ) {
    this.projects = projects;
    this.start = end - days * DAY_MS;
    this.peopleOf = Array.from({ length: projects }, () => []);
    for (const m of members) this.addPerson(m);
  }

  /** A person who joined after seeding works in their projects from now on. */
  addPerson(m: Member): void {
    for (const p of new Set(m.projectSlots)) if (p < this.projects) this.peopleOf[p]!.push(m.index);
  }

  projectGid(project: number): string {
    return String(PROJECT_GID_BASE + project * GIDS_PER_PROJECT);
  }

  projectOf(gid: string): number | null {
    const n = Number(gid) - PROJECT_GID_BASE;
    return Number.isInteger(n) && n >= 0 && n % GIDS_PER_PROJECT === 0 && n / GIDS_PER_PROJECT < this.projects ? n / GIDS_PER_PROJECT : null;
  }

  projectCreatedAt(project: number): number {
    return this.end - PROJECT_AGE_MS + project * 60_000;
  }

  taskGid(t: TaskRef): string {
    return String(TASK_GID_BASE + t.project * GIDS_PER_PROJECT + t.task);
  }

  taskOf(gid: string): TaskRef | null {
    const n = Number(gid) - TASK_GID_BASE;
    if (!Number.isInteger(n) || n < 0) return null;
    const project = Math.floor(n / GIDS_PER_PROJECT);
    const task = n % GIDS_PER_PROJECT;
    return project < this.projects && task < TASKS_PER_PROJECT ? { project, task } : null;
  }

  taskCreatedAt(t: TaskRef): number {
    return this.projectCreatedAt(t.project) + (t.task + 1) * HOUR_MS;
  }

  /** The task's stories, oldest first (seeded and appended). */
  storiesOf(t: TaskRef): StoryRecord[] {
    const seeded = this.build(t.project)[t.task]!;
    const extra = this.appended.get(this.taskGid(t));
    return extra ? [...seeded, ...extra].sort((a, b) => a.at - b.at || Number(a.gid) - Number(b.gid)) : seeded;
  }

  /** The task's modified_at: its newest story, or its creation. */
  taskModifiedAt(t: TaskRef): number {
    const stories = this.storiesOf(t);
    return Math.max(this.taskCreatedAt(t), stories.length > 0 ? stories[stories.length - 1]!.at : 0);
  }

  /** The newest story the person created (seeded or appended); null when none. */
  lastStoryAt(m: Member): number | null {
    const window = m.activity;
    const seeded = window && m.writesStories ? (this.personStories(m, window.toDay).at(-1)?.at ?? null) : null;
    const appended = this.appendedLatest.get(m.index) ?? null;
    if (seeded === null) return appended;
    return appended === null ? seeded : Math.max(seeded, appended);
  }

  /** Adds a story by `m` (on `task`, else one of their projects' first task) and answers it. */
  append(m: Member, at: number, subtype: string, task?: TaskRef): { record: StoryRecord; task: TaskRef } {
    const on = task ?? { project: m.projectSlots[0] % this.projects, task: 0 };
    const record: StoryRecord = { gid: String(++this.nextAppendedGid), at, creator: m.index, subtype };
    const key = this.taskGid(on);
    this.appended.set(key, [...(this.appended.get(key) ?? []), record]);
    this.appendedLatest.set(m.index, Math.max(this.appendedLatest.get(m.index) ?? -Infinity, at));
    return { record, task: on };
  }

  /** The stories a person created on one day of their active window, oldest first. */
  private personStories(m: Member, day: number): PersonStory[] {
    const window = m.activity;
    if (!window || !m.writesStories || day < window.fromDay || day > window.toDay) return [];
    const rand = mulberry32(mixSeed(this.seed, m.index, day, 0x5707));
    let n = Math.floor(rand() * (2 * this.storiesPerUserPerDay + 1));
    // As with audit events, a person's last active day always has one.
    if (day === window.toDay && n === 0 && this.storiesPerUserPerDay > 0) n = 1;
    const lo = Math.max(this.start + day * DAY_MS, m.createdAt);
    const hi = Math.min(this.start + (day + 1) * DAY_MS, this.end);
    if (hi <= lo) return [];
    const out: PersonStory[] = [];
    for (let i = 0; i < n; i++) {
      const at = lo + Math.floor(rand() * (hi - lo));
      const project = m.projectSlots[rand() < 0.5 ? 0 : 1] % this.projects;
      const task = Math.floor(rand() * TASKS_PER_PROJECT);
      out.push({ at, project, task, subtype: pick(rand()) });
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /** Every seeded story of a project, by task, oldest first; the gids follow that order. */
  private build(project: number): StoryRecord[][] {
    const cached = this.cache.get(project);
    if (cached) {
      this.cache.delete(project);
      this.cache.set(project, cached);
      return cached;
    }
    const raw: Array<{ at: number; creator: number; task: number; subtype: string }> = [];
    for (let task = 0; task < TASKS_PER_PROJECT; task++) raw.push({ at: this.taskCreatedAt({ project, task }), creator: -1, task, subtype: CREATORLESS_SUBTYPE });
    for (const index of this.peopleOf[project]!) {
      const m = this.members[index]!;
      const window = m.activity;
      if (!window || !m.writesStories) continue;
      for (let day = window.fromDay; day <= window.toDay; day++) {
        for (const s of this.personStories(m, day)) if (s.project === project) raw.push({ at: s.at, creator: index, task: s.task, subtype: s.subtype });
      }
    }
    raw.sort((a, b) => a.at - b.at || a.creator - b.creator);
    const byTask: StoryRecord[][] = Array.from({ length: TASKS_PER_PROJECT }, () => []);
    raw.forEach((s, i) => byTask[s.task]!.push({ gid: String(STORY_GID_BASE + project * STORY_GIDS_PER_PROJECT + i), at: s.at, creator: s.creator, subtype: s.subtype }));
    this.cache.set(project, byTask);
    if (this.cache.size > CACHE_PROJECTS) this.cache.delete(this.cache.keys().next().value as number);
    return byTask;
  }
}

function pick(draw: number): string {
  let acc = 0;
  for (const [subtype, weight] of SUBTYPES) {
    acc += weight;
    if (draw < acc) return subtype;
  }
  return SUBTYPES[SUBTYPES.length - 1]![0];
}

/** A story's `text`, as Asana words it (the creator's name is not part of it). */
export function storyText(subtype: string): string {
  const text: Record<string, string> = {
    comment_added: 'Looks good to me, carrying on with the next step.',
    marked_complete: 'marked this task complete',
    assigned: 'assigned this task',
    added_to_project: 'moved this task to another section',
    due_date_changed: 'changed the due date',
  };
  return text[subtype] ?? subtype.replace(/_/g, ' ');
}
