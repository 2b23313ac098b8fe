/**
 * The store's reachability and the ingest spool's depth, from GET /readyz: asked right away on
 * start, then every 10 s while the page is visible (and at once when it becomes visible again).
 * It runs on every view, the sign-in page included: during a store outage sign-in itself fails.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { api, type Readiness } from '../api/index.js';
import { storeBanner } from '../lib/store-status.js';

export const HEALTH_POLL_MS = 10_000;

export const useHealthStore = defineStore('health', () => {
  const current = shallowRef<Readiness | null>(null);
  /** When this page first saw the store down (for servers that do not say since when). */
  const seenDownAt = ref<string | null>(null);
  const banner = computed(() => storeBanner(current.value, seenDownAt.value));

  let timer: ReturnType<typeof setTimeout> | null = null;
  let controller: AbortController | null = null;
  let running = false;

  const visible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden';

  async function poll(): Promise<void> {
    controller?.abort();
    const own = new AbortController();
    controller = own;
    try {
      const answer = await api.readiness(own.signal);
      if (own.signal.aborted) return;
      // An unanswered poll keeps the last answer: the live status already says the server is unreachable.
      if (!answer) return;
      current.value = answer;
      const down = !answer.store.ok || answer.spool?.storeDownSince != null;
      if (!down) seenDownAt.value = null;
      else seenDownAt.value ??= new Date().toISOString();
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    } finally {
      if (controller === own) controller = null;
    }
  }

  function schedule(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (!running || !visible()) return;
    timer = setTimeout(() => void tick(), HEALTH_POLL_MS);
  }

  async function tick(): Promise<void> {
    timer = null;
    await poll();
    schedule();
  }

  function onVisibility(): void {
    if (!running) return;
    if (visible()) void tick();
    else schedule();
  }

  function start(): void {
    if (running) return;
    running = true;
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisibility);
    if (visible()) void tick();
  }

  function stop(): void {
    running = false;
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisibility);
    if (timer !== null) clearTimeout(timer);
    timer = null;
    controller?.abort();
    controller = null;
  }

  return { current, banner, poll, start, stop };
});
