// Sorting a list by last activity: the API sorts (every page, and the CSV), the console says which way.

export type SortDirection = 'none' | 'ascending' | 'descending';

/** The API's `sort` parameter for a direction: ascending is the least active first ("never" before every date). */
export function sortParam(direction: SortDirection): '' | 'lastActivityAt' | '-lastActivityAt' {
  return direction === 'ascending' ? 'lastActivityAt' : direction === 'descending' ? '-lastActivityAt' : '';
}

export function directionOf(sort: string): SortDirection {
  return sort === 'lastActivityAt' ? 'ascending' : sort === '-lastActivityAt' ? 'descending' : 'none';
}

export function nextDirection(d: SortDirection): SortDirection {
  return d === 'none' ? 'ascending' : d === 'ascending' ? 'descending' : 'none';
}
