import { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { subscriptionsRouter } from './subscriptions';
import { softwareModelsRouter } from './softwareModels';
import { unrecognizedIdentifiersRouter } from './unrecognizedIdentifiers';
import { reclamationRulesRouter } from './reclamationRules';
import { identifierExclusionsRouter } from './identifierExclusions';
import { userExclusionsRouter } from './userExclusions';
import { removalCandidatesRouter } from './removalCandidates';

/** The profile's related lists (subscriptions, models, rules, exclusions, candidates). */
export function listsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(subscriptionsRouter(deps));
  router.use(softwareModelsRouter(deps));
  router.use(unrecognizedIdentifiersRouter(deps));
  router.use(reclamationRulesRouter(deps));
  router.use(identifierExclusionsRouter(deps));
  router.use(userExclusionsRouter(deps));
  router.use(removalCandidatesRouter(deps));
  return router;
}
