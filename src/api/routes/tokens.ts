import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { notFound } from '../problem';
import { paginationSchema, uuidField } from '../schemas';
import { listBody, parseQuery, uuidParam } from './params';
import { principalOf } from '../principal';
import { recordAudit } from '../audit';
import { createApiToken } from '../../access/tokens';
import { apiTokenView, listApiTokens, revokeApiToken, ROLES } from '../../store/tokens';

export const tokenCreateBody = z
  .object({
    name: z.string().trim().min(1, 'name must not be empty').max(100),
    role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
    profileIds: z.array(uuidField('is not a profile ID')).max(100).optional(),
  })
  .strict();

/** `POST`/`GET /api/tokens` and `DELETE /api/tokens/{tokenId}` (admin only: see the operations table). */
export function tokensRouter(deps: ApiDeps): Router {
  const router = Router();

  router.post('/tokens', async (req, res) => {
    const body = tokenCreateBody.parse(req.body ?? {});
    const { row, token } = await createApiToken(deps.db, body, principalOf(res).name);
    const view = apiTokenView(row);
    recordAudit(res, { objectType: 'token', objectId: row.id, after: view });
    res.status(201).location(`/api/tokens/${row.id}`).json({ ...view, token });
  });

  router.get('/tokens', async (req, res) => {
    const page = parseQuery(paginationSchema.strict(), req.query);
    res.json(listBody(page, await listApiTokens(deps.db, page), apiTokenView));
  });

  router.delete('/tokens/:tokenId', async (req, res) => {
    const id = uuidParam(req, 'tokenId', 'Token');
    const before = await revokeApiToken(deps.db, id);
    if (!before) throw notFound(`Token ${id}`);
    recordAudit(res, { objectType: 'token', objectId: id, before: apiTokenView(before) });
    res.status(204).end();
  });

  return router;
}
