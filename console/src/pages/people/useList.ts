import { useState } from 'preact/hooks';
import { api, query } from '../../api/client';
import type { Page } from '../../api/types';
import { useResource } from '../../lib/useResource';

export const PAGE_SIZE = 25;

/** A list of the API with its filters and page: changing a filter goes back to the first page. */
export function useList<T, F extends Record<string, string>>(path: string, initial: F) {
  const [filters, setFiltersState] = useState<F>(initial);
  const [offset, setOffset] = useState(0);
  const key = JSON.stringify(filters);
  const list = useResource(() => api<Page<T>>('GET', `${path}${query({ ...filters, limit: PAGE_SIZE, offset })}`), [path, key, offset]);
  const setFilter = (k: keyof F, v: string) => {
    setFiltersState({ ...filters, [k]: v });
    setOffset(0);
  };
  return { list, filters, setFilter, offset, setOffset, csvQuery: query(filters) };
}
