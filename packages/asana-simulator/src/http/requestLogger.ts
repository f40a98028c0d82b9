import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { tokenHint } from '../oauth';
import { redactQuery } from '../requestLog';
import type { Simulator } from '../simulator';
import { iso } from '../time';
import { bearerToken } from './apiAuth';

/**
 * Records each API and OAuth request once it is answered. Only a hash prefix of the bearer token is
 * kept, credential-like query parameters are redacted and bodies are never read.
 */
export function requestLogger(sim: Simulator): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const startedAt = sim.clock();
    const started = process.hrtime.bigint();
    // Mounted at /api and /-: whatever precedes them (an organization's /orgs/<key>) is not part of Asana's path.
    const prefix = req.baseUrl.slice(0, req.baseUrl.lastIndexOf('/'));
    const path = new URL(req.originalUrl, 'http://placeholder').pathname.slice(prefix.length);
    const query = redactQuery(req.query as Record<string, unknown>);
    const token = path.startsWith('/api/') ? bearerToken(req) : undefined;
    let done = false;
    const record = (): void => {
      if (done) return;
      done = true;
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const userGid: unknown = res.locals.userGid;
      sim.requestLog.record({
        method: req.method,
        path,
        query,
        status: res.statusCode,
        time: iso(sim.clock()),
        startedAt: iso(startedAt),
        durationMs: Math.round(durationMs * 100) / 100,
        tokenHint: token ? tokenHint(token) : null,
        userGid: typeof userGid === 'string' ? userGid : null,
      });
      sim.logger?.debug({ method: req.method, path, status: res.statusCode, durationMs }, 'simulator request');
    };
    res.on('finish', record);
    res.on('close', record);
    next();
  };
}
