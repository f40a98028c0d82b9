import type { Request, Response } from 'express';

export const ERRORS_HELP =
  'For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors';

/** An API failure, rendered in Asana's error envelope by the API router's error handler. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** First value of a query parameter; repeated parameters are treated as the first one. */
export function queryParam(req: Request, name: string): string | undefined {
  const value: unknown = (req.query as Record<string, unknown>)[name];
  if (Array.isArray(value)) return value.length > 0 ? String(value[0]) : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Asana's opt_pretty: any value but "false" asks for indented JSON. */
function wantsPretty(req: Request): boolean {
  const value = queryParam(req, 'opt_pretty');
  return value !== undefined && value !== 'false';
}

export function sendJson(req: Request, res: Response, status: number, body: unknown): void {
  const text = wantsPretty(req) ? JSON.stringify(body, null, 2) : JSON.stringify(body);
  res.status(status).type('application/json; charset=utf-8').send(text);
}

export function sendApiError(req: Request, res: Response, status: number, message: string, phrase?: string): void {
  const error: Record<string, string> = { message, help: ERRORS_HELP };
  if (phrase !== undefined) error.phrase = phrase;
  sendJson(req, res, status, { errors: [error] });
}
