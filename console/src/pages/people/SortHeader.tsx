import { nextDirection, type SortDirection } from '../../lib/sortByActivity';

/** A column header that sorts the rows shown by last activity. */
export function ActivitySortHeader({ direction, onChange }: { direction: SortDirection; onChange: (d: SortDirection) => void }) {
  const arrow = direction === 'ascending' ? '↑' : direction === 'descending' ? '↓' : '↕';
  return (
    <th scope="col" aria-sort={direction}>
      <button type="button" class="sort-button" onClick={() => onChange(nextDirection(direction))}>
        Last activity <span aria-hidden="true">{arrow}</span>
        <span class="visually-hidden">, sort {direction === 'ascending' ? 'newest first' : direction === 'descending' ? 'off' : 'oldest first'}</span>
      </button>
    </th>
  );
}
