/**
 * The store contract: one suite, both adapters (a real SQLite file and a real Elasticsearch node),
 * one fixture corpus. Every answer must equal the other adapter's and a naive in-memory reading
 * of the same semantics (oracle.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Item, ItemInput } from '../../server/domain/schemas.js';
import type { ItemFilter, SearchSort } from '../../server/store/port.js';
import { prepareItem } from '../../server/store/prepare.js';
import { parseSearchQuery } from '../../server/store/search-syntax.js';
import { bucketStart } from '../../server/store/shared.js';
import { tokenize } from '../../server/store/text.js';
import { generateItems } from '../../pipelines/generator/index.js';
import { anItem, aSource, idOf } from '../helpers/factories.js';
import { useBothStores } from './harness.js';
import { countBy, matches } from './oracle.js';

const NOW = new Date('2026-02-01T00:00:00Z');

// Hand-written items for what generated text rarely exercises: diacritics, Hangul, markup-like text.
const handcrafted: ItemInput[] = [
  anItem({
    externalId: 'diacritics-1',
    lang: 'uk',
    title: 'Київ пропонує обмін',
    text: 'Зустріч у Києві: обмін полонених «за формулою».',
    side: 'UA',
  }),
  anItem({
    externalId: 'diacritics-2',
    lang: 'ru',
    title: 'Ещё одно заявление',
    text: 'Всё это ёлки, сказал он.',
    side: 'RU',
    platform: 'rss',
    kind: 'statement',
  }),
  anItem({
    externalId: 'hangul-1',
    lang: 'ko',
    title: '북한군 포로 송환 문제',
    text: '정부는 북한군 포로의 귀순 의사를 존중한다고 밝혔다.',
    side: 'KR',
    platform: 'web',
    kind: 'article',
  }),
  anItem({
    externalId: 'markup-1',
    lang: 'en',
    title: 'Angle brackets <b>stay text</b>',
    text: 'x < y && y > z; "quoted" words OR not',
    side: 'INTL',
  }),
];

const inputs: ItemInput[] = [
  ...generateItems({ seed: 20260121, count: 600, start: new Date('2025-12-01T00:00:00Z'), days: 45 }),
  ...handcrafted,
];
const corpus: Item[] = [...new Map(inputs.map((i) => [idOf(i), prepareItem(i, NOW).item])).values()];

const byTimeDesc = (a: Item, b: Item) => b.publishedAt.localeCompare(a.publishedAt) || b.id.localeCompare(a.id);
const byViewsDesc = (a: Item, b: Item) => b.engagement.views - a.engagement.views || byTimeDesc(a, b);

function wordOf(lang: string, index = 0): string {
  const words = corpus
    .filter((i) => i.lang === lang)
    .flatMap((i) => tokenize(i.text))
    .filter((w) => w.length >= 5);
  const word = words[index];
  if (!word) throw new Error(`the corpus has no ${lang} words`);
  return word;
}

function phraseOf(lang: string): string {
  const tokens = tokenize(corpus.find((i) => i.lang === lang && tokenize(i.text).length >= 4)?.text ?? '');
  return `"${tokens.slice(1, 3).join(' ')}"`;
}

const q = (text: string) => parseSearchQuery(text);

const releases = [
  ...countBy(
    corpus.filter((i) => i.releaseId),
    (i) => [i.releaseId ?? ''],
  ).entries(),
]
  .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  .map(([id]) => id);

const FILTERS: [string, () => ItemFilter][] = [
  ['everything', () => ({})],
  ['one side', () => ({ sides: ['RU'] })],
  ['two sides and a kind', () => ({ sides: ['UA', 'KP'], kinds: ['post', 'video'] })],
  ['a time range', () => ({ from: '2025-12-10T00:00:00Z', to: '2025-12-20T12:00:00Z' })],
  ['a language and platform', () => ({ langs: ['ko'], platforms: ['web', 'rss', 'youtube'] })],
  ['a frame', () => ({ frames: ['exchange_offer'] })],
  ['a release', () => ({ releaseIds: releases.slice(0, 2) })],
  ['a source', () => ({ sourceIds: [corpus[0]?.sourceId ?? ''] })],
  ['a Ukrainian word', () => ({ query: q(wordOf('uk')) })],
  ['a Russian word', () => ({ query: q(wordOf('ru')) })],
  ['a Korean word', () => ({ query: q(wordOf('ko')) })],
  ['an English phrase', () => ({ query: q(phraseOf('en')) })],
  ['OR and an exclusion', () => ({ query: q(`${wordOf('uk', 3)} OR ${wordOf('ru', 3)} -${wordOf('ru', 8)}`) })],
  ['a prefix', () => ({ query: q(`${wordOf('en', 2).slice(0, 4)}*`) })],
  ['diacritics folded (киів finds Київ)', () => ({ query: q('киів') })],
  ['ё folded (ещё finds Ещё, еще too)', () => ({ query: q('еще') })],
  ['Hangul word', () => ({ query: q('귀순') })],
  ['a word and filters', () => ({ query: q(wordOf('uk')), sides: ['UA'], from: '2025-12-05T00:00:00Z' })],
];

const { both, adapters } = useBothStores(inputs, NOW);

describe('store contract (SQLite and Elasticsearch on one corpus)', () => {
  it('holds a corpus of at least 500 items in four languages, every side, and releases with copies', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(500);
    expect(new Set(corpus.map((i) => i.lang))).toEqual(expect.objectContaining(new Set(['uk', 'ru', 'ko', 'en'])));
    for (const lang of ['uk', 'ru', 'ko', 'en']) expect(corpus.some((i) => i.lang === lang)).toBe(true);
    for (const side of ['UA', 'RU', 'KP', 'KR', 'INTL']) expect(corpus.some((i) => i.side === side)).toBe(true);
    expect(releases.length).toBeGreaterThan(5);
  });

  it('stores every item exactly once; storing the same items again changes nothing', async () => {
    for (const [, store] of adapters()) {
      expect(await store.countItems()).toBe(corpus.length);
      const again = await store.upsertItems(inputs.slice(0, 300), NOW);
      expect(again.every((r) => r.status === 'unchanged')).toBe(true);
      expect(again.map((r) => r.id)).toEqual(inputs.slice(0, 300).map(idOf));
    }
  });

  it('gives the same items back as were stored', async () => {
    const ids = corpus.slice(0, 50).map((i) => i.id);
    const items = await both((s) => s.getItems([...ids, 'no-such-id']));
    expect(items.map((i) => i.id)).toEqual(ids);
    const original = corpus[0] as Item;
    expect(items[0]).toEqual(original);
  });

  describe.each(FILTERS)('search: %s', (_name, makeFilter) => {
    it.each<SearchSort>(['time', 'views'])('finds what the filter says, sorted by %s, with equal snippets', async (sort) => {
      const filter = makeFilter();
      const expected = corpus.filter((i) => matches(i, filter)).sort(sort === 'time' ? byTimeDesc : byViewsDesc);
      expect(expected.length, 'the case selects something').toBeGreaterThan(0);
      const page = await both(async (s) => {
        const p = await s.searchItems({ filter, sort, limit: 200 });
        return { total: p.total, ids: p.hits.map((h) => h.item.id), snippets: p.hits.map((h) => h.snippets) };
      });
      expect(page.total).toBe(expected.length);
      expect(page.ids).toEqual(expected.slice(0, 200).map((i) => i.id));
      if (filter.query) {
        // Every hit shows at least one highlighted match.
        for (const snippets of page.snippets) expect(snippets.some((s) => s.segments.some((seg) => seg.match))).toBe(true);
      }
    });
  });

  it('ranks by relevance over the same hits in both adapters', async () => {
    const filter = { query: q(`${wordOf('uk')} OR ${wordOf('en')}`) };
    const expected = corpus
      .filter((i) => matches(i, filter))
      .map((i) => i.id)
      .sort();
    for (const [, store] of adapters()) {
      const page = await store.searchItems({ filter, sort: 'relevance', limit: 200 });
      expect(page.hits.map((h) => h.item.id).sort()).toEqual(expected.slice(0, 200));
      const scores = page.hits.map((h) => h.score ?? 0);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  it.each<SearchSort>(['time', 'views', 'relevance'])('pages with cursors through every hit exactly once (%s)', async (sort) => {
    const filter: ItemFilter = sort === 'relevance' ? { query: q(`${wordOf('ru')} OR ${wordOf('ko')} OR ${wordOf('en')}`) } : {};
    const expected = corpus.filter((i) => matches(i, filter)).length;
    for (const [name, store] of adapters()) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let n = 0; n < 100; n++) {
        const page = await store.searchItems({ filter, sort, limit: 37, ...(cursor && { cursor }) });
        seen.push(...page.hits.map((h) => h.item.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen.length, name).toBe(expected);
      expect(new Set(seen).size, name).toBe(expected);
    }
  });

  it('refuses a cursor it did not issue', async () => {
    for (const [, store] of adapters()) {
      await expect(store.searchItems({ filter: {}, sort: 'time', limit: 5, cursor: 'bm90LWEtY3Vyc29y' })).rejects.toThrow(
        /cursor/u,
      );
    }
  });

  it.each([
    ['day', 'side'],
    ['week', 'frame'],
    ['hour', 'platform'],
    ['day', undefined],
  ] as const)('counts a %s timeline split by %s', async (interval, split) => {
    const filter: ItemFilter = interval === 'hour' ? { from: '2025-12-10T00:00:00Z', to: '2025-12-12T00:00:00Z' } : {};
    const timeline = await both((s) => s.timeline({ filter, interval, ...(split && { split }) }));
    const selected = corpus.filter((i) => matches(i, filter));
    const expected = countBy(selected, (i) => [new Date(bucketStart(Date.parse(i.publishedAt), interval)).toISOString()]);
    const nonZero = timeline.buckets.filter((b) => b.total > 0);
    expect(new Map(nonZero.map((b) => [b.start, b.total]))).toEqual(expected);
    expect(timeline.buckets.reduce((n, b) => n + b.total, 0)).toBe(selected.length);
    if (interval === 'hour') expect(timeline.buckets).toHaveLength(48);
    if (split) {
      const key = (i: Item) => (split === 'frame' ? i.frames.map((f) => f.frameId) : [i[split]]);
      for (const b of nonZero) {
        const inBucket = selected.filter(
          (i) => new Date(bucketStart(Date.parse(i.publishedAt), interval)).toISOString() === b.start,
        );
        expect(new Map(Object.entries(b.split))).toEqual(countBy(inBucket, key));
      }
    }
  });

  it.each(['source', 'side', 'lang', 'frame', 'platform', 'kind'] as const)('ranks the top %s values', async (field) => {
    const filter: ItemFilter = { from: '2025-12-03T00:00:00Z' };
    const result = await both((s) => s.terms({ filter, field, size: 5 }));
    const selected = corpus.filter((i) => matches(i, filter));
    const key = (i: Item): string[] =>
      field === 'frame' ? i.frames.map((f) => f.frameId) : field === 'source' ? [i.sourceId] : [i[field]];
    const expected = [...countBy(selected, key).entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 5)
      .map(([k, count]) => ({ key: k, count }));
    expect(result.total).toBe(selected.length);
    expect(result.buckets).toEqual(expected);
  });

  it('builds the side x frame matrix with shares', async () => {
    const filter: ItemFilter = { kinds: ['post', 'article', 'statement', 'video'] };
    const matrix = await both((s) => s.framingMatrix(filter));
    const perSide = countBy(corpus, (i) => [i.side]);
    for (const { side, items } of matrix.sides) expect(items).toBe(perSide.get(side));
    const cells = countBy(corpus, (i) => i.frames.map((f) => `${i.side}|${f.frameId}`));
    expect(new Map(matrix.cells.map((c) => [`${c.side}|${c.frame}`, c.count]))).toEqual(cells);
    for (const c of matrix.cells) expect(c.share).toBeCloseTo(c.count / (perSide.get(c.side) ?? 0), 10);
  });

  it('measures the spread of releases the same way', async () => {
    for (const releaseId of releases.slice(0, 6)) {
      const spread = await both((s) => s.releaseSpread({ releaseId, interval: 'hour' }));
      const members = corpus.filter((i) => i.releaseId === releaseId || i.id === releaseId);
      expect(spread.pickups).toBe(members.filter((i) => i.id !== releaseId).length);
      expect(spread.distinctSides).toBe(new Set(members.map((i) => i.side)).size);
      expect(spread.distinctSources).toBe(new Set(members.map((i) => i.sourceId)).size);
      expect(spread.distinctLangs).toBe(new Set(members.map((i) => i.lang)).size);
      expect(spread.summedViews).toBe(members.reduce((n, i) => n + i.engagement.views, 0));
      expect(spread.curve.at(-1)?.cumulativePickups).toBe(spread.pickups);
      expect(spread.original?.id).toBe(releaseId);
      const first = spread.firstSeenPerSide.find((f) => f.side === spread.original?.side);
      expect(first?.delaySec).toBeLessThanOrEqual(0);
    }
  });

  it('answers "no such release" in both', async () => {
    for (const [, store] of adapters()) {
      await expect(store.releaseSpread({ releaseId: 'nope', interval: 'day' })).rejects.toThrow(/does not exist/u);
    }
  });

  it('keeps the links of an item: stored, given back, and an update when they change', async () => {
    const item = anItem({ externalId: 'links-1', links: ['https://example.org/a?b=1', 'https://t.me/fw_test/12'] });
    for (const [, store] of adapters()) {
      expect((await store.upsertItems([item], NOW))[0]?.status).toBe('created');
      expect((await store.upsertItems([item], NOW))[0]?.status).toBe('unchanged');
      expect((await store.getItems([idOf(item)]))[0]?.links).toEqual(item.links);
      const changed = { ...item, links: ['https://example.org/c'] };
      expect((await store.upsertItems([changed], NOW))[0]?.status).toBe('updated');
      expect((await store.getItems([idOf(item)]))[0]?.links).toEqual(['https://example.org/c']);
      const none = anItem({ externalId: 'links-2' });
      await store.upsertItems([none], NOW);
      expect((await store.getItems([idOf(none)]))[0]?.links).toEqual([]);
    }
  });

  it('gives an item without links the revision it had before links were kept, so collecting it again changes nothing', () => {
    // Computed by the release before links were stored (6fe17c0): a changed revision would count
    // every item collected again after an upgrade as updated.
    const item = anItem({
      externalId: 'revision-pin',
      text: 'Полонений з Курська розповідає',
      title: 'Звернення',
      collectedAt: '2026-01-22T00:00:00Z',
      engagement: { views: 5 },
    });
    expect(prepareItem(item, new Date('2026-02-01T00:00:00Z')).revision).toBe('9f7b9c84cdc7cd7a8879447d5bbd4fa6');
    expect(prepareItem({ ...item, links: [] }, new Date('2026-02-01T00:00:00Z')).revision).toBe(
      '9f7b9c84cdc7cd7a8879447d5bbd4fa6',
    );
  });

  it('records an engagement change as an update with a snapshot', async () => {
    const item = anItem({ externalId: 'engagement-1', engagement: { views: 10 }, collectedAt: '2026-01-22T00:00:00Z' });
    for (const [, store] of adapters()) {
      expect((await store.upsertItems([item], NOW))[0]?.status).toBe('created');
      const later = { ...item, engagement: { views: 250, forwards: 3 }, collectedAt: '2026-01-23T00:00:00Z' };
      expect((await store.upsertItems([later], NOW))[0]?.status).toBe('updated');
      expect((await store.upsertItems([later], NOW))[0]?.status).toBe('unchanged');
      await store.sync();
      const snapshots = await store.getSnapshots(idOf(item));
      expect(snapshots.map((s) => [s.at, s.views])).toEqual([
        ['2026-01-22T00:00:00.000Z', 10],
        ['2026-01-23T00:00:00.000Z', 250],
      ]);
      const [stored] = await store.getItems([idOf(item)]);
      expect(stored?.engagement).toEqual({ views: 250, forwards: 3, reactions: 0, comments: 0 });
    }
  });

  it('records source runs: status, error, items collected and collector state', async () => {
    const input = aSource({ id: 'run-source', releaseSource: true });
    for (const [, store] of adapters()) {
      const created = await store.createSource(input, NOW);
      expect(created).toMatchObject({ releaseSource: true, sensitive: false, lastRunAt: null, itemsCollected: 0 });
      expect(await store.getSourceState('run-source')).toEqual({});
      await store.recordSourceRun('run-source', {
        at: '2026-02-01T01:00:00.000Z',
        status: 'succeeded',
        error: null,
        created: 12,
        state: { lastId: 4411 },
      });
      const failed = await store.recordSourceRun('run-source', {
        at: '2026-02-01T02:00:00.000Z',
        status: 'failed',
        error: 'channel not found',
        created: 0,
      });
      expect(failed).toMatchObject({ lastRunStatus: 'failed', lastError: 'channel not found', itemsCollected: 12 });
      expect(await store.getSource('run-source')).toEqual(failed);
      // A failed run without state keeps the state of the last good one.
      expect(await store.getSourceState('run-source')).toEqual({ lastId: 4411 });
      await store.deleteSource('run-source');
    }
  });

  it('keeps sources: create, read, update, delete, and refuses duplicates', async () => {
    const input = aSource({ id: 'contract-source', side: 'KR', type: 'media', country: 'KR' });
    for (const [, store] of adapters()) {
      const created = await store.createSource(input, NOW);
      expect(created).toMatchObject({ id: 'contract-source', side: 'KR', enabled: true, createdAt: NOW.toISOString() });
      await expect(store.createSource(input, NOW)).rejects.toThrow(/already exists/u);
      const updated = await store.updateSource(
        'contract-source',
        { enabled: false, name: 'Renamed' },
        new Date('2026-02-02T00:00:00Z'),
      );
      expect(updated).toMatchObject({ enabled: false, name: 'Renamed', updatedAt: '2026-02-02T00:00:00.000Z' });
      expect((await store.listSources()).map((s) => s.id)).toContain('contract-source');
      await store.deleteSource('contract-source');
      expect(await store.getSource('contract-source')).toBeNull();
      await expect(store.deleteSource('contract-source')).rejects.toThrow(/does not exist/u);
    }
  });
});
