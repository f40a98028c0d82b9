// The console's sessions. Signing in hands the API token to the service once; the browser then holds only a
// random session id (an HttpOnly cookie), and each /api request of the page is turned back into the bearer
// request it stands for, so the token check stays the one the API already makes.
import crypto from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { jsonBodyGuards } from '../requestGuards';
import { sha256 } from '../../secrets/secretBox';
import { createConsoleSession, deleteConsoleSession, findConsoleSession, type ConsoleSessionRow } from '../../store/consoleSessions';
import { readCookie, SESSION_COOKIE, sessionCookie } from './cookies';

/** How long a session lasts from sign-in: a working day, then the token is asked for again. */
export const SESSION_SECONDS = 12 * 60 * 60;
export const CSRF_HEADER = 'x-csrf-token';

export const signInBody = z.object({ token: z.string().trim().min(1, 'enter the API token').max(1_000) }).strict();
export const sessionSchema = z
  .object({
    csrfToken: z.string().describe('send it as X-CSRF-Token on every request that changes something'),
    expiresAt: z.date(),
    temporalUi: z.object({ url: z.string(), namespace: z.string() }).nullable().describe('where the console links each run, when the service knows its Temporal Web UI'),
  })
  .meta({ id: 'ConsoleSession', description: 'A signed-in console session; the session id itself is only in the HttpOnly cookie.' });

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const forbidden = (detail: string) => new HttpProblem(403, 'Forbidden', detail);
const randomId = () => crypto.randomBytes(32).toString('base64url');

function sameSecret(a: string, b: string): boolean {
  return crypto.timingSafeEqual(crypto.createHash('sha256').update(a).digest(), crypto.createHash('sha256').update(b).digest());
}

/** A request a page of another site could have made: it names an origin that is not this service's. */
function foreignOrigin(req: Request, publicBaseUrl: string): boolean {
  const origin = req.get('origin');
  if (!origin) return false;
  return origin !== `${req.protocol}://${req.get('host') ?? ''}` && origin !== new URL(publicBaseUrl).origin;
}

/**
 * The session routes (`POST`/`GET`/`DELETE /session`, mounted under /api) and the middleware that turns a
 * session cookie into `Authorization: Bearer <token>`. Mount it before `bearerCheck`, which is the API's own
 * token check: signing in runs it on the token given, and every session request goes through it again.
 */
export function consoleSessions(deps: ApiDeps, bearerCheck: RequestHandler): Router {
  const router = Router();
  const now = () => deps.now?.() ?? new Date();
  const temporalUi = deps.temporalUi ?? null;
  const secure = (req: Request) => req.secure || deps.publicBaseUrl.startsWith('https:');
  const clearCookie = (req: Request, res: Response) => res.append('Set-Cookie', sessionCookie('', { maxAgeSeconds: 0, secure: secure(req) }));

  const sessionOf = async (req: Request): Promise<{ idHash: string; row: ConsoleSessionRow } | null> => {
    const id = readCookie(req, SESSION_COOKIE);
    if (!id) return null;
    const idHash = sha256(id);
    const row = await findConsoleSession(deps.db, idHash, now());
    return row ? { idHash, row } : null;
  };

  /** Runs the API's token check on `token` as if the request had sent it; `then` runs only if it passes. */
  const asBearer = (req: Request, res: Response, token: string, then: () => Promise<void>): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      req.headers.authorization = `Bearer ${token}`;
      res.once('finish', resolve);
      void Promise.resolve(bearerCheck(req, res, (err?: unknown) => (err ? reject(err) : then().then(resolve, reject)))).catch(reject);
    });

  router.post('/session', ...jsonBodyGuards(), async (req, res) => {
    if (foreignOrigin(req, deps.publicBaseUrl)) throw forbidden('Sign in from the console of this service.');
    const { token } = signInBody.parse(req.body ?? {});
    await asBearer(req, res, token, async () => {
      const id = randomId();
      const csrfToken = randomId();
      const expiresAt = new Date(now().getTime() + SESSION_SECONDS * 1000);
      await createConsoleSession(deps.db, { idHash: sha256(id), sealedToken: deps.box.seal(token), csrfToken, expiresAt, now: now() });
      res.append('Set-Cookie', sessionCookie(id, { maxAgeSeconds: SESSION_SECONDS, secure: secure(req) }));
      res.status(201).json({ csrfToken, expiresAt, temporalUi });
    });
  });

  router.get('/session', async (req, res) => {
    const session = await sessionOf(req);
    // Not signed in is an answer, not an error: the console asks this on every load.
    if (!session) {
      clearCookie(req, res);
      return res.status(204).end();
    }
    // The token may have been revoked since sign-in: then the check refuses it, and the session ends with it.
    res.once('finish', () => {
      if (res.statusCode === 401) void deleteConsoleSession(deps.db, session.idHash).catch(() => undefined);
    });
    clearCookie(req, res);
    await asBearer(req, res, deps.box.open(session.row.sealed_token), async () => {
      res.removeHeader('Set-Cookie');
      res.json({ csrfToken: session.row.csrf_token, expiresAt: session.row.expires_at, temporalUi });
    });
  });

  router.delete('/session', async (req, res) => {
    const session = await sessionOf(req);
    if (session) {
      checkCsrf(req, session.row);
      await deleteConsoleSession(deps.db, session.idHash);
    }
    clearCookie(req, res);
    res.status(204).end();
  });

  const checkCsrf = (req: Request, row: ConsoleSessionRow) => {
    if (foreignOrigin(req, deps.publicBaseUrl)) throw forbidden('This request came from another site; nothing was changed.');
    const sent = req.get(CSRF_HEADER);
    if (!sent || !sameSecret(sent, row.csrf_token)) throw forbidden(`The request lacks the console's ${CSRF_HEADER} header; reload the console and try again.`);
  };

  // A request that names its own credentials is left as it is; a session stands in only for a missing one.
  router.use(async (req, _res, next) => {
    if (req.headers.authorization) return next();
    const session = await sessionOf(req);
    if (!session) return next();
    if (!SAFE_METHODS.has(req.method)) checkCsrf(req, session.row);
    req.headers.authorization = `Bearer ${deps.box.open(session.row.sealed_token)}`;
    next();
  });
  return router;
}
