// Sorting rows of a page by last activity (the API pages in its own order; the console sorts what it shows).

export type SortDirection = 'none' | 'ascending' | 'descending';

/** Oldest activity first when ascending, with "never" before every date (the least active first). */
export function sortByActivity<T extends { lastActivityAt: string | null }>(rows: T[], direction: SortDirection): T[] {
  if (direction === 'none') return rows;
  const time = (r: T) => (r.lastActivityAt ? Date.parse(r.lastActivityAt) : -Infinity);
  const sorted = [...rows].sort((a, b) => time(a) - time(b));
  return direction === 'ascending' ? sorted : sorted.reverse();
}

export function nextDirection(d: SortDirection): SortDirection {
  return d === 'none' ? 'ascending' : d === 'ascending' ? 'descending' : 'none';
}
