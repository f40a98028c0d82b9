import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpProblem, sendProblem } from './problem';

/** Every /api route needs `Authorization: Bearer <API token>`. */
export function requireBearerToken(expected: string): RequestHandler {
  const expectedDigest = digest(expected);
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !crypto.timingSafeEqual(digest(match[1]!.trim()), expectedDigest)) {
      res.set('WWW-Authenticate', 'Bearer realm="api"');
      return sendProblem(
        res,
        new HttpProblem(401, 'Unauthorized', match ? 'The API token is not valid.' : 'Send the API token as "Authorization: Bearer <token>".'),
      );
    }
    next();
  };
}

function digest(value: string): Buffer {
  return crypto.createHash('sha256').update(value).digest();
}
