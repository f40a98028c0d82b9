import type { Request } from 'express';
import type { Simulator } from '../simulator';
import { ApiError, queryParam } from './respond';

/** Asana's `limit`: an integer from 1 to 100; undefined when absent. */
export function parseLimit(req: Request): number | undefined {
  const raw = queryParam(req, 'limit');
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new ApiError(400, `limit: Not an integer: ${raw}`);
  const limit = Number(raw);
  if (limit < 1 || limit > 100) throw new ApiError(400, `limit: The value must be between 1 and 100, got ${raw}.`);
  return limit;
}

/** Decodes an offset this simulator issued for the same kind of listing; anything else is a 400. */
export function parseOffset(sim: Simulator, req: Request, kind: string, scope: string): Record<string, unknown> | undefined {
  const raw = queryParam(req, 'offset');
  if (raw === undefined) return undefined;
  const payload = sim.offsets.decode(raw);
  if (!payload || payload.k !== kind || payload.s !== sim.generation || payload.w !== scope) {
    throw new ApiError(400, 'offset: Your pagination token is invalid or has expired. Use an offset returned by a previous request.');
  }
  return payload;
}

export function encodeOffset(sim: Simulator, kind: string, scope: string, position: Record<string, unknown>): string {
  return sim.offsets.encode({ k: kind, s: sim.generation, w: scope, ...position });
}

/** next_page as Asana gives it: the offset, and the same request's path and URI with that offset. */
export function nextPage(req: Request, offset: string): { offset: string; path: string; uri: string } {
  const url = new URL(req.originalUrl, 'http://placeholder');
  url.searchParams.set('offset', offset);
  const apiPrefix = req.baseUrl; // "/api/1.0"
  const relative = url.pathname.startsWith(apiPrefix) ? url.pathname.slice(apiPrefix.length) : url.pathname;
  const path = `${relative}${url.search}`;
  return { offset, path, uri: `${req.protocol}://${req.get('host') ?? 'localhost'}${apiPrefix}${path}` };
}
