import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { latestPositions, runSummaries, type RunSummary } from '../../../store/licences';
import { parseQuery, profileParam } from '../params';
import { decimalParam } from '../../schemas';

export const positionQuery = z.object({ historyLimit: decimalParam(1, 100).default(10) }).strict();

const historyView = (r: RunSummary) => ({
  computedAt: r.computedAt,
  jobId: r.jobId,
  models: r.models,
  underLicensed: r.underLicensed,
  overLicensed: r.overLicensed,
  compliant: r.compliant,
  totals: r.totals,
});

/**
 * `GET .../license-position`: the newest reconciliation per model, its totals per currency, and the
 * newest `historyLimit` reconciliations (the newest included). Before the first one: no time, no models.
 */
export function licencePositionRouter({ db }: ApiDeps): Router {
  const router = Router();
  router.get('/profiles/:id/license-position', async (req, res) => {
    const profileId = await profileParam(db, req);
    const { historyLimit } = parseQuery(positionQuery, req.query);
    // One snapshot: a reconciliation committing meanwhile must not pair one run's models with another's totals.
    const { models, history } = await db.withTransaction(
      async (tx) => ({ models: await latestPositions(tx, profileId), history: await runSummaries(tx, profileId, historyLimit) }),
      { snapshot: true },
    );
    const latest = history[0];
    res.json({
      computedAt: latest?.computedAt ?? null,
      jobId: latest?.jobId ?? null,
      models,
      totals: latest?.totals ?? {},
      history: history.map(historyView),
    });
  });
  return router;
}
