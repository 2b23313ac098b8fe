/**
 * What each rule type would fire, as candidates computed from the store port (and, on ingest, from
 * the item itself). Evaluation and the dry run share these; noise control comes after.
 */
import type { Item } from '../domain/schemas.js';
import type { ItemFilter, ReleaseSummary, Store } from '../store/port.js';
import { bucketStart, intervalMs } from '../store/shared.js';
import type { AlertRule, RuleFilter } from '../store/alerts/port.js';
import { detectSpike, spreadLevel } from './detect.js';
import { compileRuleFilter } from './rules.js';

export interface Candidate {
  key: string;
  /** Escalation level (1 = first threshold). */
  level: number;
  /** When it fired (or would have). */
  at: number;
  summary: string;
  link: string;
  releaseId: string | null;
  itemIds: string[];
  metrics: Record<string, number>;
  thresholds: Record<string, number>;
}

type ItemView = Omit<Item, 'raw'>;
const DAY = 86_400_000;
const MAX_RELEASES = 500;

const quote = (text: string, max = 120) => {
  const clean = text.replace(/\s+/gu, ' ').trim();
  return `"${clean.length > max ? `${clean.slice(0, max - 1)}…` : clean}"`;
};
const label = (item: ItemView) => quote(item.title || item.text);

/** A dashboard search link with the rule's filter (the query-string names of GET /search). */
export function searchLink(filter: RuleFilter, range: { from?: number; to?: number } = {}): string {
  const params = new URLSearchParams();
  if (filter.query) params.set('q', filter.query);
  const lists: [string, string[] | undefined][] = [
    ['side', filter.sides],
    ['platform', filter.platforms],
    ['kind', filter.kinds],
    ['lang', filter.langs],
    ['source', filter.sources],
    ['frame', filter.frames],
  ];
  for (const [name, values] of lists) if (values?.length) params.set(name, values.join(','));
  if (range.from !== undefined) params.set('from', new Date(range.from).toISOString());
  if (range.to !== undefined) params.set('to', new Date(range.to).toISOString());
  const qs = params.toString();
  return qs ? `/search?${qs}` : '/search';
}

export function releaseCandidate(original: ItemView): Candidate {
  return {
    key: `release:${original.id}`,
    level: 1,
    at: Date.parse(original.publishedAt),
    summary: `New release from ${original.sourceId} (${original.side}, ${original.kind}): ${label(original)}`,
    link: `/releases/${encodeURIComponent(original.id)}`,
    releaseId: original.id,
    itemIds: [original.id],
    metrics: {},
    thresholds: {},
  };
}

export function keywordCandidate(rule: AlertRule, item: ItemView): Candidate {
  return {
    key: `item:${item.id}`,
    level: 1,
    at: Date.parse(item.publishedAt),
    summary: `${item.side} ${item.kind} from ${item.sourceId} matches ${quote(rule.filter.query ?? '', 80)}: ${label(item)}`,
    link: searchLink(rule.filter),
    releaseId: item.releaseId,
    itemIds: [item.id],
    metrics: {},
    thresholds: {},
  };
}

/** An item opens a release when it is the release's original (its releaseId is its own id). */
export const opensRelease = (item: ItemView) => item.releaseId === item.id;

function storeFilter(rule: AlertRule): ItemFilter {
  return compileRuleFilter(rule.filter).store;
}

