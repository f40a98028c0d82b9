import crypto from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { conflict } from '../problem';
import { acquireRunLease } from '../../runs/runLeases';
import { workflowIsRunning } from '../../temporal/workflowStatus';
import { listBody, listQuerySchema, parseQuery, profileParam } from './params';
import { paged } from '../../inventory/sql';
import { getProfileRow } from '../../profiles/profileStore';
import { getConnection } from '../../profiles/connectionStore';
import { withOptionDefaults } from '../../profiles/options';
import { JOB_KINDS, runWorkflowType, type JobKind } from '../../runs/types';
import { jobResultView, type JobResultRow } from '../../runs/jobResults';
import { JOB_KIND, PROFILE_ID } from '../../temporal/searchAttributes';

const runBody = z.object({ job: z.enum(JOB_KINDS as [JobKind, ...JobKind[]]) }).strict();
const jobResultsQuery = listQuerySchema({ kind: z.enum(JOB_KINDS as [JobKind, ...JobKind[]]).optional() });

/** `POST .../runs` starts a run now; `GET .../job-results` lists what every run (scheduled or not) recorded. */
export function runsRouter(deps: ApiDeps): Router {
  const router = Router();
  const isRunning = workflowIsRunning(deps.temporal);

  async function existingProfile(req: Request) {
    return (await getProfileRow(deps.db, await profileParam(deps.db, req)))!;
  }

  router.post('/profiles/:id/runs', async (req, res) => {
    const profile = await existingProfile(req);
    const { job } = runBody.parse(req.body ?? {});
    const connection = await getConnection(deps.db, profile.id);
    if (!connection?.hasTokens || connection.authError) throw conflict('The connection is not authorized: authorize the profile, then start the run.');
    if (!connection.workspaceGid) throw conflict('The profile has no organization yet: validate it, then start the run.');
    const options = withOptionDefaults(profile.options);
    if (job === 'activity' && !options.downloadActivity) throw conflict('downloadActivity is off for this profile, so there is no activity to refresh.');
    if (job === 'reclaim' && !options.reclaimSubscriptions) throw conflict('reclaimSubscriptions is off for this profile: candidates are listed but never reclaimed.');
    const now = deps.now?.() ?? new Date();
    // The random tail keeps two requests of the same millisecond apart: each claims the slot as itself.
    const workflowId = `profile/${profile.id}/run/${job}/${now.toISOString()}-${crypto.randomBytes(3).toString('hex')}`;
    // The slot is claimed in the transaction that starts the workflow: a concurrent claimant waits for this
    // one to commit (then finds the run going) or roll back (the start failed), so exactly one wins.
    const handle = await deps.db.withTransaction(async (tx) => {
      const claim = await acquireRunLease(tx, { profileId: profile.id, kind: job, workflowId }, isRunning);
      if (!claim.acquired) {
        throw conflict(`A ${job} run of this profile is already running (workflow ${claim.holder}); wait for it to finish, or follow it in the job results.`, {
          runningWorkflowId: claim.holder,
        });
      }
      return deps.temporal.workflow.start(runWorkflowType[job], {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ profileId: profile.id, trigger: 'on_demand' }],
        typedSearchAttributes: [
          { key: PROFILE_ID, value: profile.id },
          { key: JOB_KIND, value: job },
        ],
      });
    });
    res.status(202).json({ job, workflowId, runId: handle.firstExecutionRunId, jobResults: `/api/profiles/${profile.id}/job-results?kind=${job}` });
  });

  router.get('/profiles/:id/job-results', async (req, res) => {
    const profile = await existingProfile(req);
    const q = parseQuery(jobResultsQuery, req.query);
    const page = await paged<JobResultRow>(
      deps.db,
      'SELECT * FROM job_results WHERE profile_id = $1 AND ($2::text IS NULL OR kind = $2)',
      [profile.id, q.kind ?? null],
      'started_at DESC, id',
      q,
    );
    res.json(listBody(q, page, jobResultView));
  });

  return router;
}
