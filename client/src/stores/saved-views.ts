/**
 * Saved views: the signed-in user's own and the team's shared ones, listed in the navigation.
 * Saving keeps the view's URL query, so opening one restores its range and filters.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { api, type ApiError, type SavedView, type SavedViewKind } from '../api/index.js';
import { toApiError } from '../lib/use-async.js';

/** The route each kind of view opens. */
export const VIEW_ROUTES: Record<SavedViewKind, string> = {
  search: 'search',
  overview: 'overview',
  framing: 'framing',
  releases: 'releases',
};

/** Query keys worth keeping in a saved view (the rest is per-visit state such as a selected cell). */
const KEPT = ['range', 'from', 'to', 'q', 'side', 'platform', 'kind', 'lang', 'source', 'frame', 'release', 'sort'];

export function savedQuery(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of KEPT) {
    const value = query[key];
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text === 'string' && text !== '') out[key] = text;
  }
  return out;
}

export const useSavedViewsStore = defineStore('saved-views', () => {
  const views = shallowRef<SavedView[]>([]);
  const loaded = ref(false);
  const error = ref<ApiError | null>(null);
  const available = computed(() => !error.value?.notAvailable);

  const byName = (list: SavedView[]) =>
    [...list].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id.localeCompare(b.id));

  async function load(): Promise<void> {
    try {
      views.value = byName((await api.savedViews()).views);
      error.value = null;
      loaded.value = true;
    } catch (caught) {
      error.value = toApiError(caught);
    }
  }

  async function save(input: { name: string; kind: SavedViewKind; query: Record<string, unknown>; shared: boolean }) {
    const created = await api.createSavedView({ ...input, query: savedQuery(input.query) });
    views.value = byName([...views.value, created]);
    return created;
  }

  async function setShared(id: string, shared: boolean): Promise<void> {
    const updated = await api.updateSavedView(id, { shared });
    views.value = byName(views.value.map((v) => (v.id === id ? updated : v)));
  }

  async function remove(id: string): Promise<void> {
    await api.deleteSavedView(id);
    views.value = views.value.filter((v) => v.id !== id);
  }

  function clear(): void {
    views.value = [];
    loaded.value = false;
  }

  return { views, loaded, error, available, load, save, setShared, remove, clear };
});
