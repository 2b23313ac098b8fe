/**
 * Pieces of the analytics both adapters share: bucket arithmetic, zero-filling, spread metrics and
 * cursors. Each adapter only fetches counts or rows; what they mean is decided here, once.
 */
import { ValidationError } from '../domain/errors.js';
import type { Item, Source, SourceInput, SourcePatch, SourceRun } from '../domain/schemas.js';
import type {
  FramingMatrix,
  FramingTimeline,
  FramingTimelineBucket,
  FramingTimelineCell,
  FramingTimelineRequest,
  Interval,
  ItemFilter,
  ListReleasesRequest,
  ReleaseSort,
  ReleaseSpread,
  ReleaseSummary,
  TimelineBucket,
} from './port.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** 1970-01-05 was a Monday: weeks start on Monday, as in Elasticsearch's calendar weeks. */
const MONDAY = 4 * DAY;
const MAX_BUCKETS = 10_000;

export function bucketStart(ms: number, interval: Interval): number {
  switch (interval) {
    case 'hour':
      return Math.floor(ms / HOUR) * HOUR;
    case 'day':
      return Math.floor(ms / DAY) * DAY;
    case 'week':
      return Math.floor((ms - MONDAY) / WEEK) * WEEK + MONDAY;
  }
}

export function intervalMs(interval: Interval): number {
  return interval === 'hour' ? HOUR : interval === 'day' ? DAY : WEEK;
}

export interface SparseBucket {
  startMs: number;
  total: number;
  split: Record<string, number>;
}

/**
 * Zero-filled buckets from the filter's range (or the data's) in order. Refuses ranges that would
 * produce an unreadable number of buckets rather than allocating them.
 */
export function densify(sparse: SparseBucket[], interval: Interval, range: { from?: string; to?: string }): TimelineBucket[] {
  const step = intervalMs(interval);
  const byStart = new Map(sparse.map((b) => [b.startMs, b]));
  const starts = sparse.map((b) => b.startMs);
  const first = range.from ? bucketStart(Date.parse(range.from), interval) : Math.min(...starts);
  // `to` is exclusive: the last bucket is the one holding the instant just before it.
  const last = range.to ? bucketStart(Date.parse(range.to) - 1, interval) : Math.max(...starts);
  if (!Number.isFinite(first) || !Number.isFinite(last) || last < first) return [];
  const count = Math.floor((last - first) / step) + 1;
  if (count > MAX_BUCKETS) {
    throw new ValidationError(
      `the range holds ${count} ${interval} buckets; at most ${MAX_BUCKETS} are allowed, choose a longer interval or a shorter range`,
      'interval',
    );
  }
  const out: TimelineBucket[] = [];
  for (let ms = first; ms <= last; ms += step) {
    const b = byStart.get(ms);
    out.push({ start: new Date(ms).toISOString(), total: b?.total ?? 0, split: b?.split ?? {} });
  }
  return out;
}

/** Side x frame counts to the matrix with shares; cells sorted by side then frame. */
export function framingFromCounts(
  sideItems: Map<string, number>,
  cellCounts: { side: string; frame: string; count: number }[],
): FramingMatrix {
  const sides = [...sideItems.entries()].map(([side, items]) => ({ side, items })).sort((a, b) => a.side.localeCompare(b.side));
  const frames = [...new Set(cellCounts.map((c) => c.frame))].sort();
  const cells = cellCounts
    .filter((c) => c.count > 0)
    .map((c) => ({ ...c, share: c.count / (sideItems.get(c.side) ?? c.count) }))
    .sort((a, b) => a.side.localeCompare(b.side) || a.frame.localeCompare(b.frame));
  return { sides, frames, cells };
}

/** The fields spread needs from each item of a release. */
export type SpreadRow = Pick<Item, 'id' | 'sourceId' | 'side' | 'lang' | 'publishedAt'> & { views: number };

