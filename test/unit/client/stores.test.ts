/** The live, markers and saved-views stores against stubbed fetch and live events (no DOM). */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Item } from '../../../client/src/api/types.js';
import { mergeItems, useLiveStore } from '../../../client/src/stores/live.js';
import { useMarkersStore } from '../../../client/src/stores/markers.js';
import { savedQuery, useSavedViewsStore } from '../../../client/src/stores/saved-views.js';

const json = (status: number, body: unknown) =>
  new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const item = (id: string) => ({ id }) as Item;

describe('live store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('keeps each item once, newest first, whether it came alone, in a batch or replayed', () => {
    expect(mergeItems([item('b'), item('a')], [item('b'), item('c')]).map((i) => i.id)).toEqual(['c', 'b', 'a']);
    const live = useLiveStore();
    live.handle('item:new', { eventId: '1-0', item: item('a') });
    live.handle('item:batch', { eventId: '1-2', items: [item('b'), item('c')], omitted: 0 });
    live.handle('item:new', { eventId: '1-3', item: item('a'), replayed: true });
    live.flush();
    expect(live.recentItems.map((i) => i.id)).toEqual(['a', 'c', 'b']);
    expect(live.resyncVersion).toBe(0);
  });

  it('asks views to reload on live:resync and on a batch that left items out', () => {
    const live = useLiveStore();
    live.handle('item:batch', { eventId: '1-0', items: [item('x')], omitted: 40 });
    live.handle('live:resync', { eventId: '1-1', reason: 'too_far_behind', message: 'reload' });
    expect(live.resyncVersion).toBe(2);
  });

  it('tracks the latest pipeline run per source and fired alerts', () => {
    const live = useLiveStore();
    live.handle('pipeline:status', { sourceId: 's1', runId: 'r1', state: 'running', startedAt: 'x' });
    live.handle('pipeline:status', { sourceId: 's1', runId: 'r1', state: 'succeeded', startedAt: 'x' });
    live.handle('alert:fired', { alertId: 'al1', ruleId: 'ru1', summary: 'New release' });
    expect(live.pipelines.s1?.state).toBe('succeeded');
    expect(live.alerts.map((a) => a.alertId)).toEqual(['al1']);
  });
});

describe('markers store', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.unstubAllGlobals());

  const marker = (id: string, at: string) => ({
    id,
    at,
    label: id,
    description: null,
    sides: [],
    createdBy: { id: 'u', name: 'u' },
    createdAt: at,
    updatedAt: at,
  });

  it('loads markers in time order and keeps that order through add, update and delete', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(
        json(200, { markers: [marker('b', '2026-01-02T00:00:00.000Z'), marker('a', '2026-01-01T00:00:00.000Z')] }),
      )
      .mockResolvedValueOnce(json(201, marker('c', '2025-12-31T00:00:00.000Z')))
      .mockResolvedValueOnce(json(200, marker('a', '2026-01-03T00:00:00.000Z')))
      .mockResolvedValueOnce(json(204, null));
    vi.stubGlobal('fetch', fetch);
    const store = useMarkersStore();
    await store.load();
    expect(store.markers.map((m) => m.id)).toEqual(['a', 'b']);
    await store.add({ at: '2025-12-31T00:00:00.000Z', label: 'c' });
    expect(store.markers.map((m) => m.id)).toEqual(['c', 'a', 'b']);
    await store.update('a', { at: '2026-01-03T00:00:00.000Z' });
    expect(store.markers.map((m) => m.id)).toEqual(['c', 'b', 'a']);
    await store.remove('b');
    expect(store.markers.map((m) => m.id)).toEqual(['c', 'a']);
    expect(fetch.mock.calls[3]![0]).toBe('/api/v1/markers/b');
  });

  it('says "not available" when the server has no markers route', async () => {
    vi.stubGlobal(
      'fetch',
      vi
        .fn()
        .mockResolvedValue(json(404, { error: { code: 'not_found', message: 'no route GET /api/v1/markers', statusCode: 404 } })),
    );
    const store = useMarkersStore();
    await store.load();
    expect([store.available, store.markers.length]).toEqual([false, 0]);
  });
});

describe('saved views store', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.unstubAllGlobals());

  it('keeps only the range, filters and sort of a URL query', () => {
    expect(savedQuery({ range: '7d', q: 'обмін', side: ['UA'], cellSide: 'RU', sort: 'views', empty: '' })).toEqual({
      range: '7d',
      q: 'обмін',
      side: 'UA',
      sort: 'views',
    });
  });

  it('saves the current query under a name and lists views by name', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(
        json(200, {
          views: [{ id: 'v2', name: 'zeta', kind: 'search', query: {}, owner: { id: 'u', name: 'u' }, shared: true }],
        }),
      )
      .mockImplementationOnce(async (_url: string, init: RequestInit) => {
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        return json(201, { id: 'v1', owner: { id: 'u', name: 'u' }, createdAt: 'x', updatedAt: 'x', ...body });
      });
    vi.stubGlobal('fetch', fetch);
    const store = useSavedViewsStore();
    await store.load();
    await store.save({ name: 'Alpha', kind: 'framing', query: { range: '30d', cellFrame: 'x' }, shared: false });
    expect(store.views.map((v) => v.name)).toEqual(['Alpha', 'zeta']);
    expect(JSON.parse(String((fetch.mock.calls[1]![1] as RequestInit).body))).toEqual({
      name: 'Alpha',
      kind: 'framing',
      query: { range: '30d' },
      shared: false,
    });
  });
});
