import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { CANDIDATE_STATES, listRemovalCandidates, removalCandidateView, type CandidateState } from '../../../store/candidates';
import { modelIdField, userGidField } from './fields';
import { listBody, listQuerySchema, parseQuery, profileParam } from '../params';

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
};
export const removalCandidatesListQuery = listQuerySchema(candidateFilterFields);

/** `GET /api/profiles/{id}/removal-candidates`: the subscriptions rules selected, and what became of them. */
export function removalCandidatesRouter({ db }: ApiDeps): Router {
  const router = Router();
  router.get('/profiles/:id/removal-candidates', async (req, res) => {
    const profileId = await profileParam(db, req);
    const { limit, offset, state, ...filters } = parseQuery(removalCandidatesListQuery, req.query);
    const page = { limit, offset };
    res.json(listBody(page, await listRemovalCandidates(db, profileId, { ...filters, states: state }, page), removalCandidateView));
  });
  return router;
}
