export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Injected clock, so tests can move time (code expiry, token TTL) without waiting. */
export type Clock = () => number;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
