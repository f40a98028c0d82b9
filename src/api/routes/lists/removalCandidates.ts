import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { CANDIDATE_STATES, listRemovalCandidates, removalCandidateView, type CandidateState } from '../../../store/candidates';
import { activitySortField, modelIdField, userGidField } from './fields';
import { listBody, listQuerySchema, parseQuery, profileParam, uuidParam } from '../params';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { getRemovalCandidate, getRestoreTarget } from '../../../store/candidates';
import { restoreNeeded } from '../../../runs/restoreRules';
import { restoreWorkflowId } from '../../../workflows/review/restore';
import { PROFILE_ID, JOB_KIND } from '../../../temporal/searchAttributes';
import { HttpProblem, notFound } from '../../problem';
import { DEFAULT_RESTORE } from '../../deps';
import { recordAudit } from '../../audit';
import { getProfileRow } from '../../../store/profiles';
import { restoreSummary } from '../../../runs/summaries';

const isState = (s: string): s is CandidateState => (CANDIDATE_STATES as readonly string[]).includes(s);

/** One state or several, comma-separated (`state=ready,attention_required`). */
const statesField = z.string().transform((v, ctx) => {
  const states = v.split(',').map((s) => s.trim());
  const unknown = states.filter((s) => !isState(s));
  if (unknown.length > 0) {
    ctx.addIssue({ code: 'custom', message: `${unknown.map((s) => `"${s}"`).join(', ')} is not a candidate state; use one or more of ${CANDIDATE_STATES.join(', ')}` });
    return z.NEVER;
  }
  return states as CandidateState[];
});

/** The list's filters; the CSV export takes the same ones. */
export const candidateFilterFields = {
  state: statesField.optional(),
  modelId: modelIdField.optional(),
  userGid: userGidField.optional(),
  sort: activitySortField.optional(),
};
export const removalCandidatesListQuery = listQuerySchema(candidateFilterFields);

/** `GET /api/profiles/{id}/removal-candidates`: the subscriptions rules selected, and what became of them. */
export function removalCandidatesRouter(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();
  router.get('/profiles/:id/removal-candidates', async (req, res) => {
    const profileId = await profileParam(db, req);
    const { limit, offset, state, ...filters } = parseQuery(removalCandidatesListQuery, req.query);
    const page = { limit, offset };
    res.json(listBody(page, await listRemovalCandidates(db, profileId, { ...filters, states: state }, page), removalCandidateView));
  });
  /**
   * Undo a reclaim: the person is added back to the organization (a workflow, so the one `addUser` survives a
   * crash), within the restore window. A repeated request finds it done and answers the same.
   */
  router.post('/profiles/:id/removal-candidates/:candidateId/restore', async (req, res) => {
    const profileId = await profileParam(db, req);
    const candidateId = uuidParam(req, 'candidateId', 'Removal candidate');
    const target = await getRestoreTarget(db, profileId, candidateId);
    if (!target) throw notFound(`Removal candidate ${candidateId}`);
    const { windowDays, protectionDays } = deps.restore ?? DEFAULT_RESTORE;
    if (restoreNeeded(target, deps.now?.() ?? new Date(), windowDays)) {
      const handle = await deps.temporal.workflow.start('restoreCandidateWorkflow', {
        workflowId: restoreWorkflowId(profileId, candidateId),
        taskQueue: deps.taskQueue,
        args: [{ profileId, candidateId, protectionDays }],
        staticSummary: restoreSummary((await getProfileRow(db, profileId))?.display_name ?? profileId),
        // A restore in progress is joined, not started twice; a finished one may run again (it finds the work done).
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: [
          { key: PROFILE_ID, value: profileId },
          { key: JOB_KIND, value: 'restore' },
        ],
      });
      const result = (await handle.result()) as { refused?: string };
      if (result.refused) throw new HttpProblem(502, 'Bad Gateway', `${result.refused}. The candidate stays reclaimed; try again, or add the person back in Asana.`);
    }
    const after = removalCandidateView((await getRemovalCandidate(db, profileId, candidateId))!);
    recordAudit(res, { objectType: 'removal-candidate', before: { state: target.state }, after: { state: after.state, userGid: after.userGid, protectedUntil: after.protectedUntil } });
    res.json(after);
  });

  return router;
}
