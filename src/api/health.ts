import { Router, type RequestHandler } from 'express';
import type { Metrics } from '../metrics';
import type { ApiDeps } from './deps';

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `/healthz`: the process is alive (restart it if this fails). `/readyz`: it can do its work, PostgreSQL and
 * Temporal both answer (take it out of rotation while this fails); 503 names what is down.
 */
export function healthRouter(deps: Pick<ApiDeps, 'db' | 'temporal'>, more: Array<[name: string, probe: () => Promise<unknown>]> = []): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'alive' });
  });
  router.get('/readyz', async (_req, res) => {
    const probes: Array<[name: string, probe: () => Promise<unknown>]> = [
      ['database', () => deps.db.ping()],
      ['temporal', () => deps.temporal.connection.workflowService.getSystemInfo({})],
      ...more,
    ];
    const checks = await Promise.all(
      probes.map(async ([name, probe]) => {
        try {
          await withTimeout(probe(), name);
          return [name, 'ok'] as const;
        } catch (err) {
          return [name, `down: ${(err as Error).message.split('\n')[0]}`] as const;
        }
      }),
    );
    const down = checks.filter(([, state]) => state !== 'ok');
    const body = { status: down.length === 0 ? 'ready' : 'unready', checks: Object.fromEntries(checks) };
    res.status(down.length === 0 ? 200 : 503).json(body);
  });
  return router;
}

/** Prometheus text exposition of the process's metrics. */
export function metricsHandler(metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    res.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.exposition());
  };
}
