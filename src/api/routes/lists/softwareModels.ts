import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { notFound } from '../../problem';
import { getSoftwareModel, listSoftwareModels, setModelBillable, softwareModelView } from '../../../store/subscriptions';
import { listBody, listQuerySchema, parseQuery, profileParam, uuidParam } from '../params';
import { recordAudit } from '../../audit';

export const softwareModelsQuery = listQuerySchema({});
/** Whether the model's seats cost money (guests, free in organizations, are created non-billable). */
export const softwareModelPatch = z.object({ billable: z.boolean() }).strict();

/** `GET /api/profiles/{id}/software-models` (what is licensed, which identifiers count against it, its rule) and `PATCH .../{modelId}`. */
export function softwareModelsRouter({ db }: ApiDeps): Router {
  const router = Router();
  router.get('/profiles/:id/software-models', async (req, res) => {
    const profileId = await profileParam(db, req);
    const page = parseQuery(softwareModelsQuery, req.query);
    res.json(listBody(page, await listSoftwareModels(db, profileId, page), softwareModelView));
  });

  router.patch('/profiles/:id/software-models/:modelId', async (req, res) => {
    const profileId = await profileParam(db, req);
    const modelId = uuidParam(req, 'modelId', 'Software model');
    const missing = notFound(`Software model ${modelId} of this profile`);
    const before = await getSoftwareModel(db, profileId, modelId);
    if (!before) throw missing;
    const { billable } = softwareModelPatch.parse(req.body ?? {});
    if (!(await setModelBillable(db, profileId, modelId, billable))) throw missing;
    recordAudit(res, { before: { billable: softwareModelView(before).billable } });
    res.json(softwareModelView((await getSoftwareModel(db, profileId, modelId))!));
  });
  return router;
}
