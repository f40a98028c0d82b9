// Asana wraps every answer: `{data, next_page?}` on success, `{errors: [{message, help, phrase}]}` on
// failure. Only the envelope is checked here; the resources inside are trusted to match the spec.
import { AsanaApiError, AsanaUnavailableError } from './errors';
import type { Page } from './types';

export function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new AsanaUnavailableError(`${what}: Asana answered with a body that is not JSON`);
  }
}

export function dataOf<T>(json: unknown, what: string): T {
  if (json === null || typeof json !== 'object' || !('data' in json)) {
    throw new AsanaUnavailableError(`${what}: Asana's answer has no "data"`);
  }
  return json.data as T;
}

export function pageOf<T>(json: unknown, what: string): Page<T> {
  const data = dataOf<unknown>(json, what);
  if (!Array.isArray(data)) throw new AsanaUnavailableError(`${what}: Asana's "data" is not a list`);
  const next = (json as { next_page?: { offset?: unknown } | null }).next_page;
  const offset = next?.offset;
  return { data: data as T[], nextOffset: typeof offset === 'string' && offset !== '' ? offset : null };
}

/** Builds the error for a failed answer from the `errors[].message` Asana sent. */
export function apiErrorOf(status: number, body: string, what: string): AsanaApiError {
  let messages: string[] = [];
  let phrase: string | undefined;
  try {
    const json = JSON.parse(body) as { errors?: unknown };
    if (Array.isArray(json.errors)) {
      for (const e of json.errors as { message?: unknown; phrase?: unknown }[]) {
        if (typeof e?.message === 'string' && e.message) messages.push(e.message);
        if (typeof e?.phrase === 'string' && e.phrase && !phrase) phrase = e.phrase;
      }
    }
  } catch {
    messages = [];
  }
  const said = messages.length > 0 ? messages.join('; ') : `HTTP ${status}`;
  const incident = phrase ? ` (Asana error phrase: ${phrase})` : '';
  return new AsanaApiError(status, `${what} failed with ${status}: ${said}${incident}`, phrase);
}
