import { expect } from 'vitest';
import type { ApiResponse, Harness } from '../support/harness';

/** Every item of a paginated JSON list, in the list's order. */
export async function allItems<T = Record<string, unknown>>(h: Harness, path: string): Promise<T[]> {
  const items: T[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let offset = 0; ; offset += 500) {
    const res = await h.api('GET', `${path}${sep}limit=500&offset=${offset}`);
    expect(res.status, res.text).toBe(200);
    items.push(...(res.body.items as T[]));
    if (offset + 500 >= res.body.total) return items;
  }
}

/** An RFC 4180 parser, independent of the code under test: quoted fields, doubled quotes, CRLF records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '') {
      // A quoted field runs to the next quote not followed by another.
      i += 1;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error(`unexpected ${JSON.stringify(text[i])} after a quoted field at ${i}`);
    } else if (c === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      if (c === '"' || c === '\n' || c === '\r') throw new Error(`bare ${JSON.stringify(c)} in an unquoted field at ${i}`);
      field += c;
      i += 1;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}

/** A JSON value as its CSV cell should read: ISO times as in JSON, null empty, formulas defused. */
export function expectedCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export async function getCsv(h: Harness, path: string): Promise<ApiResponse> {
  return h.api('GET', path, undefined, { headers: { accept: 'text/csv' } });
}
