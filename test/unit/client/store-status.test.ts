/** The store-status banner's wording and the /readyz polling behind it (stubbed fetch, fake timers, no DOM). */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Readiness, SpoolStatus } from '../../../client/src/api/types.js';
import { formatBytes } from '../../../client/src/lib/format.js';
import { storeBanner } from '../../../client/src/lib/store-status.js';
import { HEALTH_POLL_MS, useHealthStore } from '../../../client/src/stores/health.js';

const DOWN_SINCE = '2026-01-21T12:02:00.000Z';
const store = (ok: boolean): Readiness['store'] => ({ backend: 'elasticsearch', ok, latencyMs: 3 });
const spool = (over: Partial<SpoolStatus> = {}): SpoolStatus => ({
  items: 0,
  bytes: 0,
  batches: 0,
  maxBytes: 1024 ** 3,
  oldestAt: null,
  storeDownSince: null,
  replaying: false,
  full: false,
  ...over,
});
const ready = (ok: boolean, over?: Partial<SpoolStatus> | null): Readiness => ({
  ok: true,
  store: store(ok),
  ...(over !== null && { spool: spool(over) }),
});

describe('sizes', () => {
  it('are shown in binary steps with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3.1 * 1024 * 1024)).toBe('3.1 MB');
    expect(formatBytes(1024 ** 3)).toBe('1 GB');
  });
});

describe('the store-status banner', () => {
  it('is absent while the store answers and the spool is empty, or before any answer', () => {
    expect(storeBanner(null, null)).toBeNull();
    expect(storeBanner(ready(true, {}), null)).toBeNull();
    expect(storeBanner(ready(true, null), null)).toBeNull();
  });

  it('says since when the store is unreachable and what waits in the spool, formatted', () => {
    const down = ready(false, { items: 1_234, bytes: 3.1 * 1024 * 1024, batches: 3, storeDownSince: DOWN_SINCE });
    expect(storeBanner(down, '2026-01-21T12:05:00.000Z')).toEqual({
      kind: 'down',
      since: DOWN_SINCE,
      spool: { items: 1_234, itemsText: '1,234', sizeText: '3.1 MB', maxText: '1 GB' },
      full: false,
    });
  });

  it('counts a store that answers its health check but refuses writes as unreachable', () => {
    const refusing = ready(true, { items: 40, bytes: 9_000, storeDownSince: DOWN_SINCE });
    expect(storeBanner(refusing, null)).toMatchObject({ kind: 'down', since: DOWN_SINCE });
  });

  it('falls back to when the page first saw the outage, and leaves out an empty or absent spool', () => {
    expect(storeBanner(ready(false, null), '2026-01-21T12:05:00.000Z')).toEqual({
      kind: 'down',
      since: '2026-01-21T12:05:00.000Z',
      spool: null,
      full: false,
    });
    expect(storeBanner(ready(false, {}), null)).toEqual({ kind: 'down', since: null, spool: null, full: false });
  });

  it('says the spool is full', () => {
    const full = ready(false, { items: 9_000, bytes: 1024 ** 3, storeDownSince: DOWN_SINCE, full: true });
    expect(storeBanner(full, null)).toMatchObject({ kind: 'down', full: true });
  });

  it('says the spool is replaying while the server says the store takes writes again', () => {
    const draining = ready(true, { items: 1_234, replaying: true });
    expect(storeBanner(draining, null)).toEqual({ kind: 'replaying', items: 1_234, itemsText: '1,234', full: false });
    // The health check answers but writes are still refused: not replaying.
    expect(storeBanner(ready(true, { items: 1_234, storeDownSince: DOWN_SINCE }), null)).toMatchObject({ kind: 'down' });
  });
});

describe('the health store', () => {
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('asks /readyz at once, then every 10 s, keeps a 503 answer, and stops when told', async () => {
    const answers = [ready(true, {}), { ...ready(false, { items: 12, storeDownSince: DOWN_SINCE, full: true }), ok: false }];
    const fetchMock = vi.fn(async (url: string) => {
      expect(url).toBe('/readyz');
      const answer = answers.shift() ?? ready(true, {});
      return json(answer.ok ? 200 : 503, answer);
    });
    vi.stubGlobal('fetch', fetchMock);
    const health = useHealthStore();
    health.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(health.banner).toBeNull();

    await vi.advanceTimersByTimeAsync(HEALTH_POLL_MS - 1);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(health.banner).toMatchObject({ kind: 'down', since: DOWN_SINCE, full: true, spool: { itemsText: '12' } });

    health.stop();
    await vi.advanceTimersByTimeAsync(5 * HEALTH_POLL_MS);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('keeps the last answer when the server does not answer', async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(json(200, ready(false, { items: 3, storeDownSince: DOWN_SINCE })))
      .mockRejectedValue(new TypeError('Failed to fetch'));
    vi.stubGlobal('fetch', fetchMock);
    const health = useHealthStore();
    health.start();
    await vi.advanceTimersByTimeAsync(HEALTH_POLL_MS);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(health.banner).toMatchObject({ kind: 'down', spool: { items: 3 } });
    health.stop();
  });

  it('waits while the page is hidden and asks at once when it is shown again', async () => {
    const listeners: (() => void)[] = [];
    const doc = {
      visibilityState: 'hidden',
      addEventListener: (_type: string, listener: () => void) => listeners.push(listener),
      removeEventListener: () => undefined,
    };
    vi.stubGlobal('document', doc);
    const fetchMock = vi.fn(async () => json(200, ready(true, {})));
    vi.stubGlobal('fetch', fetchMock);
    const health = useHealthStore();
    health.start();
    await vi.advanceTimersByTimeAsync(3 * HEALTH_POLL_MS);
    expect(fetchMock).not.toHaveBeenCalled();
    doc.visibilityState = 'visible';
    for (const listener of listeners) listener();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(HEALTH_POLL_MS);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    health.stop();
  });
});