export function computeSpread(
  releaseId: string,
  original: Omit<Item, 'raw'> | null,
  rows: SpreadRow[],
  interval: Interval,
): ReleaseSpread {
  const copies = rows.filter((r) => r.id !== releaseId);
  const originalMs = original ? Date.parse(original.publishedAt) : null;
  const firstBySide = new Map<string, SpreadRow>();
  const firstBySource = new Map<string, SpreadRow>();
  const earlier = (r: SpreadRow, seen: SpreadRow | undefined) =>
    !seen || r.publishedAt < seen.publishedAt || (r.publishedAt === seen.publishedAt && r.id < seen.id);
  for (const r of rows) {
    if (earlier(r, firstBySide.get(r.side))) firstBySide.set(r.side, r);
    if (earlier(r, firstBySource.get(r.sourceId))) firstBySource.set(r.sourceId, r);
  }
  const delaySec = (r: SpreadRow) => (originalMs === null ? null : Math.round((Date.parse(r.publishedAt) - originalMs) / 1000));
  const sparse = new Map<number, { pickups: number; views: number }>();
  for (const r of rows) {
    const start = bucketStart(Date.parse(r.publishedAt), interval);
    const b = sparse.get(start) ?? { pickups: 0, views: 0 };
    if (r.id !== releaseId) b.pickups++;
    b.views += r.views;
    sparse.set(start, b);
  }
  const dense = densify(
    [...sparse.entries()].map(([startMs, b]) => ({ startMs, total: b.pickups, split: { views: b.views } })),
    interval,
    {},
  );
  let cumulativePickups = 0;
  let cumulativeViews = 0;
  const curve = dense.map((b) => {
    const views = b.split['views'] ?? 0;
    cumulativePickups += b.total;
    cumulativeViews += views;
    return { start: b.start, pickups: b.total, cumulativePickups, views, cumulativeViews };
  });
  return {
    releaseId,
    original,
    pickups: copies.length,
    distinctSources: new Set(rows.map((r) => r.sourceId)).size,
    distinctSides: new Set(rows.map((r) => r.side)).size,
    distinctLangs: new Set(rows.map((r) => r.lang)).size,
    summedViews: rows.reduce((n, r) => n + r.views, 0),
    firstSeenPerSide: [...firstBySide.values()]
      .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.side.localeCompare(b.side))
      .map((r) => ({ side: r.side, firstSeenAt: r.publishedAt, itemId: r.id, delaySec: delaySec(r) })),
    firstSeenPerSource: [...firstBySource.values()]
      .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.sourceId.localeCompare(b.sourceId))
      .map((r) => ({ sourceId: r.sourceId, side: r.side, firstSeenAt: r.publishedAt, itemId: r.id, delaySec: delaySec(r) })),
    curve,
  };
}

/**
 * The spread score of a release: log2(1 + pickups) x distinctSides x (1 + log2(distinctLangs)),
 * rounded to 4 decimals. Copies count with diminishing returns (a thousand reposts by one network
 * must not outrank a release that crossed sides), each side reached multiplies the score, and each
 * doubling of languages adds one more multiple. A release without copies scores 0.
 */
export function spreadScore(pickups: number, distinctSides: number, distinctLangs: number): number {
  if (pickups <= 0) return 0;
  const raw = Math.log2(1 + pickups) * distinctSides * (1 + Math.log2(Math.max(1, distinctLangs)));
  return Math.round(raw * 10_000) / 10_000;
}

/** Most releases one listing aggregates in memory; a wider filter is refused, never answered wrongly. */
export const MAX_RELEASE_CANDIDATES = 200_000;

/** Items of one release that share side, language and source: what both adapters group by. */
export interface ReleaseGroup {
  releaseId: string;
  side: string;
  lang: string;
  sourceId: string;
  items: number;
  views: number;
  firstMs: number;
  lastMs: number;
}

/** Splits a release filter into the item filter selecting releases by content and the one selecting by time. */
export function releaseCandidateFilters(filter: ItemFilter): { member: ItemFilter | null; range: ItemFilter | null } {
  const { from, to, ...rest } = filter;
  const hasRest = Object.values(rest).some((v) => v !== undefined && (!Array.isArray(v) || v.length > 0));
  return {
    member: hasRest ? rest : null,
    // A release first seen in [from, to) has an item in [from, to): its first one.
    range: from || to ? { ...(from && { from }), ...(to && { to }) } : null,
  };
}

/** Intersection of candidate sets; null means "every release". */
export function intersectCandidates(sets: (Set<string> | null)[]): Set<string> | null {
  const given = sets.filter((set): set is Set<string> => set !== null);
  const [first, ...rest] = given;
  const out = first ? new Set([...first].filter((id) => rest.every((set) => set.has(id)))) : null;
  if (out && out.size > MAX_RELEASE_CANDIDATES) tooManyReleases(out.size);
  return out;
}

