/**
 * Live push state for every view: connection status, and new items batched per animation frame so
 * a burst of events costs one update. Views poll instead while live is unavailable.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Item } from '../api/types.js';
import { connectLive, type LiveConnection, type LiveFilter, type LiveStatus } from '../socket/live.js';

export const POLL_MS = 30_000;

export const useLiveStore = defineStore('live', () => {
  const status = ref<LiveStatus>('connecting');
  const reason = ref<string | null>(null);
  /** Items that arrived live, newest first (at most 50). */
  const recentItems = shallowRef<Item[]>([]);
  /** Bumped once per animation frame that delivered items; views watch it to refresh. */
  const itemsVersion = ref(0);
  const alerts = shallowRef<unknown[]>([]);
  const isLive = computed(() => status.value === 'live');

  let connection: LiveConnection | null = null;
  let pending: Item[] = [];
  let frame: number | null = null;

  function flush(): void {
    frame = null;
    recentItems.value = [...pending.reverse(), ...recentItems.value].slice(0, 50);
    pending = [];
    itemsVersion.value++;
  }

  function start(filter: LiveFilter = {}): void {
    if (connection) return connection.subscribe(filter);
    connection = connectLive({
      status: (next, why) => {
        status.value = next;
        reason.value = why ?? null;
      },
      event: (name, payload) => {
        if (name === 'item:new') {
          const item = (payload as { item?: Item } | null)?.item;
          if (!item) return;
          pending.push(item);
          frame ??= requestAnimationFrame(flush);
        } else if (name === 'alert:fired') {
          alerts.value = [payload, ...alerts.value].slice(0, 50);
        }
      },
    });
    connection.subscribe(filter);
  }

  function stop(): void {
    connection?.close();
    connection = null;
  }

  return { status, reason, isLive, recentItems, itemsVersion, alerts, start, stop };
});
