/** Loads data for a view: loading, error and data refs, re-run when its inputs change, stale answers dropped. */
import { onBeforeUnmount, ref, shallowRef, watch, type Ref, type ShallowRef, type WatchSource } from 'vue';
import { ApiError } from '../api/http.js';

export interface AsyncState<T> {
  data: ShallowRef<T | null>;
  error: Ref<ApiError | null>;
  loading: Ref<boolean>;
  /** Loads again; `quiet` keeps the current data on screen (polling, live refresh). */
  reload: (quiet?: boolean) => Promise<void>;
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('client_error', error instanceof Error ? error.message : String(error), 0);
}

export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, sources: WatchSource[] = []): AsyncState<T> {
  const data = shallowRef<T | null>(null);
  const error = ref<ApiError | null>(null);
  const loading = ref(false);
  let controller: AbortController | null = null;

  async function reload(quiet = false): Promise<void> {
    controller?.abort();
    const current = new AbortController();
    controller = current;
    if (!quiet) loading.value = true;
    try {
      const result = await load(current.signal);
      if (controller !== current) return;
      data.value = result;
      error.value = null;
    } catch (caught) {
      if (controller !== current || (caught as Error).name === 'AbortError') return;
      error.value = toApiError(caught);
      if (!quiet) data.value = null;
    } finally {
      if (controller === current) loading.value = false;
    }
  }

  if (sources.length > 0) watch(sources, () => void reload(), { deep: true });
  void reload();
  onBeforeUnmount(() => controller?.abort());
  return { data, error, loading, reload };
}
