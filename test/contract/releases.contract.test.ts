/**
 * The release and framing-over-time contract: listReleases and framingTimeline on both adapters
 * (a real SQLite file and a real Elasticsearch node) over one generated corpus, equal to each other
 * and to a naive in-memory reading of their documented semantics.
 */
import { describe, expect, it } from 'vitest';
import type { Item, ItemInput } from '../../server/domain/schemas.js';
import type { FramingTimeline, ItemFilter, ReleaseSort, ReleaseSummary } from '../../server/store/port.js';
import { prepareItem } from '../../server/store/prepare.js';
import { parseSearchQuery } from '../../server/store/search-syntax.js';
import { bucketStart, intervalMs, spreadScore } from '../../server/store/shared.js';
import { generateItems } from '../../pipelines/generator/index.js';
import { anItem, idOf } from '../helpers/factories.js';
import { useBothStores } from './harness.js';
import { matches } from './oracle.js';

const NOW = new Date('2026-02-01T00:00:00Z');

// A release whose original was never collected: every stored item of it is a pickup.
const orphanCopies: ItemInput[] = [
  anItem({ externalId: 'orphan-1', releaseId: 'never-collected', side: 'RU', lang: 'ru', publishedAt: '2025-12-20T10:00:00Z' }),
  anItem({ externalId: 'orphan-2', releaseId: 'never-collected', side: 'KR', lang: 'ko', publishedAt: '2025-12-21T10:00:00Z' }),
];

const inputs: ItemInput[] = [
  ...generateItems({ seed: 20260121, count: 600, start: new Date('2025-12-01T00:00:00Z'), days: 45 }),
  ...orphanCopies,
];
const corpus: Item[] = [...new Map(inputs.map((i) => [idOf(i), prepareItem(i, NOW).item])).values()];

