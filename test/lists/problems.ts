import { expect } from 'vitest';
import type { ApiResponse } from '../support/harness';

/** An RFC 9457 problem with the status and a detail matching `detail`. */
export function expectProblem(res: ApiResponse, status: number, detail: RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(res.body.status).toBe(status);
  expect(res.body.detail).toMatch(detail);
}

/** The fields a 400 names. */
export const fieldsOf = (res: ApiResponse): string[] => (res.body.errors ?? []).map((e: { field: string }) => e.field);
