/**
 * Pieces of the analytics both adapters share: bucket arithmetic, zero-filling, spread metrics and
 * cursors. Each adapter only fetches counts or rows; what they mean is decided here, once.
 */
import { ValidationError } from '../domain/errors.js';
import type { Item, Source, SourceInput, SourcePatch, SourceRun } from '../domain/schemas.js';
import type { FramingMatrix, Interval, ReleaseSpread, TimelineBucket } from './port.js';

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
  for (const r of rows) {
    const seen = firstBySide.get(r.side);
    if (!seen || r.publishedAt < seen.publishedAt || (r.publishedAt === seen.publishedAt && r.id < seen.id)) {
      firstBySide.set(r.side, r);
    }
  }
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
      .map((r) => ({
        side: r.side,
        firstSeenAt: r.publishedAt,
        itemId: r.id,
        delaySec: originalMs === null ? null : Math.round((Date.parse(r.publishedAt) - originalMs) / 1000),
      })),
    curve,
  };
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
