import { Router } from 'express';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { ApiDeps } from '../deps';
import { listQuerySchema, parseQuery, profileParam } from './params';
import { scheduleId, type ScheduleKind } from '../../profiles/types';

const KINDS: ScheduleKind[] = ['download', 'activity', 'reconcile'];

/** `GET /api/profiles/{id}/scheduled-jobs`: the profile's Temporal Schedules as Temporal itself reports them. */
export function scheduledJobsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/profiles/:id/scheduled-jobs', async (req, res) => {
    const profileId = await profileParam(deps.db, req);
    const page = parseQuery(listQuerySchema({}), req.query);
    const items = [];
    for (const kind of KINDS) {
      const id = scheduleId(profileId, kind);
      try {
        const d = await deps.temporal.schedule.getHandle(id).describe();
        items.push({
          id,
          kind,
          workflowType: d.action.type === 'startWorkflow' ? d.action.workflowType : null,
          paused: d.state.paused,
          calendars: d.spec.calendars ?? [],
          nextRuns: d.info.nextActionTimes.slice(0, 3),
          recentRuns: d.info.recentActions.map((a) => ({
            scheduledAt: a.scheduledAt,
            takenAt: a.takenAt,
            workflowId: a.action.workflow.workflowId,
            runId: a.action.workflow.firstExecutionRunId,
          })),
        });
      } catch (err) {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      }
    }
    res.json({ items: items.slice(page.offset, page.offset + page.limit), total: items.length, limit: page.limit, offset: page.offset });
  });
  return router;
}
