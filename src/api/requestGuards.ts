import express, { type RequestHandler } from 'express';
import { badRequest, HttpProblem } from './problem';

// What every request must be before a route reads it. Each refusal is a 4xx problem, so no hostile or
// malformed request reaches PostgreSQL (which refuses NUL in text and would answer with a 500).

export const BODY_LIMIT = '1mb';

const NUL = '\u0000';

/** The first place in a parsed value holding a NUL character (in a key or a string), as a field path. */
function nulAt(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path || '(body)' : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.includes(NUL)) return here;
    const found = nulAt(child, here);
    if (found) return found;
  }
  return null;
}

const refuseNul = (field: string) =>
  badRequest(`${field}: must not contain a NUL character`, { errors: [{ field, message: 'must not contain a NUL character' }] });

/** The path must decode, and neither it nor the query may carry a NUL. */
export const pathAndQueryGuard: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    return next(badRequest('The request path is not valid percent-encoding (RFC 3986): each % must be followed by two hex digits of UTF-8.'));
  }
  if (path.includes(NUL)) return next(badRequest('The request path must not contain a NUL character.'));
  const field = nulAt(req.query, '');
  if (field) return next(refuseNul(field));
  next();
};

const hasBody = (req: express.Request) =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/**
 * A request body is JSON in UTF-8 (RFC 8259), at most BODY_LIMIT once inflated (a gzip bomb stops at the limit),
 * with no NUL in any key or string. A body of another type is refused rather than ignored: ignoring it would
 * answer 200 to a change that was never made.
 */
export function jsonBodyGuards(): RequestHandler[] {
  const typeGuard: RequestHandler = (req, _res, next) => {
    if (!hasBody(req)) return next();
    if (!req.is('application/json')) {
      return next(new HttpProblem(415, 'Unsupported Media Type', `Send the body as JSON (Content-Type: application/json), not ${String(req.headers['content-type'] ?? 'without a type')}.`));
    }
    next();
  };
  const nulGuard: RequestHandler = (req, _res, next) => {
    const field = nulAt(req.body, '');
    next(field ? refuseNul(field) : undefined);
  };
  return [typeGuard, express.json({ limit: BODY_LIMIT, strict: true }), nulGuard];
}
