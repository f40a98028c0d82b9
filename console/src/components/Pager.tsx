import { formatCount } from '../lib/format';

/** Previous / next through a list the API pages (`limit`, `offset`, `total`). */
export function Pager({ total, limit, offset, onOffset, label }: { total: number; limit: number; offset: number; onOffset: (o: number) => void; label: string }) {
  if (total === 0) return null;
  const last = Math.min(offset + limit, total);
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        Previous
      </button>
      <span aria-live="polite">
        {formatCount(offset + 1)}–{formatCount(last)} of {formatCount(total)}
      </span>
      <button type="button" disabled={last >= total} onClick={() => onOffset(offset + limit)}>
        Next
      </button>
    </nav>
  );
}
