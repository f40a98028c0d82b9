import type { Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { cursorBatches, type ListQuery } from '../../../inventory/sql';
import { subscriptionsQuery, subscriptionView } from '../../../inventory/subscriptions';
import { removalCandidatesQuery, removalCandidateView } from '../../../inventory/removalCandidates';
import { subscriptionFilterFields } from '../lists/subscriptions';
import { candidateFilterFields } from '../lists/removalCandidates';
import { parseQuery, profileParam } from '../params';
import { csvLine } from './csv';

/** Rows fetched (and written) at a time from the server-side cursor: memory is bounded by this, not the organization. */
const EXPORT_BATCH = 2000;

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only when `columns` names every field of the JSON view, so the two cannot drift apart. */
const columnsOf = <V>() => <const C extends readonly (keyof V)[]>(columns: C & (Equal<C[number], keyof V> extends true ? unknown : 'a field of the view is missing')) => columns;

const SUBSCRIPTION_COLUMNS = columnsOf<ReturnType<typeof subscriptionView>>()([
  'userGid', 'name', 'email', 'identifier', 'modelId', 'model', 'isAdmin', 'accountCreatedAt', 'status', 'firstSeenAt', 'lastSeenAt', 'endedAt', 'lastActivityAt',
]);
const CANDIDATE_COLUMNS = columnsOf<ReturnType<typeof removalCandidateView>>()([
  'id', 'userGid', 'name', 'email', 'ruleId', 'modelId', 'state', 'reason', 'lastActivityAt', 'createdAt', 'updatedAt', 'closedAt', 'dryRunAt',
]);

// The JSON lists' own filters; pagination does not apply: an export holds every row.
const subscriptionQuery = z.object(subscriptionFilterFields).strict();
const candidateQuery = z.object(candidateFilterFields).strict();

/** Resolves once the response can take more (or is gone): a slow reader slows the export, not memory. */
function written(res: Response, chunk: string): Promise<void> {
  // A response already gone never drains: the caller sees `destroyed` and stops.
  if (res.destroyed || res.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Streams a list as CSV, page by page through the list's own query, inside one read-only REPEATABLE READ
 * transaction: every page sees the same snapshot, so no row is skipped or repeated while runs write.
 * The first page is read before the headers go out, so a failure up to then is still a problem document.
 */
async function streamCsv<R extends object, V extends object>(
  deps: ApiDeps,
  res: Response,
  p: { filename: string; columns: readonly (keyof V)[]; query: ListQuery; view: (row: R) => V },
): Promise<void> {
  let started = false;
  try {
    await deps.db.withTransaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const batches = cursorBatches<R>(tx, p.query, EXPORT_BATCH);
      const first = await batches.next();
      res
        .status(200)
        .setHeader('Content-Type', 'text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="${p.filename}"`)
        .setHeader('Cache-Control', 'no-store');
      started = true;
      await written(res, csvLine(p.columns as readonly string[]));
      for (let batch = first; !batch.done && !res.destroyed; batch = await batches.next()) {
        let chunk = '';
        for (const row of batch.value) {
          const view = p.view(row);
          chunk += csvLine(p.columns.map((c) => view[c]));
        }
        await written(res, chunk);
      }
      await batches.return(undefined);
    });
    res.end();
  } catch (err) {
    if (!started) throw err;
    // Too late for a problem document: cut the response so the client sees a broken download, not a short file.
    deps.logger.error({ err, filename: p.filename }, 'CSV export failed while streaming');
    res.destroy(err as Error);
  }
}

const today = () => new Date().toISOString().slice(0, 10);

/** `.../subscriptions.csv` and `.../removal-candidates.csv`: the JSON lists, every row, as CSV downloads. */
export function exportsRouter(deps: ApiDeps): Router {
  const router = Router();
  const { db } = deps;

  router.get('/profiles/:id/subscriptions.csv', async (req, res) => {
    const profileId = await profileParam(db, req);
    const filters = parseQuery(subscriptionQuery, req.query);
    await streamCsv(deps, res, {
      filename: `subscriptions-${profileId}-${today()}.csv`,
      columns: SUBSCRIPTION_COLUMNS,
      query: subscriptionsQuery(profileId, filters),
      view: subscriptionView,
    });
  });

  router.get('/profiles/:id/removal-candidates.csv', async (req, res) => {
    const profileId = await profileParam(db, req);
    const { state, ...filters } = parseQuery(candidateQuery, req.query);
    await streamCsv(deps, res, {
      filename: `removal-candidates-${profileId}-${today()}.csv`,
      columns: CANDIDATE_COLUMNS,
      query: removalCandidatesQuery(profileId, { ...filters, states: state }),
      view: removalCandidateView,
    });
  });

  return router;
}