async function releasesSince(store: Store, rule: AlertRule, from: number, to: number): Promise<ReleaseSummary[]> {
  const page = await store.listReleases({
    filter: { ...storeFilter(rule), from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    sort: 'recency',
    limit: MAX_RELEASES,
  });
  return page.releases;
}

/** new_release over a past range: releases first seen in it whose original matches the filter. */
export async function newReleaseCandidates(store: Store, rule: AlertRule, from: number, to: number): Promise<Candidate[]> {
  const matcher = compileRuleFilter(rule.filter);
  const releases = await releasesSince(store, rule, from, to);
  return releases.flatMap((r) => (r.original && matcher.matches(r.original) ? [releaseCandidate(r.original)] : []));
}

/** keyword over a past range: matching items, oldest first. */
export async function keywordCandidates(
  store: Store,
  rule: AlertRule,
  from: number,
  to: number,
  max = 1000,
): Promise<Candidate[]> {
  const items: ItemView[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.searchItems({
      filter: { ...storeFilter(rule), from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      sort: 'time',
      limit: Math.min(500, max - items.length),
      ...(cursor && { cursor }),
    });
    items.push(...page.hits.map((h) => h.item));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < max);
  return items.reverse().map((item) => keywordCandidate(rule, item));
}

/** spread_threshold: releases first seen within the window whose spread crossed a threshold. */
export async function spreadCandidates(store: Store, rule: AlertRule, now: number, from?: number): Promise<Candidate[]> {
  const windowMs = (rule.params.windowHours ?? 24) * 3_600_000;
  const releases = await releasesSince(store, rule, from ?? now - windowMs, now + 1);
  const out: Candidate[] = [];
  for (const r of releases) {
    const metrics = {
      pickups: r.pickups,
      distinctSources: r.distinctSources,
      distinctSides: r.distinctSides,
      summedViews: r.summedViews,
    };
    const { level, crossed } = spreadLevel(metrics, rule.params);
    if (level === 0) continue;
    const title = r.original ? label(r.original) : r.id;
    const parts = Object.entries(crossed).map(([k, t]) => `${k} ${metrics[k as keyof typeof metrics]} >= ${t}`);
    out.push({
      key: `release:${r.id}`,
      level,
      at: now,
      summary: `Release ${title} is spreading: ${parts.join(', ')}`,
      link: `/releases/${encodeURIComponent(r.id)}`,
      releaseId: r.id,
      itemIds: r.original ? [r.original.id] : [],
      metrics: { ...metrics, distinctLangs: r.distinctLangs },
      thresholds: crossed,
    });
  }
  return out;
}

/**
 * volume_spike: each complete bucket in [from, now) against the baselineBuckets before it.
 * Live evaluation asks for the last complete bucket only (from = its start).
 */
export async function spikeCandidates(store: Store, rule: AlertRule, now: number, from?: number): Promise<Candidate[]> {
  const interval = rule.params.interval === 'day' ? 'day' : 'hour';
  const step = intervalMs(interval);
  const baseline = rule.params.baselineBuckets ?? 12;
  const end = bucketStart(now, interval);
  const firstEvaluated = from === undefined ? end - step : bucketStart(from, interval);
  const timeline = await store.timeline({
    filter: {
      ...storeFilter(rule),
      from: new Date(firstEvaluated - baseline * step).toISOString(),
      to: new Date(end).toISOString(),
    },
    interval,
  });
  const counts = new Map(timeline.buckets.map((b) => [Date.parse(b.start), b.total]));
  const out: Candidate[] = [];
  for (let start = firstEvaluated; start < end; start += step) {
    const series = Array.from({ length: baseline }, (_, n) => counts.get(start - (baseline - n) * step) ?? 0);
    const latest = counts.get(start) ?? 0;
    const result = detectSpike(series, latest, {
      ratio: rule.params.ratio ?? 3,
      minCount: rule.params.minCount ?? 5,
      ...(rule.params.zScore !== undefined && { zScore: rule.params.zScore }),
    });
    if (!result.spike) continue;
    out.push({
      key: `spike:${new Date(start).toISOString()}`,
      level: 1,
      at: start + step,
      summary: `Volume spike: ${latest} items in the ${interval} from ${new Date(start).toISOString()} against a baseline of ${result.baselineMean} per ${interval} (x${result.ratio})`,
      link: searchLink(rule.filter, { from: start, to: start + step }),
      releaseId: null,
      itemIds: [],
      metrics: {
        count: latest,
        baselineMean: result.baselineMean,
        ratio: Number.isFinite(result.ratio) ? result.ratio : latest,
        ...(result.zScore !== null && { zScore: result.zScore }),
      },
      thresholds: {
        ratio: rule.params.ratio ?? 3,
        minCount: rule.params.minCount ?? 5,
        ...(rule.params.zScore !== undefined && { zScore: rule.params.zScore }),
      },
    });
  }
  return out;
}

/** frame_shift: each complete bucket in [from, now) whose side x frame share moved by points or more. */
export async function shiftCandidates(store: Store, rule: AlertRule, now: number, from?: number): Promise<Candidate[]> {
  const interval = rule.params.interval === 'week' ? 'week' : 'day';
  const step = intervalMs(interval);
  const end = bucketStart(now, interval);
  const firstEvaluated = from === undefined ? end - step : bucketStart(from, interval);
  const timeline = await store.framingTimeline({
    filter: { ...storeFilter(rule), from: new Date(firstEvaluated - step).toISOString(), to: new Date(end).toISOString() },
    interval,
  });
  const points = rule.params.points ?? 10;
  const minItems = rule.params.minItems ?? 5;
  const out: Candidate[] = [];
  let previousSides = new Map<string, number>();
  for (const bucket of timeline.buckets) {
    const start = Date.parse(bucket.start);
    const sides = new Map(bucket.sides.map((s) => [s.side, s.items]));
    if (start >= firstEvaluated && start < end) {
      for (const cell of bucket.cells) {
        if (cell.shareChange === null || cell.previousShare === null) continue;
        if ((sides.get(cell.side) ?? 0) < minItems || (previousSides.get(cell.side) ?? 0) < minItems) continue;
        const moved = Math.round(cell.shareChange * 1000) / 10;
        if (Math.abs(moved) < points) continue;
        const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;
        out.push({
          key: `shift:${bucket.start}:${cell.side}:${cell.frame}`,
          level: 1,
          at: start + step,
          summary: `${cell.side} share of frame ${cell.frame} moved ${moved > 0 ? '+' : ''}${moved} points (${pct(cell.previousShare)} -> ${pct(cell.share)}) in the ${interval} from ${bucket.start.slice(0, 10)}`,
          link: searchLink(
            { ...rule.filter, sides: [cell.side as Item['side']], frames: [cell.frame] },
            { from: start, to: start + step },
          ),
          releaseId: null,
          itemIds: [],
          metrics: { shareChangePoints: moved, share: cell.share, previousShare: cell.previousShare, count: cell.count },
          thresholds: { points },
        });
      }
    }
    previousSides = sides;
  }
  return out;
}

export const DRY_RUN_DAYS = 7;
export const dryRunRange = (now: number) => ({ from: now - DRY_RUN_DAYS * DAY, to: now });