function tooManyReleases(count: number): never {
  throw new ValidationError(
    `the filter selects ${count} releases; at most ${MAX_RELEASE_CANDIDATES} can be ranked at once, narrow the time range or filters`,
    'filter',
  );
}

type ReleaseMetrics = Omit<ReleaseSummary, 'original'>;

const RELEASE_SORT_KEYS: Record<ReleaseSort, (r: ReleaseMetrics) => (number | string)[]> = {
  spread: (r) => [r.spreadScore, Date.parse(r.firstSeenAt), r.id],
  pickups: (r) => [r.pickups, Date.parse(r.firstSeenAt), r.id],
  views: (r) => [r.summedViews, Date.parse(r.firstSeenAt), r.id],
  recency: (r) => [Date.parse(r.firstSeenAt), r.id],
};

function compareDesc(a: (number | string)[], b: (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number | string;
    const y = b[i] as number | string;
    if (x === y) continue;
    return x < y ? 1 : -1;
  }
  return 0;
}

/**
 * Releases from grouped counts: metrics, the time filter on firstSeenAt, sorting and the page.
 * `originals` holds the ids of releases whose original item is stored (it is not a pickup).
 */
export function rankReleases(
  groups: ReleaseGroup[],
  originals: Set<string>,
  request: ListReleasesRequest,
): { total: number; page: ReleaseMetrics[]; nextCursor: string | null } {
  const byRelease = new Map<string, ReleaseGroup[]>();
  for (const g of groups) {
    const list = byRelease.get(g.releaseId);
    if (list) list.push(g);
    else byRelease.set(g.releaseId, [g]);
  }
  if (byRelease.size > MAX_RELEASE_CANDIDATES) tooManyReleases(byRelease.size);
  const fromMs = request.filter.from ? Date.parse(request.filter.from) : -Infinity;
  const toMs = request.filter.to ? Date.parse(request.filter.to) : Infinity;
  const releases: ReleaseMetrics[] = [];
  for (const [id, list] of byRelease) {
    const firstMs = Math.min(...list.map((g) => g.firstMs));
    if (firstMs < fromMs || firstMs >= toMs) continue;
    const items = list.reduce((n, g) => n + g.items, 0);
    const pickups = items - (originals.has(id) ? 1 : 0);
    const distinctSides = new Set(list.map((g) => g.side)).size;
    const distinctLangs = new Set(list.map((g) => g.lang)).size;
    releases.push({
      id,
      pickups,
      distinctSources: new Set(list.map((g) => g.sourceId)).size,
      distinctSides,
      distinctLangs,
      summedViews: list.reduce((n, g) => n + g.views, 0),
      firstSeenAt: new Date(firstMs).toISOString(),
      lastSeenAt: new Date(Math.max(...list.map((g) => g.lastMs))).toISOString(),
      spreadScore: spreadScore(pickups, distinctSides, distinctLangs),
    });
  }
  const key = RELEASE_SORT_KEYS[request.sort];
  const keyed = releases.map((r) => ({ r, k: key(r) })).sort((a, b) => compareDesc(a.k, b.k));
  let start = 0;
  if (request.cursor) {
    const after = decodeCursor(request.cursor, key(releases[0] ?? emptyMetrics).length);
    start = keyed.findIndex((e) => compareDesc(e.k, after) > 0);
    if (start < 0) start = keyed.length;
  }
  const page = keyed.slice(start, start + request.limit);
  const last = page[page.length - 1];
  return {
    total: keyed.length,
    page: page.map((e) => e.r),
    nextCursor: last && start + request.limit < keyed.length ? encodeCursor(last.k) : null,
  };
}

const emptyMetrics: ReleaseMetrics = {
  id: '',
  pickups: 0,
  distinctSources: 0,
  distinctSides: 0,
  distinctLangs: 0,
  summedViews: 0,
  firstSeenAt: new Date(0).toISOString(),
  lastSeenAt: new Date(0).toISOString(),
  spreadScore: 0,
};

/** The filter a framing timeline reads: one bucket earlier than asked, so the first bucket has a previous one. */
export function framingTimelineQueryFilter(filter: ItemFilter, interval: 'day' | 'week'): ItemFilter {
  if (!filter.from) return filter;
  const from = bucketStart(Date.parse(filter.from), interval) - intervalMs(interval);
  return { ...filter, from: new Date(from).toISOString() };
}