/** The naive reading of listReleases (port.ts ListReleasesRequest / ReleaseSummary). */
function oracleReleases(filter: ItemFilter, sort: ReleaseSort): Omit<ReleaseSummary, 'original'>[] {
  const { from, to, ...rest } = filter;
  const byRelease = new Map<string, Item[]>();
  for (const item of corpus) {
    if (item.releaseId) byRelease.set(item.releaseId, [...(byRelease.get(item.releaseId) ?? []), item]);
  }
  const out: Omit<ReleaseSummary, 'original'>[] = [];
  for (const [id, members] of byRelease) {
    if (!members.some((m) => matches(m, rest))) continue;
    const first = members.map((m) => m.publishedAt).sort()[0] ?? '';
    if (from && first < new Date(from).toISOString()) continue;
    if (to && first >= new Date(to).toISOString()) continue;
    const pickups = members.filter((m) => m.id !== id).length;
    const sides = new Set(members.map((m) => m.side)).size;
    const langs = new Set(members.map((m) => m.lang)).size;
    out.push({
      id,
      pickups,
      distinctSources: new Set(members.map((m) => m.sourceId)).size,
      distinctSides: sides,
      distinctLangs: langs,
      summedViews: members.reduce((n, m) => n + m.engagement.views, 0),
      firstSeenAt: new Date(first).toISOString(),
      lastSeenAt: new Date(
        members
          .map((m) => m.publishedAt)
          .sort()
          .at(-1) ?? '',
      ).toISOString(),
      spreadScore: spreadScore(pickups, sides, langs),
    });
  }
  const primary = (r: Omit<ReleaseSummary, 'original'>): number =>
    sort === 'spread' ? r.spreadScore : sort === 'pickups' ? r.pickups : sort === 'views' ? r.summedViews : 0;
  return out.sort(
    (a, b) =>
      primary(b) - primary(a) ||
      Date.parse(b.firstSeenAt) - Date.parse(a.firstSeenAt) ||
      (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
}

const { both, adapters } = useBothStores(inputs, NOW);

const RELEASE_FILTERS: [string, ItemFilter][] = [
  ['everything', {}],
  ['first seen in a time range', { from: '2025-12-10T00:00:00Z', to: '2025-12-25T00:00:00Z' }],
  ['reached KP', { sides: ['KP'] }],
  ['picked up by a source', { sourceIds: ['kr-news-agency'] }],
  ['videos or statements from late December on', { kinds: ['video', 'statement'], from: '2025-12-20T00:00:00Z' }],
  ['a frame', { frames: ['exchange_offer'] }],
  ['a query', { query: parseSearchQuery('exchange OR обмін OR обмен') }],
];

describe('listReleases (SQLite, Elasticsearch, oracle)', () => {
  it('scores spread as log2(1 + pickups) x sides x (1 + log2(languages))', () => {
    expect(spreadScore(0, 3, 3)).toBe(0);
    expect(spreadScore(1, 1, 1)).toBe(1);
    expect(spreadScore(3, 2, 2)).toBe(8);
    expect(spreadScore(7, 3, 4)).toBe(27);
  });

  describe.each(RELEASE_FILTERS)('%s', (_name, filter) => {
    it.each<ReleaseSort>(['spread', 'pickups', 'views', 'recency'])('ranks by %s as the oracle does', async (sort) => {
      const expected = oracleReleases(filter, sort);
      expect(expected.length, 'the case selects releases').toBeGreaterThan(0);
      const page = await both((s) => s.listReleases({ filter, sort, limit: 500 }));
      expect(page.total).toBe(expected.length);
      expect(page.releases.map(({ original: _original, ...r }) => r)).toEqual(expected);
      for (const r of page.releases) {
        const stored = corpus.find((i) => i.id === r.id);
        expect(r.original?.id ?? null).toBe(stored ? r.id : null);
      }
    });
  });

  it('counts every copy of a release whose original was never collected as a pickup', async () => {
    const page = await both((s) => s.listReleases({ filter: { sides: ['KR'] }, sort: 'recency', limit: 500 }));
    const orphan = page.releases.find((r) => r.id === 'never-collected');
    expect(orphan).toMatchObject({ original: null, pickups: 2, distinctSides: 2, distinctLangs: 2 });
  });

  it.each<ReleaseSort>(['spread', 'views', 'recency'])('pages with cursors through every release once (%s)', async (sort) => {
    const expected = oracleReleases({}, sort).map((r) => r.id);
    for (const [name, store] of adapters()) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let n = 0; n < 100; n++) {
        const page = await store.listReleases({ filter: {}, sort, limit: 7, ...(cursor && { cursor }) });
        seen.push(...page.releases.map((r) => r.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen, name).toEqual(expected);
    }
  });

  it('agrees with releaseSpread on the metrics of a release', async () => {
    const [top] = oracleReleases({}, 'pickups');
    if (!top) throw new Error('no releases');
    for (const [, store] of adapters()) {
      const page = await store.listReleases({ filter: { releaseIds: [top.id] }, sort: 'spread', limit: 5 });
      const spread = await store.releaseSpread({ releaseId: top.id, interval: 'day' });
      expect(page.releases).toHaveLength(1);
      expect(page.releases[0]).toMatchObject({
        pickups: spread.pickups,
        distinctSources: spread.distinctSources,
        distinctSides: spread.distinctSides,
        distinctLangs: spread.distinctLangs,
        summedViews: spread.summedViews,
      });
      expect(spread.firstSeenPerSource.length).toBe(spread.distinctSources);
      expect(spread.firstSeenPerSource[0]?.firstSeenAt).toBe(page.releases[0]?.firstSeenAt);
    }
  });

  it('refuses a cursor it did not issue', async () => {
    for (const [, store] of adapters()) {
      await expect(store.listReleases({ filter: {}, sort: 'spread', limit: 5, cursor: 'bm9wZQ' })).rejects.toThrow(/cursor/u);
    }
  });
});

/** The naive reading of framingTimeline: side x frame per bucket, compared with the bucket before. */
function oracleCell(filter: ItemFilter, interval: 'day' | 'week', startMs: number, side: string, frame: string) {
  const inBucket = (ms: number) =>
    corpus.filter(
      (i) =>
        matches(i, { ...filter, from: undefined, to: undefined }) &&
        (!filter.to || i.publishedAt < new Date(filter.to).toISOString()) &&
        i.side === side &&
        bucketStart(Date.parse(i.publishedAt), interval) === ms,
    );
  const now = inBucket(startMs);
  const prev = inBucket(startMs - intervalMs(interval));
  const count = now.filter((i) => i.frames.some((f) => f.frameId === frame)).length;
  const previousCount = prev.filter((i) => i.frames.some((f) => f.frameId === frame)).length;
  const share = now.length > 0 ? count / now.length : 0;
  const previousShare = prev.length > 0 ? previousCount / prev.length : null;
  return { count, share, previousCount, previousShare, shareChange: previousShare === null ? null : share - previousShare };
}

describe('framingTimeline (SQLite, Elasticsearch, oracle)', () => {
  it.each<['day' | 'week', ItemFilter]>([
    ['day', { from: '2025-12-08T00:00:00Z', to: '2025-12-22T00:00:00Z' }],
    ['week', {}],
    ['week', { sides: ['UA', 'RU'], from: '2025-12-15T00:00:00Z' }],
  ])('counts side x frame per %s with shares and change (%j)', async (interval, filter) => {
    const timeline: FramingTimeline = await both((s) => s.framingTimeline({ filter, interval }));
    expect(timeline.buckets.length).toBeGreaterThan(1);
    if (filter.from)
      expect(timeline.buckets[0]?.start).toBe(new Date(bucketStart(Date.parse(filter.from), interval)).toISOString());
    const selected = corpus.filter((i) => matches(i, filter));
    // Every tagged (item, frame) of the range is in exactly one cell.
    const tagged = selected.reduce((n, i) => n + new Set(i.frames.map((f) => f.frameId)).size, 0);
    expect(timeline.buckets.reduce((n, b) => n + b.cells.reduce((m, c) => m + c.count, 0), 0)).toBe(tagged);
    expect(timeline.buckets.reduce((n, b) => n + b.sides.reduce((m, s) => m + s.items, 0), 0)).toBe(selected.length);
    for (const b of timeline.buckets) {
      for (const c of b.cells) {
        const expected = oracleCell(filter, interval, Date.parse(b.start), c.side, c.frame);
        expect(c.count).toBe(expected.count);
        expect(c.previousCount).toBe(expected.previousCount);
        expect(c.share).toBeCloseTo(expected.share, 12);
        if (expected.previousShare === null) expect(c.previousShare).toBeNull();
        else expect(c.previousShare).toBeCloseTo(expected.previousShare, 12);
        if (expected.shareChange === null) expect(c.shareChange).toBeNull();
        else expect(c.shareChange).toBeCloseTo(expected.shareChange, 12);
      }
    }
    // The first bucket of a ranged timeline is compared with the period before the range.
    if (filter.from) {
      const first = timeline.buckets[0];
      expect(first?.cells.some((c) => c.previousShare !== null)).toBe(true);
    }
  });
});
