import { Context } from '@temporalio/activity';
import type { Db } from '../db/pool';
import type { AsanaClients } from '../profiles/asanaClients';
import type { Project } from '../asana/types';
import { AsanaApiError } from '../asana/errors';
import { dropUnseenProjects, finishProject, getActivityCursor, newestPerPerson, openActivityCursor, seeProjects, setCursorStatus } from '../store/activity';
import { getJobCounts, incrementJobCounts } from '../store/jobs';
import { withAsanaFailures } from './asanaFailures';
import { forEachConcurrently } from './concurrently';
import { openRunContext } from './runContext';
import type { SourceRead } from './sourceRead';

/** Projects read at once: within Asana's ~50 GETs in flight per token, and enough to keep a paid plan's 1,500 a minute busy at 100 ms a request. */
export const DEFAULT_STORY_CONCURRENCY = 8;
/** A task's next read starts this much before the last one began, so a clock between us and Asana that differs loses nothing. */
const CLOCK_SKEW_MS = 60_000;
const STORY_FIELDS = ['created_at', 'created_by', 'type', 'resource_subtype'];

export function createStoriesActivities(deps: { db: Db; asana: AsanaClients }) {
  return {
    /**
     * Reads who did what from stories, which every plan gives an admin's OAuth grant: per project, the tasks
     * modified since that project's watermark, then those tasks' stories; each story's `created_by` acted
     * (system stories no person caused name nobody). Projects are read `concurrency` at a time within the
     * token's rate limit. Each finished project commits its people's newest story, its new watermark and its
     * counts in one transaction, so a retry re-reads only the projects this run had not finished; new projects
     * start from analyzeActivityFrom, deleted ones are dropped. Memory holds one page of projects and, per
     * project in flight, its people's newest stories.
     */
    async walkStories(input: { profileId: string; jobId: string; transientRetries?: number; concurrency?: number }): Promise<SourceRead> {
      const ctx = Context.current();
      const progress = { projects: 0, tasks: 0, stories: 0 };
      return withAsanaFailures(deps, input.profileId, async (): Promise<SourceRead> => {
        const { asana, workspaceGid, options } = await openRunContext(deps, input.profileId, { progress: () => progress, transientRetries: input.transientRetries });
        const cursor = (await getActivityCursor(deps.db, input.profileId, 'stories')) ?? (await openActivityCursor(deps.db, input.profileId, 'stories', new Date(options.analyzeActivityFrom)));
        await setCursorStatus(deps.db, input.profileId, 'stories', 'in_progress', null);
        const sofar = await getJobCounts(deps.db, input.jobId);
        Object.assign(progress, { projects: sofar.storyProjects ?? 0, tasks: sofar.storyTasks ?? 0, stories: sofar.stories ?? 0 });

        const readProject = async (project: Project, since: Date) => {
          const readFrom = new Date(Date.now() - CLOCK_SKEW_MS);
          const latest = new Map<string, string>();
          let tasks = 0;
          let stories = 0;
          for await (const page of asana.taskPages(project.gid, { modifiedSince: since, optFields: ['modified_at'] })) {
            for (const task of page.data) {
              tasks += 1;
              for await (const storyPage of asana.storyPages(task.gid, { optFields: STORY_FIELDS })) {
                for (const story of storyPage.data) {
                  stories += 1;
                  if (story.created_by?.gid) newestPerPerson(latest, story.created_by.gid, story.created_at);
                }
              }
            }
          }
          await deps.db.withTransaction(async (tx) => {
            await finishProject(tx, { profileId: input.profileId, jobId: input.jobId, projectGid: project.gid, readFrom, latest });
            await incrementJobCounts(tx, input.jobId, { storyProjects: 1, storyTasks: tasks, stories });
          });
          progress.projects += 1;
          progress.tasks += tasks;
          progress.stories += stories;
          ctx.heartbeat(progress);
        };

        try {
          for await (const page of asana.projectPages(workspaceGid, { optFields: ['name'] })) {
            const cursors = await seeProjects(deps.db, input.profileId, input.jobId, page.data.map((p) => p.gid));
            const todo = page.data.filter((p) => cursors.get(p.gid)?.walkedByJob !== input.jobId);
            await forEachConcurrently(todo, input.concurrency ?? DEFAULT_STORY_CONCURRENCY, (p) => readProject(p, cursors.get(p.gid)?.watermark ?? cursor.coverageStart));
          }
          await dropUnseenProjects(deps.db, input.profileId, input.jobId);
        } catch (err) {
          if (err instanceof AsanaApiError && (err.status === 402 || err.status === 403)) {
            const detail = `Asana refused the projects or their stories (${err.status}): ${err.message}. Authorize again as an admin of the organization.`;
            await setCursorStatus(deps.db, input.profileId, 'stories', 'unavailable', detail);
            return { source: 'stories', readable: false, detail, counts: {} };
          }
          await setCursorStatus(deps.db, input.profileId, 'stories', 'failed', (err as Error).message);
          throw err;
        }
        await setCursorStatus(deps.db, input.profileId, 'stories', 'caught_up', null);
        return { source: 'stories', readable: true, detail: null, counts: { storyProjects: progress.projects, storyTasks: progress.tasks, stories: progress.stories } };
      });
    },
  };
}
