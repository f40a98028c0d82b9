import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { conflict, HttpProblem, notFound } from '../../problem';
import { listUnrecognizedIdentifiers, unrecognizedIdentifierView } from '../../../store/subscriptions';
import { countUnmappedSubscriptions, lockIdentifier, mapIdentifier, mappedModelId } from '../../../store/subscriptions';
import { findModelIdByEdition, getSoftwareModel, insertModelWithRule, softwareModelView } from '../../../store/subscriptions';
import { isUniqueViolation } from '../../../db/sql';
import { modelIdField } from './fields';
import { listBody, listQuerySchema, parseQuery, profileParam } from '../params';

export const unrecognizedIdentifiersQuery = listQuerySchema({});

export const mappingBody = z
  .object({
    modelId: modelIdField.optional(),
    edition: z.string().trim().min(1, 'must not be empty').max(200).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if ((body.modelId === undefined) === (body.edition === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'send exactly one of modelId (an existing software model of this profile) or edition (a new model to create)' });
    }
  });

/**
 * `GET /api/profiles/{id}/unrecognized-identifiers` and the operator's answer to one:
 * `POST .../unrecognized-identifiers/{identifier}/mapping` maps it to a model and re-links its subscriptions.
 */
export function unrecognizedIdentifiersRouter({ db }: ApiDeps): Router {
  const router = Router();

  router.get('/profiles/:id/unrecognized-identifiers', async (req, res) => {
    const profileId = await profileParam(db, req);
    const page = parseQuery(unrecognizedIdentifiersQuery, req.query);
    res.json(listBody(page, await listUnrecognizedIdentifiers(db, profileId, page), unrecognizedIdentifierView));
  });

  router.post('/profiles/:id/unrecognized-identifiers/:identifier/mapping', async (req, res) => {
    const profileId = await profileParam(db, req);
    const identifier = String(req.params.identifier);
    const body = mappingBody.parse(req.body ?? {});
    // One transaction: the model, its rule, the mapping and the re-linked subscriptions appear together or not at all.
    const result = await db
      .withTransaction(async (tx) => {
        await lockIdentifier(tx, profileId, identifier);
        const mappedTo = await mappedModelId(tx, profileId, identifier);
        if (mappedTo) throw conflict(`The identifier "${identifier}" is already mapped to software model ${mappedTo}; it is not unrecognized.`);
        if ((await countUnmappedSubscriptions(tx, profileId, identifier)) === 0) {
          throw new HttpProblem(404, 'Not Found', `No unmapped subscription of this profile carries the identifier "${identifier}"; GET .../unrecognized-identifiers lists the ones to map.`);
        }
        let modelId: string;
        if (body.modelId !== undefined) {
          if (!(await getSoftwareModel(tx, profileId, body.modelId))) throw notFound(`Software model ${body.modelId} of this profile`);
          modelId = body.modelId;
        } else {
          const edition = body.edition!;
          const existing = await findModelIdByEdition(tx, profileId, edition);
          if (existing) throw conflict(`A software model with the edition "${edition}" already exists; map to it with {"modelId": "${existing}"}.`);
          modelId = await insertModelWithRule(tx, profileId, edition);
        }
        const relinkedSubscriptions = await mapIdentifier(tx, profileId, identifier, modelId);
        const model = await getSoftwareModel(tx, profileId, modelId);
        return { identifier, model: softwareModelView(model!), relinkedSubscriptions };
      })
      .catch((err: unknown) => {
        // A concurrent request got there first; its outcome stands and this one changed nothing.
        if (isUniqueViolation(err)) throw conflict(`The identifier "${identifier}" or the edition was just mapped or created by another request; reload the lists and try again.`);
        throw err;
      });
    res.status(201).json(result);
  });

  return router;
}
