import type { RequestLogEntry } from './types';

const MAX_ENTRIES = 100_000;

/** Query parameters that may carry a credential; their values never reach the log. */
const SECRET_PARAMS = new Set(['code', 'code_verifier', 'client_secret', 'access_token', 'refresh_token', 'token', 'password', 'assertion']);

export function redactQuery(query: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(query)) {
    if (SECRET_PARAMS.has(key.toLowerCase())) out[key] = '[redacted]';
    else if (Array.isArray(value)) out[key] = value.map(String);
    else if (value !== undefined) out[key] = String(value);
  }
  return out;
}

/** Every API and OAuth request served, bounded so a long benchmark cannot exhaust memory. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];

  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries = this.entries.slice(-MAX_ENTRIES / 2);
  }

  /** Entries finished at or after `since` (all when omitted), oldest first. */
  list(since?: number): RequestLogEntry[] {
    if (since === undefined) return [...this.entries];
    return this.entries.filter((e) => Date.parse(e.time) >= since);
  }

  clear(): void {
    this.entries = [];
  }
}
