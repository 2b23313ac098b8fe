/**
 * Event markers shared by every time chart: loaded once per session, changed through the API, and
 * handed to the chart builders (which draw only those inside each chart's range).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { api, type ApiError, type EventMarker, type MarkerInput } from '../api/index.js';
import { toApiError } from '../lib/use-async.js';

export const useMarkersStore = defineStore('markers', () => {
  const markers = shallowRef<EventMarker[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<ApiError | null>(null);
  /** False when the server has no markers API (views show "not available yet"). */
  const available = computed(() => !error.value?.notAvailable);

  const sorted = (list: EventMarker[]) => [...list].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));

  async function load(force = false): Promise<void> {
    if ((loaded.value && !force) || loading.value) return;
    loading.value = true;
    try {
      markers.value = sorted((await api.markers({})).markers);
      error.value = null;
      loaded.value = true;
    } catch (caught) {
      error.value = toApiError(caught);
    } finally {
      loading.value = false;
    }
  }

  async function add(input: MarkerInput): Promise<EventMarker> {
    const created = await api.createMarker(input);
    markers.value = sorted([...markers.value, created]);
    return created;
  }

  async function update(id: string, patch: Partial<MarkerInput>): Promise<EventMarker> {
    const updated = await api.updateMarker(id, patch);
    markers.value = sorted(markers.value.map((m) => (m.id === id ? updated : m)));
    return updated;
  }

  async function remove(id: string): Promise<void> {
    await api.deleteMarker(id);
    markers.value = markers.value.filter((m) => m.id !== id);
  }

  return { markers, loaded, loading, error, available, load, add, update, remove };
});
