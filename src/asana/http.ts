import { setTimeout as sleep } from 'node:timers/promises';
import { AsanaUnavailableError } from './errors';

export interface HttpResult {
  status: number;
  headers: Headers;
  body: string;
}

export interface SendOptions {
  timeoutMs: number;
  /** Cancellation from the caller (an activity's cancellation signal); its reason is rethrown as is. */
  signal?: AbortSignal;
  /** Names the request in errors, e.g. `GET /users/me`; must not carry credentials. */
  what: string;
}

/**
 * One HTTP exchange, body included: the timeout covers reading the body too, since a stalled body
 * hangs a page walk just as surely as a stalled connect.
 */
export async function send(url: string, init: RequestInit, opts: SendOptions): Promise<HttpResult> {
  opts.signal?.throwIfAborted();
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const res = await fetch(url, { ...init, signal, redirect: 'manual' });
    const body = await res.text();
    return { status: res.status, headers: res.headers, body };
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (timeout.aborted) {
      throw new AsanaUnavailableError(`${opts.what}: Asana did not answer within ${opts.timeoutMs} ms`);
    }
    throw new AsanaUnavailableError(`${opts.what}: Asana unreachable (${describeNetworkError(err)})`);
  }
}

function describeNetworkError(err: unknown): string {
  // undici wraps the socket error as `cause`; its code (ECONNREFUSED, ...) is what helps an operator.
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (err instanceof Error) return err.message;
  return 'network error';
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date. Without a usable header, one minute,
 * the width of Asana's rate-limit window, is the wait that is certain to be enough.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number {
  const fallback = 60_000;
  if (value === null) return fallback;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return fallback;
  return Math.max(0, date - now);
}

/** Resolves once `deadline` (a `performance.now()` time) has passed; never early. Cancelled, it rethrows the signal's reason. */
export async function sleepUntil(deadline: number, signal?: AbortSignal): Promise<void> {
  for (;;) {
    signal?.throwIfAborted();
    const remaining = deadline - performance.now();
    if (remaining <= 0) return;
    // Timers may fire a fraction of a millisecond early, so re-check rather than trust one timeout.
    await sleep(Math.ceil(remaining), undefined, { signal }).catch((err: unknown) => {
      throw signal?.aborted ? signal.reason : err;
    });
  }
}
