import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { listSubscriptions, subscriptionView } from '../../../store/subscriptions';
import { activitySortField, emailField, identifierField, instantField, modelIdField, userGidField } from './fields';
import { listBody, listQuerySchema, parseQuery, profileParam } from '../params';

/** The list's filters; the CSV export takes the same ones. */
export const subscriptionFilterFields = {
  status: z.enum(['active', 'ended']).optional(),
  identifier: identifierField.optional(),
  modelId: modelIdField.optional(),
  inactiveSince: instantField.optional(),
  userGid: userGidField.optional(),
  email: emailField.optional(),
  sort: activitySortField.optional(),
};
export const subscriptionsListQuery = listQuerySchema(subscriptionFilterFields);

/** `GET /api/profiles/{id}/subscriptions`: who holds a seat, with their licence type and last activity. */
export function subscriptionsRouter({ db }: ApiDeps): Router {
  const router = Router();
  router.get('/profiles/:id/subscriptions', async (req, res) => {
    const profileId = await profileParam(db, req);
    const { limit, offset, ...filters } = parseQuery(subscriptionsListQuery, req.query);
    const page = { limit, offset };
    res.json(listBody(page, await listSubscriptions(db, profileId, filters, page), subscriptionView));
  });
  return router;
}
