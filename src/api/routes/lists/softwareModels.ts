import { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { listSoftwareModels, softwareModelView } from '../../../store/subscriptions';
import { listBody, listQuerySchema, parseQuery, profileParam } from '../params';

const querySchema = listQuerySchema({});

/** `GET /api/profiles/{id}/software-models`: what is licensed, which identifiers count against it, its rule. */
export function softwareModelsRouter({ db }: ApiDeps): Router {
  const router = Router();
  router.get('/profiles/:id/software-models', async (req, res) => {
    const profileId = await profileParam(db, req);
    const page = parseQuery(querySchema, req.query);
    res.json(listBody(page, await listSoftwareModels(db, profileId, page), softwareModelView));
  });
  return router;
}
