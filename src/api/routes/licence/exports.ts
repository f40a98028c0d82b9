import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { streamList, type ListQuery } from '../../../db/sql';
import { subscriptionsQuery, subscriptionView } from '../../../store/subscriptions';
import { removalCandidatesQuery, removalCandidateView } from '../../../store/candidates';
import { subscriptionFilterFields } from '../lists/subscriptions';
import { candidateFilterFields } from '../lists/removalCandidates';
import { parseQuery, profileParam } from '../params';
import { csvStream } from './csv';

/** Rows fetched at a time from the server-side cursor: memory is bounded by this, not the organization. */
const EXPORT_BATCH = 2000;

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only when `columns` names every field of the JSON view, so the two cannot drift apart. */
const columnsOf = <V>() => <const C extends readonly (keyof V)[]>(columns: C & (Equal<C[number], keyof V> extends true ? unknown : 'a field of the view is missing')) => columns;

const SUBSCRIPTION_COLUMNS = columnsOf<ReturnType<typeof subscriptionView>>()([
  'userGid', 'name', 'email', 'identifier', 'modelId', 'model', 'isAdmin', 'accountCreatedAt', 'status', 'firstSeenAt', 'lastSeenAt', 'endedAt', 'lastActivityAt',
]);
const CANDIDATE_COLUMNS = columnsOf<ReturnType<typeof removalCandidateView>>()([
  'id', 'userGid', 'name', 'email', 'ruleId', 'modelId', 'state', 'reason', 'lastActivityAt', 'createdAt', 'updatedAt', 'closedAt', 'dryRunAt', 'restoredAt', 'protectedUntil',
]);

// The JSON lists' own filters; pagination does not apply: an export holds every row.
export const subscriptionsCsvQuery = z.object(subscriptionFilterFields).strict();
export const candidatesCsvQuery = z.object(candidateFilterFields).strict();

/** Resolves once the stream has its first rows (or has ended); rejects if it fails before that. */
function firstRows(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      stream.off('readable', onReady).off('end', onReady).off('error', settle);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => settle();
    stream.once('readable', onReady).once('end', onReady).once('error', settle);
  });
}

/**
 * Streams a list as CSV: its rows through a server-side cursor (pg-query-stream), each turned into the list's
 * JSON view, through csv-stringify, into the response, with back-pressure all the way (a slow reader slows the
 * export, not memory). One read-only REPEATABLE READ transaction: no row is skipped or repeated while runs
 * write. The first rows are read before the headers go out, so a failure up to then is still a problem document.
 */
export async function streamCsv<R extends object, V extends object>(
  deps: ApiDeps,
  res: Response,
  p: { filename: string; columns: readonly (keyof V & string)[]; query: ListQuery; view: (row: R) => V },
): Promise<void> {
  await deps.db.withTransaction(
    async (tx) => {
      const rows = streamList(tx, p.query, EXPORT_BATCH);
      await firstRows(rows);
      res
        .status(200)
        .setHeader('Content-Type', 'text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="${p.filename}"`)
        .setHeader('Cache-Control', 'no-store');
      const views = new Transform({ objectMode: true, transform: (row: R, _encoding, done) => done(null, p.view(row)) });
      try {
        await pipeline(rows, views, csvStream(p.columns), res);
      } catch (err) {
        // Too late for a problem document: pipeline has cut the response, so the client sees a broken download.
        if ((err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
        deps.logger.error({ err, filename: p.filename }, 'CSV export failed while streaming');
      }
    },
    { snapshot: true },
  );
}

const today = () => new Date().toISOString().slice(0, 10);

/** `.../subscriptions.csv` and `.../removal-candidates.csv`: the JSON lists, every row, as CSV downloads. */
export function exportsRouter(deps: ApiDeps): Router {
  const router = Router();
  const { db } = deps;

  router.get('/profiles/:id/subscriptions.csv', async (req, res) => {
    const profileId = await profileParam(db, req);
    const filters = parseQuery(subscriptionsCsvQuery, req.query);
    await streamCsv(deps, res, {
      filename: `subscriptions-${profileId}-${today()}.csv`,
      columns: SUBSCRIPTION_COLUMNS,
      query: subscriptionsQuery(profileId, filters),
      view: subscriptionView,
    });
  });

  router.get('/profiles/:id/removal-candidates.csv', async (req, res) => {
    const profileId = await profileParam(db, req);
    const { state, ...filters } = parseQuery(candidatesCsvQuery, req.query);
    await streamCsv(deps, res, {
      filename: `removal-candidates-${profileId}-${today()}.csv`,
      columns: CANDIDATE_COLUMNS,
      query: removalCandidatesQuery(profileId, { ...filters, states: state }),
      view: removalCandidateView,
    });
  });

  return router;
}
