// Asana wraps every answer: `{data, next_page?}` on success, `{errors: [{message, help, phrase}]}` on
// failure. Only the envelope is checked here; the resources inside are trusted to match the spec.
import { AsanaApiError, AsanaUnavailableError } from './errors';
import type { Page } from './types';

/**
 * PostgreSQL cannot store a NUL character in text, and one in a single name would otherwise fail the page
 * that carries it on every attempt. Asana's text is cleaned of it here, once, for every answer. (JSON can
 * only carry NUL escaped, so bodies without the escape skip the cleaning.)
 */
const withoutNul = (_key: string, value: unknown) => (typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '') : value);

/** JSON.parse for every body Asana sends, with its text made storable. */
export function parseAsanaJson(body: string): unknown {
  return body.includes('\\u0000') ? JSON.parse(body, withoutNul) : JSON.parse(body);
}

export function parseJson(body: string, what: string): unknown {
  try {
    return parseAsanaJson(body);
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
