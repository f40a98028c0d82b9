import type { ErrorRequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from '../logger';
import { INVALID_INPUT, INVALID_TRANSITION } from '../workflows/profile/definitions';
import { RuleViolation } from '../errors';

/** An RFC 9457 problem the API answers with; `detail` says what the caller can do about it. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export const notFound = (what: string) => new HttpProblem(404, 'Not Found', `${what} does not exist.`);
export const conflict = (detail: string, extras: Record<string, unknown> = {}) => new HttpProblem(409, 'Conflict', detail, extras);
export const badRequest = (detail: string, extras: Record<string, unknown> = {}) => new HttpProblem(400, 'Bad Request', detail, extras);

/** The most of a caller's own input a problem repeats back (a 100 KB field is not echoed, twice or once). */
const MAX_ECHO = 200;
const MAX_DETAIL = 2_000;

/** Shortens text that may carry the caller's input, so an error never grows with what was sent. */
export function capped(text: string, max = MAX_ECHO): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

function cappedDeep(value: unknown): unknown {
  if (typeof value === 'string') return capped(value);
  if (Array.isArray(value)) return value.slice(0, 50).map(cappedDeep);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [capped(k), cappedDeep(v)]));
  return value;
}

export function sendProblem(res: Response, problem: HttpProblem): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title: problem.title, status: problem.status, detail: capped(problem.detail, MAX_DETAIL), ...(cappedDeep(problem.extras) as object) });
}

/** Translates every error once, at the edge: known kinds become 4xx problems, the rest a bare 500. */
export function toProblem(err: unknown): HttpProblem | null {
  if (err instanceof HttpProblem) return err;
  if (err instanceof RuleViolation) return ruleProblem(err);
  if (err instanceof ZodError) {
    const fields = err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
    return badRequest(fields.map((f) => `${f.field}: ${f.message}`).join('; '), { errors: fields });
  }
  if (isBodyParseError(err)) return badRequest('The request body is not valid JSON.');
  const http = httpErrorProblem(err);
  if (http) return http;
  if (err instanceof WorkflowNotFoundError) return notFound('The profile');
  // Two requests raced for the same thing: the other one won, this one changed nothing.
  if (err instanceof WorkflowExecutionAlreadyStartedError) return conflict('Another request just started the same run; reload and try again.');
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    if (err.cause.type === INVALID_TRANSITION) return conflict(err.cause.message);
    if (err.cause.type === INVALID_INPUT) return badRequest(err.cause.message);
  }
  return databaseProblem(err);
}

/** A rule the request broke, in its HTTP words. */
function ruleProblem(err: RuleViolation): HttpProblem {
  const { field, ...extras } = err.details as { field?: string };
  switch (err.kind) {
    case 'forbidden':
      return new HttpProblem(403, 'Forbidden', err.message, extras);
    case 'not_found':
      return new HttpProblem(404, 'Not Found', err.message, extras);
    case 'conflict':
      return conflict(err.message, extras);
    case 'invalid':
      return badRequest(err.message, field ? { ...extras, errors: [{ field, message: err.message.replace(/^[^:]+: /, '') }] } : extras);
  }
}

/** What the body parser and the router refuse (http-errors with a 4xx status): too large, wrong charset, bad encoding. */
function httpErrorProblem(err: unknown): HttpProblem | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { status?: unknown; type?: unknown; message?: unknown };
  if (typeof e.status !== 'number' || e.status < 400 || e.status >= 500) return null;
  const detail: Record<string, string> = {
    'entity.too.large': 'The request body is larger than the API accepts (1 MB, once decompressed).',
    'charset.unsupported': 'Send the JSON body in UTF-8 (Content-Type: application/json; charset=utf-8, or no charset).',
    'encoding.unsupported': 'The Content-Encoding is not one the API reads: send the body as is, or gzip, deflate or br.',
  };
  const title: Record<number, string> = { 400: 'Bad Request', 413: 'Content Too Large', 415: 'Unsupported Media Type' };
  const known = typeof e.type === 'string' ? detail[e.type] : undefined;
  const fallback = e.status === 400 ? 'The request could not be read (a malformed path, or a body that does not decompress).' : String(e.message);
  return new HttpProblem(e.status, title[e.status] ?? 'Bad Request', known ?? fallback);
}

/**
 * PostgreSQL's refusals that only a request could have caused reach the caller as a 4xx, never a 500: a value
 * the database cannot hold (SQLSTATE class 22), and a lost race for a row (unique violation, deadlock,
 * serialization failure), where the other request won and this one changed nothing.
 */
function databaseProblem(err: unknown): HttpProblem | null {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null;
  if (code.startsWith('22')) return badRequest('A value in the request is outside what the service can store (a date, a number or text out of range).');
  if (code === '23505' || code === '40P01' || code === '40001') return conflict('Another request changed the same thing at the same moment; reload and try again.');
  return null;
}

function isBodyParseError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { type?: string }).type === 'entity.parse.failed';
}

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // A body refused before it was read (too large, wrong type) is discarded, and the connection closed after
    // the answer, so the client reads the answer instead of a reset while it is still sending.
    if (!req.complete) {
      res.setHeader('Connection', 'close');
      req.resume();
    }
    const problem = toProblem(err);
    if (problem) {
      // A database refusal turned into a 4xx means a check the API should have made itself: worth a line.
      if (!(err instanceof HttpProblem) && typeof (err as { code?: unknown })?.code === 'string') {
        logger.warn({ code: (err as { code: string }).code, method: req.method, path: req.path, status: problem.status }, 'database refused a request');
      }
      return sendProblem(res, problem);
    }
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    sendProblem(res, new HttpProblem(500, 'Internal Server Error', 'The service failed to handle this request; the operator can find the cause in its log.'));
  };
}
