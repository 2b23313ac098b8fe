/**
 * Live push state for every view: connection status, new items batched per animation frame so a
 * burst of events costs one update, pipeline runs by source, fired alerts, the latest stats tick,
 * and a resync counter views watch to reload (the server said too much was missed).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { AlertFired, Item, PipelineStatus } from '../api/types.js';
import { connectLive, type LiveConnection, type LiveEventName, type LiveFilter, type LiveStatus } from '../socket/live.js';

export const POLL_MS = 30_000;
const KEEP = 50;

export interface StatsTick {
  at: string;
  items: { total: number; lastHour: number; bySide: Record<string, number>; byPlatform: Record<string, number> };
  frames: { key: string; count: number }[];
}

/** Merges arriving items into the newest-first list, by id (delivery is at least once). */
export function mergeItems(current: readonly Item[], arriving: readonly Item[], keep = KEEP): Item[] {
  const byId = new Map<string, Item>();
  for (const item of [...arriving].reverse()) if (!byId.has(item.id)) byId.set(item.id, item);
  for (const item of current) if (!byId.has(item.id)) byId.set(item.id, item);
  return [...byId.values()].slice(0, keep);
}

export const useLiveStore = defineStore('live', () => {
  const status = ref<LiveStatus>('connecting');
  const reason = ref<string | null>(null);
  /** Items that arrived live, newest first (at most 50), each once. */
  const recentItems = shallowRef<Item[]>([]);
  /** Bumped once per animation frame that delivered items; views watch it to refresh. */
  const itemsVersion = ref(0);
  /** Bumped when the server says too much was missed (or a batch left items out): views reload. */
  const resyncVersion = ref(0);
  const alerts = shallowRef<AlertFired[]>([]);
  const pipelines = shallowRef<Record<string, PipelineStatus>>({});
  const stats = shallowRef<StatsTick | null>(null);
  const isLive = computed(() => status.value === 'live');

  let connection: LiveConnection | null = null;
  let pending: Item[] = [];
  let frame: number | null = null;
  const itemListeners = new Set<(items: Item[]) => void>();

  const schedule = (fn: () => void): number =>
    typeof requestAnimationFrame === 'function' ? requestAnimationFrame(fn) : (setTimeout(fn, 16) as unknown as number);

  function flush(): void {
    frame = null;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    recentItems.value = mergeItems(recentItems.value, batch);
    itemsVersion.value++;
    if (itemListeners.size === 0) return;
    const once = [...new Map(batch.map((item) => [item.id, item])).values()];
    for (const listener of itemListeners) listener(once);
  }

  /**
   * Calls `listener` once per animation frame that delivered items, with those items (oldest
   * first, each once per frame), so a view applies a burst as one update. Returns the unsubscribe.
   */
  function onItems(listener: (items: Item[]) => void): () => void {
    itemListeners.add(listener);
    return () => itemListeners.delete(listener);
  }

  function receive(items: Item[]): void {
    if (items.length === 0) return;
    pending.push(...items);
    frame ??= schedule(flush);
  }

  /** One live event into the state; exported through the store for tests. */
  function handle(name: LiveEventName, payload: unknown): void {
    const data = (payload ?? {}) as Record<string, unknown>;
    switch (name) {
      case 'item:new':
        if (data.item) receive([data.item as Item]);
        break;
      case 'item:batch': {
        // The newest items in arrival order; the ones left out are only counted, so reload.
        receive(Array.isArray(data.items) ? (data.items as Item[]) : []);
        if (typeof data.omitted === 'number' && data.omitted > 0) resyncVersion.value++;
        break;
      }
      case 'live:resync':
        resyncVersion.value++;
        break;
      case 'alert:fired':
        alerts.value = [payload as AlertFired, ...alerts.value].slice(0, KEEP);
        break;
      case 'pipeline:status': {
        const run = payload as PipelineStatus;
        if (typeof run.sourceId === 'string') pipelines.value = { ...pipelines.value, [run.sourceId]: run };
        break;
      }
      case 'stats:tick':
        stats.value = payload as StatsTick;
        break;
      default:
        break;
    }
  }

  function start(filter: LiveFilter = {}): void {
    if (connection) return connection.subscribe(filter);
    connection = connectLive({
      status: (next, why) => {
        status.value = next;
        reason.value = why ?? null;
      },
      event: handle,
    });
    connection.subscribe(filter);
  }

  function stop(): void {
    connection?.close();
    connection = null;
  }

  return {
    status,
    reason,
    isLive,
    recentItems,
    itemsVersion,
    resyncVersion,
    alerts,
    pipelines,
    stats,
    start,
    stop,
    handle,
    flush,
    onItems,
  };
});
