import crypto from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { conflict } from '../problem';
import { principalOf } from '../principal';
import { listBody, listQuerySchema, parseQuery, profileParam } from './params';
import { acquireRunLease, jobResultView, listJobResults } from '../../store/jobs';
import { getConnection, getProfileRow } from '../../store/profiles';
import { runBlocker } from '../../runs/runChecks';
import { JOB_KINDS, runWorkflowType, type JobKind } from '../../runs/types';
import { runDetails, runSummary } from '../../runs/summaries';
import { JOB_KIND, PROFILE_ID } from '../../temporal/searchAttributes';
import { workflowIsRunning } from '../../temporal/workflowStatus';

const jobField = z.enum(JOB_KINDS as [JobKind, ...JobKind[]]);
export const runBody = z.object({ job: jobField }).strict();
export const jobResultsQuery = listQuerySchema({ kind: jobField.optional() });

/** `POST .../runs` starts a run now; `GET .../job-results` lists what every run (scheduled or not) recorded. */
export function runsRouter(deps: ApiDeps): Router {
  const router = Router();
  const isRunning = workflowIsRunning(deps.temporal);

  router.post('/profiles/:id/runs', async (req, res) => {
    const profileId = await profileParam(deps.db, req);
    const { job } = runBody.parse(req.body ?? {});
    const profile = await getProfileRow(deps.db, profileId);
    const blocker = runBlocker(profile, await getConnection(deps.db, profileId), job);
    if (blocker) throw conflict(blocker.message);
    const now = deps.now?.() ?? new Date();
    // The random tail keeps two requests of the same millisecond apart: each claims the slot as itself.
    const workflowId = `profile/${profileId}/run/${job}/${now.toISOString()}-${crypto.randomBytes(3).toString('hex')}`;
    // The slot is claimed in the transaction that starts the workflow: a concurrent claimant waits for this
    // one to commit (then finds the run going) or roll back (the start failed), so exactly one wins.
    const handle = await deps.db.withTransaction(async (tx) => {
      const claim = await acquireRunLease(tx, { profileId, kind: job, workflowId }, isRunning);
      if (!claim.acquired) {
        throw conflict(`A ${job} run of this profile is already running (workflow ${claim.holder}); wait for it to finish, or follow it in the job results.`, {
          runningWorkflowId: claim.holder,
        });
      }
      return deps.temporal.workflow.start(runWorkflowType[job], {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ profileId, trigger: 'on_demand', requestedBy: principalOf(res).name }],
        staticSummary: runSummary(job, profile?.display_name ?? profileId),
        staticDetails: runDetails(job, profileId, 'on_demand'),
        typedSearchAttributes: [
          { key: PROFILE_ID, value: profileId },
          { key: JOB_KIND, value: job },
        ],
      });
    });
    res.status(202).json({ job, workflowId, runId: handle.firstExecutionRunId, jobResults: `/api/profiles/${profileId}/job-results?kind=${job}` });
  });

  router.get('/profiles/:id/job-results', async (req, res) => {
    const profileId = await profileParam(deps.db, req);
    const { limit, offset, kind } = parseQuery(jobResultsQuery, req.query);
    const page = { limit, offset };
    res.json(listBody(page, await listJobResults(deps.db, profileId, { kind }, page), jobResultView));
  });

  return router;
}
