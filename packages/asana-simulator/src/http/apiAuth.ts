import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AccessToken } from '../oauth';
import type { Member } from '../organization';
import type { Simulator } from '../simulator';
import { ApiError, sendApiError } from './respond';

export interface ApiCaller {
  member: Member;
  token: AccessToken;
  /** Name of the OAuth app the token was granted to, when it came from a grant. */
  appName: string | null;
}

export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

export function callerOf(res: Response): ApiCaller {
  const caller = res.locals.caller as ApiCaller | undefined;
  if (!caller) throw new Error('API route reached without an authenticated caller');
  return caller;
}

/**
 * What stands in front of every API route, in Asana's order: the injected latency, the bearer token
 * (401), the per-token rate limit (429, rejected requests counted), then injected server errors.
 */
export function apiGate(sim: Simulator): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const latency = sim.faults.latency();
    if (latency > 0) answerNoSoonerThan(res, performance.now() + latency);

    const token = bearerToken(req);
    if (!token) {
      sendApiError(req, res, 401, 'Not Authorized: send an access token in the Authorization header (Bearer).');
      return;
    }
    const check = sim.oauth.checkAccessToken(token);
    if (!check.ok) {
      const why = { unknown: 'the access token is not valid', expired: 'the access token has expired; refresh it', revoked: 'the access token has been revoked' };
      sendApiError(req, res, 401, `Not Authorized: ${why[check.reason]}.`);
      return;
    }
    const member = sim.org.findByGid(check.token.userGid) ?? sim.serviceAccountOf(check.token);
    if (!member || member.removedAt !== null) {
      sendApiError(req, res, 401, 'Not Authorized: the user of this token is no longer a member of the organization.');
      return;
    }
    const grant = sim.oauth.grantOf(check.token);
    const appName = grant ? (sim.oauth.findApp(grant.clientId)?.name ?? grant.clientId) : null;
    res.locals.caller = { member, token: check.token, appName } satisfies ApiCaller;
    res.locals.userGid = member.gid;

    const limit = sim.faults.rateLimit(sim.scenario.plan);
    if (limit !== null) {
      const decision = sim.limiter.check(`token:${check.token.id}`, sim.clock(), limit, sim.faults.windowSeconds() * 1000);
      if (!decision.allowed) {
        res.set('Retry-After', String(decision.retryAfterSeconds));
        sendApiError(req, res, 429, "You've made too many requests and hit a rate limit. Please retry after the given amount of time.");
        return;
      }
    }

    if (sim.faults.shouldFail()) {
      sendApiError(req, res, 500, 'Server Error', sim.faults.errorPhrase());
      return;
    }
    if (req.method === 'POST' && sim.faults.shouldLoseWriteResponse()) {
      // The route does its work; only its answer is replaced, so the caller cannot tell it succeeded.
      const send = res.send.bind(res);
      res.send = (() => {
        res.send = send;
        sendApiError(req, res, 502, 'Bad Gateway', sim.faults.errorPhrase());
        return res;
      }) as typeof res.send;
    }
    next();
  };
}

/** Turns thrown ApiErrors (and body-parser failures) into Asana's error envelope. */
export function apiErrorHandler(sim: Simulator) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof ApiError) {
      for (const [name, value] of Object.entries(err.headers)) res.set(name, value);
      sendApiError(req, res, err.status, err.message);
      return;
    }
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendApiError(req, res, status, `Could not read the request body: ${(err as Error).message}`);
      return;
    }
    sim.logger?.error({ err }, 'simulator API handler failed');
    sendApiError(req, res, 500, 'Server Error', sim.faults.errorPhrase());
  };
}

/**
 * Holds the answer until `at`: the injected latency is the time Asana takes to answer, its own work included, so a
 * page this simulator takes 3 ms to build still arrives after the latency, not 3 ms after it.
 */
function answerNoSoonerThan(res: Response, at: number): void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    const wait = at - performance.now();
    if (wait <= 0) return end(...args);
    setTimeout(() => end(...args), wait);
    return res;
  }) as Response['end'];
}
