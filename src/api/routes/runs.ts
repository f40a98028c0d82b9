import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { conflict, notFound } from '../problem';
import { paginationSchema, profileIdSchema } from '../schemas';
import { getProfileRow } from '../../profiles/profileStore';
import { getConnection } from '../../profiles/connectionStore';
import { withOptionDefaults } from '../../activities/profileAsana';
import { JOB_KINDS, runWorkflowType, type JobKind } from '../../runs/types';
import { jobResultView, type JobResultRow } from '../../runs/jobResults';
import { JOB_KIND, PROFILE_ID } from '../../temporal/searchAttributes';

const runBody = z.object({ job: z.enum(JOB_KINDS as [JobKind, ...JobKind[]]) }).strict();
const jobResultsQuery = paginationSchema.extend({ kind: z.enum(JOB_KINDS as [JobKind, ...JobKind[]]).optional() });

/** `POST .../runs` starts a run now; `GET .../job-results` lists what every run (scheduled or not) recorded. */
export function runsRouter(deps: ApiDeps): Router {
  const router = Router();

  async function existingProfile(id: unknown) {
    const parsed = profileIdSchema.safeParse(id);
    const row = parsed.success ? await getProfileRow(deps.db, parsed.data) : null;
    if (!row) throw notFound(`Profile ${String(id)}`);
    return row;
  }

  router.post('/profiles/:id/runs', async (req, res) => {
    const profile = await existingProfile(req.params.id);
    const { job } = runBody.parse(req.body ?? {});
    const connection = await getConnection(deps.db, profile.id);
    if (!connection?.hasTokens || connection.authError) throw conflict('The connection is not authorized: authorize the profile, then start the run.');
    if (!connection.workspaceGid) throw conflict('The profile has no organization yet: validate it, then start the run.');
    const options = withOptionDefaults(profile.options);
    if (job === 'activity' && !options.downloadActivity) throw conflict('downloadActivity is off for this profile, so there is no activity to refresh.');
    if (job === 'reclaim' && !options.reclaimSubscriptions) throw conflict('reclaimSubscriptions is off for this profile: candidates are listed but never reclaimed.');
    const now = deps.now?.() ?? new Date();
    const workflowId = `profile/${profile.id}/run/${job}/${now.toISOString()}`;
    const handle = await deps.temporal.workflow.start(runWorkflowType[job], {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [{ profileId: profile.id, trigger: 'on_demand' }],
      typedSearchAttributes: [
        { key: PROFILE_ID, value: profile.id },
        { key: JOB_KIND, value: job },
      ],
    });
    res.status(202).json({ job, workflowId, runId: handle.firstExecutionRunId, jobResults: `/api/profiles/${profile.id}/job-results?kind=${job}` });
  });

  router.get('/profiles/:id/job-results', async (req, res) => {
    const profile = await existingProfile(req.params.id);
    const q = jobResultsQuery.parse(req.query);
    const rows = await deps.db.query<JobResultRow & { total: number }>(
      `SELECT *, count(*) OVER () AS total FROM job_results
        WHERE profile_id = $1 AND ($2::text IS NULL OR kind = $2)
        ORDER BY started_at DESC, id LIMIT $3 OFFSET $4`,
      [profile.id, q.kind ?? null, q.limit, q.offset],
    );
    res.json({ items: rows.map(jobResultView), total: rows[0]?.total ?? 0, limit: q.limit, offset: q.offset });
  });

  return router;
}
