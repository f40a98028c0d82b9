import type { SliceBounds } from '../store/activity';

/**
 * Slices of the audit log's first read in flight at once: 5 at 200 ms a request already make a paid token's
 * 1,500 a minute, 8 leave room for slower answers, and all stay well under Asana's ~50 GETs in flight per token.
 */
export const DEFAULT_AUDIT_LOG_CONCURRENCY = 8;
/** Slices per request in flight: more than one each, so a slice denser than the others does not hold the read up alone. */
const SLICES_PER_LANE = 4;
/** No slice is shorter than an hour: each costs a last, empty page, which a very short stretch of log does not repay. */
const MIN_SLICE_MS = 3_600_000;

/**
 * Splits [from, to) into adjacent time slices, oldest first; each ends where the next starts (Asana's start_at is
 * inclusive, its end_at exclusive, so every event falls in exactly one), and the newest is open-ended: it reads on
 * past `to` and becomes the stream later reads follow.
 */
export function planSlices(from: Date, to: Date, concurrency: number): SliceBounds[] {
  const start = from.getTime();
  const span = to.getTime() - start;
  const count = Math.max(1, Math.min(Math.max(1, Math.floor(concurrency)) * SLICES_PER_LANE, Math.floor(span / MIN_SLICE_MS)));
  const bound = (i: number) => new Date(start + Math.round((span * i) / count));
  return Array.from({ length: count }, (_, i) => ({ index: i, startAt: bound(i), endAt: i === count - 1 ? null : bound(i + 1) }));
}
