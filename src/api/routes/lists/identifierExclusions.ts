import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { conflict, notFound } from '../../problem';
import {
  deleteIdentifierExclusion,
  findIdentifierExclusion,
  getIdentifierExclusion,
  identifierExclusionView,
  insertIdentifierExclusion,
  listIdentifierExclusions,
  updateIdentifierExclusion,
} from '../../../store/rules';
import { isUniqueViolation } from '../../../db/sql';
import { identifierField, reasonField } from './fields';
import { listBody, listQuerySchema, parseQuery, profileParam, uuidParam } from '../params';

export const identifierExclusionsQuery = listQuerySchema({});

export const identifierExclusionCreate = z
  .object({ identifier: identifierField, active: z.boolean().optional(), reason: reasonField.optional() })
  .strict();

export const identifierExclusionPatch = z
  .object({ identifier: identifierField.optional(), active: z.boolean().optional(), reason: reasonField.optional() })
  .strict();

const duplicate = (identifier: string, existingId: string) =>
  conflict(`The identifier "${identifier}" is already excluded by rule ${existingId}; edit that rule instead.`);

/** `.../exclusion-rules/identifiers`: licence types never counted or reclaimed. */
export function identifierExclusionsRouter({ db }: ApiDeps): Router {
  const router = Router();
  const path = '/profiles/:id/exclusion-rules/identifiers';

  /** The rule from the path, or 404 when it is not one of the profile's. */
  async function ruleParam(profileId: string, req: Request): Promise<string> {
    const ruleId = uuidParam(req, 'ruleId', 'Identifier exclusion rule');
    if (!(await getIdentifierExclusion(db, profileId, ruleId))) throw notFound(`Identifier exclusion rule ${ruleId} of this profile`);
    return ruleId;
  }

  router.get(path, async (req, res) => {
    const profileId = await profileParam(db, req);
    const page = parseQuery(identifierExclusionsQuery, req.query);
    res.json(listBody(page, await listIdentifierExclusions(db, profileId, page), identifierExclusionView));
  });

  router.post(path, async (req, res) => {
    const profileId = await profileParam(db, req);
    const body = identifierExclusionCreate.parse(req.body ?? {});
    const existing = await findIdentifierExclusion(db, profileId, body.identifier);
    if (existing) throw duplicate(body.identifier, existing.id);
    const row = await insertIdentifierExclusion(db, profileId, { identifier: body.identifier, active: body.active ?? true, reason: body.reason ?? null }).catch(
      (err: unknown) => {
        if (isUniqueViolation(err)) throw conflict(`The identifier "${body.identifier}" was just excluded by another request; reload the list.`);
        throw err;
      },
    );
    res.status(201).location(`/api/profiles/${profileId}/exclusion-rules/identifiers/${row.id}`).json(identifierExclusionView(row));
  });

  router.patch(`${path}/:ruleId`, async (req, res) => {
    const profileId = await profileParam(db, req);
    const ruleId = await ruleParam(profileId, req);
    const change = identifierExclusionPatch.parse(req.body ?? {});
    if (change.identifier !== undefined) {
      const existing = await findIdentifierExclusion(db, profileId, change.identifier);
      if (existing && existing.id !== ruleId) throw duplicate(change.identifier, existing.id);
    }
    const row = await updateIdentifierExclusion(db, profileId, ruleId, change).catch((err: unknown) => {
      if (isUniqueViolation(err)) throw conflict(`The identifier "${change.identifier}" was just excluded by another request; reload the list.`);
      throw err;
    });
    if (!row) throw notFound(`Identifier exclusion rule ${ruleId} of this profile`);
    res.json(identifierExclusionView(row));
  });

  router.delete(`${path}/:ruleId`, async (req, res) => {
    const profileId = await profileParam(db, req);
    const ruleId = uuidParam(req, 'ruleId', 'Identifier exclusion rule');
    if (!(await deleteIdentifierExclusion(db, profileId, ruleId))) throw notFound(`Identifier exclusion rule ${ruleId} of this profile`);
    res.status(204).end();
  });

  return router;
}
