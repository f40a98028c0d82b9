import type { RequestHandler } from 'express';
import type { Metrics } from '../metrics';

/** Counts and times every answer by its route's template (not its concrete path: a label must have few values). */
export function measureRequests(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const template = req.route?.path as string | undefined;
      const route = template ? `${req.baseUrl}${template}` : 'unmatched';
      metrics.apiRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.apiDuration.observe({ method: req.method, route }, (performance.now() - started) / 1000);
    });
    next();
  };
}
