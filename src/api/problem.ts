import type { ErrorRequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from '../logger';
import { INVALID_INPUT, INVALID_TRANSITION } from '../workflows/profile/definitions';

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

export function sendProblem(res: Response, problem: HttpProblem): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title: problem.title, status: problem.status, detail: problem.detail, ...problem.extras });
}

/** Translates every error once, at the edge: known kinds become 4xx problems, the rest a bare 500. */
export function toProblem(err: unknown): HttpProblem | null {
  if (err instanceof HttpProblem) return err;
  if (err instanceof ZodError) {
    const fields = err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
    return badRequest(fields.map((f) => `${f.field}: ${f.message}`).join('; '), { errors: fields });
  }
  if (isBodyParseError(err)) return badRequest('The request body is not valid JSON.');
  if (err instanceof WorkflowNotFoundError) return notFound('The profile');
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    if (err.cause.type === INVALID_TRANSITION) return conflict(err.cause.message);
    if (err.cause.type === INVALID_INPUT) return badRequest(err.cause.message);
  }
  return null;
}

function isBodyParseError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { type?: string }).type === 'entity.parse.failed';
}

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const problem = toProblem(err);
    if (problem) return sendProblem(res, problem);
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    sendProblem(res, new HttpProblem(500, 'Internal Server Error', 'The service failed to handle this request; the operator can find the cause in its log.'));
  };
}
