/** Live items counted into a loaded timeline on the client, and the live store's per-frame delivery. */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Item, TimelineResponse } from '../../../client/src/api/types.js';
import { addLiveItems, matchesFilter } from '../../../client/src/lib/live-timeline.js';
import { useLiveStore } from '../../../client/src/stores/live.js';

const item = (over: Partial<Item>): Item =>
  ({ id: 'i', side: 'UA', platform: 'telegram', kind: 'post', lang: 'uk', sourceId: 's1', publishedAt: '', ...over }) as Item;

const hourly = (): TimelineResponse => ({
  interval: 'hour',
  split: 'side',
  timeZone: 'UTC',
  buckets: [
    { start: '2026-01-01T00:00:00.000Z', total: 2, split: { UA: 2 } },
    { start: '2026-01-01T01:00:00.000Z', total: 1, split: { RU: 1 } },
    { start: '2026-01-01T02:00:00.000Z', total: 0, split: {} },
  ],
});

describe('addLiveItems', () => {
  it('adds each item to the bucket and side it belongs to, and leaves other buckets as they were', () => {
    const before = hourly();
    const result = addLiveItems(
      before,
      [
        item({ id: 'a', side: 'KR', publishedAt: '2026-01-01T01:59:59.999Z' }),
        item({ id: 'b', side: 'RU', publishedAt: '2026-01-01T01:00:00.000Z' }),
        item({ id: 'c', side: 'UA', publishedAt: '2026-01-01T02:30:00.000Z' }),
      ],
      {},
    )!;
    expect(result.added).toBe(3);
    expect(result.timeline.buckets).toEqual([
      before.buckets[0],
      { start: '2026-01-01T01:00:00.000Z', total: 3, split: { RU: 2, KR: 1 } },
      { start: '2026-01-01T02:00:00.000Z', total: 1, split: { UA: 1 } },
    ]);
    expect(result.timeline.buckets[0]).toBe(before.buckets[0]);
    // The loaded answer itself is not changed: the server's next answer replaces the local one.
    expect(before.buckets[1]).toEqual({ start: '2026-01-01T01:00:00.000Z', total: 1, split: { RU: 1 } });
  });

  it('ignores items outside the buckets or not matching the view’s filters', () => {
    const items = [
      item({ id: 'early', publishedAt: '2025-12-31T23:59:59.000Z' }),
      item({ id: 'late', publishedAt: '2026-01-01T03:00:00.000Z' }),
      item({ id: 'ru', side: 'RU', publishedAt: '2026-01-01T00:10:00.000Z' }),
    ];
    expect(addLiveItems(hourly(), items, { side: 'UA' })).toBeNull();
    expect(addLiveItems(hourly(), items, { side: 'UA,RU' })?.added).toBe(1);
  });

  it('leaves filters only the server can decide (query, frame, release) to the next reload', () => {
    const fresh = [item({ publishedAt: '2026-01-01T00:10:00.000Z' })];
    expect(addLiveItems(hourly(), fresh, { q: 'exchange' })).toBeNull();
    expect(addLiveItems(hourly(), fresh, { frame: 'exchange_offer' })).toBeNull();
    expect(addLiveItems(hourly(), fresh, {})?.added).toBe(1);
  });

  it('matches every field filter', () => {
    const it1 = item({ platform: 'youtube', kind: 'video', lang: 'ko', sourceId: 'yt1' });
    expect(matchesFilter(it1, { platform: 'youtube', kind: 'video', lang: 'ko', source: 'yt1' })).toBe(true);
    expect(matchesFilter(it1, { source: 'other' })).toBe(false);
    expect(matchesFilter(it1, { lang: 'en,uk' })).toBe(false);
  });
});

describe('live store per-frame delivery', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('hands a burst to listeners as one batch per frame, each item once', () => {
    const live = useLiveStore();
    const batches: string[][] = [];
    const stop = live.onItems((items) => batches.push(items.map((i) => i.id)));
    live.handle('item:new', { eventId: '1-0', item: item({ id: 'a' }) });
    live.handle('item:batch', { eventId: '1-1', items: [item({ id: 'b' }), item({ id: 'a' })], omitted: 0 });
    live.flush();
    live.flush();
    live.handle('item:new', { eventId: '1-2', item: item({ id: 'c' }) });
    live.flush();
    stop();
    live.handle('item:new', { eventId: '1-3', item: item({ id: 'd' }) });
    live.flush();
    expect(batches).toEqual([['a', 'b'], ['c']]);
    expect(live.itemsVersion).toBe(3);
  });
});