/** Per-bucket side counts and side x frame counts to the timeline with shares and changes. */
export function framingTimelineFromCounts(
  sideCounts: { startMs: number; side: string; items: number }[],
  cellCounts: { startMs: number; side: string; frame: string; count: number }[],
  request: FramingTimelineRequest,
): FramingTimeline {
  const { interval, filter } = request;
  const step = intervalMs(interval);
  const sides = new Map<number, Map<string, number>>();
  for (const s of sideCounts) {
    const m = sides.get(s.startMs) ?? new Map<string, number>();
    m.set(s.side, s.items);
    sides.set(s.startMs, m);
  }
  const cells = new Map<number, Map<string, number>>();
  for (const c of cellCounts) {
    const m = cells.get(c.startMs) ?? new Map<string, number>();
    m.set(`${c.side}\u0000${c.frame}`, c.count);
    cells.set(c.startMs, m);
  }
  const sparse: SparseBucket[] = [...sides.entries()]
    .filter(([startMs]) => !filter.from || startMs >= bucketStart(Date.parse(filter.from), interval))
    .map(([startMs, m]) => ({ startMs, total: [...m.values()].reduce((n, v) => n + v, 0), split: {} }));
  const dense = densify(sparse, interval, filter);
  const allSides = new Set<string>();
  const allFrames = new Set<string>();
  const buckets: FramingTimelineBucket[] = dense.map((b) => {
    const startMs = Date.parse(b.start);
    const sideItems = sides.get(startMs) ?? new Map<string, number>();
    const prevSides = sides.get(startMs - step) ?? new Map<string, number>();
    const now = cells.get(startMs) ?? new Map<string, number>();
    const prev = cells.get(startMs - step) ?? new Map<string, number>();
    const keys = [...new Set([...now.keys(), ...prev.keys()])];
    for (const side of sideItems.keys()) allSides.add(side);
    const bucketCells: FramingTimelineCell[] = keys.map((k) => {
      const [side, frame] = k.split('\u0000') as [string, string];
      allFrames.add(frame);
      allSides.add(side);
      const count = now.get(k) ?? 0;
      const items = sideItems.get(side) ?? 0;
      const share = items > 0 ? count / items : 0;
      const previousCount = prev.get(k) ?? 0;
      const prevItems = prevSides.get(side) ?? 0;
      const previousShare = prevItems > 0 ? previousCount / prevItems : null;
      return {
        side,
        frame,
        count,
        share,
        previousCount,
        previousShare,
        shareChange: previousShare === null ? null : share - previousShare,
      };
    });
    bucketCells.sort((a, c) => a.side.localeCompare(c.side) || a.frame.localeCompare(c.frame));
    return {
      start: b.start,
      sides: [...sideItems.entries()].map(([side, items]) => ({ side, items })).sort((a, c) => a.side.localeCompare(c.side)),
      cells: bucketCells,
    };
  });
  return { interval, sides: [...allSides].sort(), frames: [...allFrames].sort(), buckets };
}

/** Opaque page cursors: the sort values of the last hit of a page. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): (string | number)[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === length &&
      values.every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return values as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('the cursor is not one this search returned; start again without it', 'cursor');
}

/** A new source from its input, with both adapters' defaults. */
export function newSource(input: SourceInput, now: Date): Source {
  const at = now.toISOString();
  return {
    id: input.id,
    platform: input.platform,
    handle: input.handle ?? null,
    url: input.url ?? null,
    name: input.name,
    side: input.side,
    type: input.type,
    country: input.country ?? null,
    lang: input.lang ?? null,
    schedule: input.schedule ?? null,
    enabled: input.enabled ?? true,
    releaseSource: input.releaseSource ?? false,
    sensitive: input.sensitive ?? false,
    verified: input.verified ?? false,
    demo: input.demo ?? false,
    createdAt: at,
    updatedAt: at,
    lastRunAt: null,
    lastRunStatus: null,
    lastError: null,
    itemsCollected: 0,
  };
}

export function patchSource(current: Source, patch: SourcePatch, now: Date): Source {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return { ...current, ...defined, updatedAt: now.toISOString() };
}

export function withRun(current: Source, run: SourceRun): Source {
  return {
    ...current,
    lastRunAt: run.at,
    lastRunStatus: run.status,
    lastError: run.status === 'failed' ? (run.error ?? 'failed') : null,
    itemsCollected: current.itemsCollected + run.created,
  };
}
