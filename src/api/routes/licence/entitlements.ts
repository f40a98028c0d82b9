import { Router, type Request } from 'express';
import type { ApiDeps } from '../../deps';
import { badRequest, HttpProblem, notFound } from '../../problem';
import {
  deleteEntitlement,
  entitlementView,
  getEntitlement,
  insertEntitlement,
  listEntitlements,
  lockEntitlement,
  lockModel,
  modelCurrency,
  updateEntitlement,
  type EntitlementInput,
} from '../../../store/licences';
import type { Tx } from '../../../db/pool';
import { modelIdField } from '../lists/fields';
import { listBody, listQuerySchema, parseQuery, profileParam, uuidParam } from '../params';
import { entitlementCreateSchema, entitlementPatchSchema, termProblem } from './entitlementFields';

export const entitlementsQuery = listQuerySchema({ modelId: modelIdField.optional() });

const modelNotFound = (modelId: string) => notFound(`Software model ${modelId} of this profile`);
const entitlementNotFound = (id: string) => notFound(`Entitlement ${id} of this profile`);

/**
 * The checks that need the database, in the caller's transaction: the model is the profile's (locked,
 * so no other request changes its currency meanwhile) and the entitlement is in the model's currency.
 */
async function checkAgainstModel(tx: Tx, profileId: string, e: EntitlementInput, exceptId: string | null): Promise<void> {
  const edition = await lockModel(tx, profileId, e.modelId);
  if (edition === null) throw modelNotFound(e.modelId);
  const currency = await modelCurrency(tx, e.modelId, exceptId);
  if (currency !== null && currency !== e.currency) {
    throw new HttpProblem(
      409,
      'Conflict',
      `Software model "${edition}" uses ${currency}: a model's entitlements share one currency so that its position can be costed. ` +
        `Enter this entitlement in ${currency}, or change the model's other entitlements first.`,
      { currency },
    );
  }
}

/** `.../entitlements`: seats bought per software model, with their price and term. */
export function entitlementsRouter({ db }: ApiDeps): Router {
  const router = Router();
  const path = '/profiles/:id/entitlements';

  router.get(path, async (req, res) => {
    const profileId = await profileParam(db, req);
    const { limit, offset, ...filters } = parseQuery(entitlementsQuery, req.query);
    const page = { limit, offset };
    res.json(listBody(page, await listEntitlements(db, profileId, filters, page), entitlementView));
  });

  router.post(path, async (req, res) => {
    const profileId = await profileParam(db, req);
    const body = entitlementCreateSchema.parse(req.body ?? {});
    const row = await db.withTransaction(async (tx) => {
      await checkAgainstModel(tx, profileId, body, null);
      return (await getEntitlement(tx, profileId, await insertEntitlement(tx, profileId, body)))!;
    });
    res.status(201).location(`/api/profiles/${profileId}/entitlements/${row.id}`).json(entitlementView(row));
  });

  const entitlementParam = (req: Request) => uuidParam(req, 'entitlementId', 'Entitlement');

  router.get(`${path}/:entitlementId`, async (req, res) => {
    const profileId = await profileParam(db, req);
    const id = entitlementParam(req);
    const row = await getEntitlement(db, profileId, id);
    if (!row) throw entitlementNotFound(id);
    res.json(entitlementView(row));
  });

  router.patch(`${path}/:entitlementId`, async (req, res) => {
    const profileId = await profileParam(db, req);
    const id = entitlementParam(req);
    const change = entitlementPatchSchema.parse(req.body ?? {});
    const row = await db.withTransaction(async (tx) => {
      const current = await lockEntitlement(tx, profileId, id);
      if (!current) throw entitlementNotFound(id);
      const next: EntitlementInput = {
        modelId: change.modelId ?? current.model_id,
        quantity: change.quantity ?? current.quantity,
        unitPrice: change.unitPrice ?? current.unit_price,
        currency: change.currency ?? current.currency,
        termStart: change.termStart ?? current.term_start,
        termEnd: change.termEnd ?? current.term_end,
      };
      const problem = termProblem(next.termStart, next.termEnd);
      if (problem) {
        // Name the field that was sent: it is the one that made the term impossible.
        const field = change.termEnd === undefined ? 'termStart' : 'termEnd';
        const message = field === 'termEnd' ? problem : `must be before termEnd (${next.termEnd}): a term ends after it starts`;
        throw badRequest(`${field}: ${message}`, { errors: [{ field, message }] });
      }
      await checkAgainstModel(tx, profileId, next, id);
      await updateEntitlement(tx, id, next);
      return (await getEntitlement(tx, profileId, id))!;
    });
    res.json(entitlementView(row));
  });

  router.delete(`${path}/:entitlementId`, async (req, res) => {
    const profileId = await profileParam(db, req);
    const id = entitlementParam(req);
    if (!(await deleteEntitlement(db, profileId, id))) throw entitlementNotFound(id);
    res.status(204).end();
  });

  return router;
}
