import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { listBody, listQuerySchema, parseQuery } from './params';
import { principalOf } from '../principal';
import { instantField } from './lists/fields';
import { uuidField } from '../schemas';
import { streamCsv } from './licence/exports';
import { auditEventsQuery, auditEventView, listAuditEvents, type AuditEventRow } from '../../store/audit';
import type { Principal } from '../../access/tokens';

const auditFilterFields = {
  profileId: uuidField('is not a profile ID').optional(),
  action: z.string().trim().min(1).max(200).regex(/^[a-z0-9.-]+$/, 'must be an action name such as profiles.update (lower case, dots and dashes)').optional(),
  since: instantField.optional(),
};
export const auditEventsListQuery = listQuerySchema(auditFilterFields);
export const auditEventsCsvQuery = z.object(auditFilterFields).strict();

const CSV_COLUMNS = ['id', 'at', 'actor', 'action', 'profileId', 'objectType', 'objectId', 'before', 'after'] as const;

const csvView = (r: AuditEventRow) => {
  const v = auditEventView(r);
  return { ...v, before: v.before === null ? null : JSON.stringify(v.before), after: v.after === null ? null : JSON.stringify(v.after) };
};

/** A token limited to some profiles sees only their events (and asking for another profile's is empty). */
const scoped = (who: Principal, filters: z.output<z.ZodObject<typeof auditFilterFields>>) => ({ ...filters, onlyProfileIds: who.profileIds });

/** `GET /api/audit-events` and `GET /api/audit-events.csv`: the trail, in the order it happened. */
export function auditRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/audit-events', async (req, res) => {
    const { limit, offset, ...filters } = parseQuery(auditEventsListQuery, req.query);
    const page = { limit, offset };
    res.json(listBody(page, await listAuditEvents(deps.db, scoped(principalOf(res), filters), page), auditEventView));
  });
  router.get('/audit-events.csv', async (req, res) => {
    const filters = parseQuery(auditEventsCsvQuery, req.query);
    await streamCsv(deps, res, {
      filename: `audit-events-${new Date().toISOString().slice(0, 10)}.csv`,
      columns: CSV_COLUMNS,
      query: auditEventsQuery(scoped(principalOf(res), filters)),
      view: csvView,
    });
  });
  return router;
}
