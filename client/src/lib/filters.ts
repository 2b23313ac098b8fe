/** Item filters kept in the URL query, shared by every view (same names as the API's). */
import type { FilterQuery } from '../api/index.js';

export const FILTER_KEYS = ['q', 'side', 'platform', 'kind', 'lang', 'source', 'frame', 'release'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export function filtersFromQuery(query: Record<string, unknown>): Filters {
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = query[key];
    if (typeof value === 'string' && value.trim() !== '') filters[key] = value.slice(0, key === 'q' ? 500 : 2000);
  }
  return filters;
}

export function toApiFilter(filters: Filters, period: { from: string; to: string }): FilterQuery {
  return { ...filters, from: period.from, to: period.to };
}

/** Merges a chart mark's filter into the current ones: a clicked mark narrows, it never widens. */
export function mergeFilters(current: Filters, clicked: Record<string, string>): Filters {
  const merged: Filters = { ...current };
  for (const [key, value] of Object.entries(clicked)) {
    if ((FILTER_KEYS as readonly string[]).includes(key) && value) merged[key as FilterKey] = value;
  }
  return merged;
}
