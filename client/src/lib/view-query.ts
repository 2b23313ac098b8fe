/**
 * The shared time range and filters of the current view, read from and written to the URL, so
 * reloading or sending the link shows the same view.
 */
import { computed, onBeforeUnmount, ref } from 'vue';
import { useRoute, useRouter, type LocationQueryRaw } from 'vue-router';
import { filtersFromQuery, FILTER_KEYS, mergeFilters, toApiFilter, type Filters } from './filters.js';
import { rangeFromQuery, rangeToQuery, resolveRange, type TimeRange } from './time-range.js';

const flat = (query: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])) as Record<string, unknown>;

export function useViewQuery() {
  const route = useRoute();
  const router = useRouter();
  // Presets move with the clock; a tick each minute is enough since they end on the hour.
  const now = ref(new Date());
  const timer = setInterval(() => (now.value = new Date()), 60_000);
  onBeforeUnmount(() => clearInterval(timer));

  const range = computed<TimeRange>(() => rangeFromQuery(flat(route.query)));
  const filters = computed<Filters>(() => filtersFromQuery(flat(route.query)));
  const period = computed(() => resolveRange(range.value, now.value));
  const apiFilter = computed(() => toApiFilter(filters.value, period.value));

  function rangeAndFilterQuery(nextRange: TimeRange, nextFilters: Filters): LocationQueryRaw {
    return { ...rangeToQuery(nextRange), ...nextFilters };
  }

  /** Query for another view with this view's range and filters, plus a clicked mark's filter. */
  function queryWith(extra: Record<string, string> = {}): LocationQueryRaw {
    let nextRange = range.value;
    if (extra.from && extra.to) nextRange = { preset: 'custom', from: extra.from, to: extra.to };
    return rangeAndFilterQuery(nextRange, mergeFilters(filters.value, extra));
  }

  async function setRange(next: TimeRange): Promise<void> {
    await router.push({
      query: {
        ...route.query,
        ...rangeAndFilterQuery(next, filters.value),
        ...(next.preset !== 'custom' && { from: undefined, to: undefined }),
      },
    });
  }

  async function setFilters(next: Filters): Promise<void> {
    const cleared = Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined]));
    await router.push({ query: { ...route.query, ...cleared, ...next } });
  }

  /** Opens Search with this view's range and filters narrowed by a clicked chart mark. */
  async function openSearch(extra: Record<string, string>): Promise<void> {
    await router.push({ name: 'search', query: queryWith(extra) });
  }

  return { range, filters, period, apiFilter, setRange, setFilters, openSearch, queryWith, now };
}
