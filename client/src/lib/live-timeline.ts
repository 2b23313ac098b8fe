/**
 * Live items applied to a loaded timeline without asking the server: each new item adds one to its
 * bucket (and its split key), so the wall screen moves within the frame the item arrived in. The
 * view still reloads the timeline now and then; the server's answer replaces these local counts.
 */
import type { FilterQuery } from '../api/index.js';
import type { Item, TimelineResponse } from '../api/types.js';
import { bucketEnd } from '../charts/format.js';

/** Filters a live item can be checked against on the client; the rest need the server. */
const ITEM_FIELD = { side: 'side', platform: 'platform', kind: 'kind', lang: 'lang', source: 'sourceId' } as const;
const SERVER_ONLY = ['q', 'frame', 'release'] as const;

/** Whether the filter can be decided for a live item here (no full-text query, frame or release). */
export function decidableLocally(filter: FilterQuery): boolean {
  return SERVER_ONLY.every((key) => !filter[key]);
}

/** Whether a live item matches the field filters (comma-separated lists, as the API takes them). */
export function matchesFilter(item: Item, filter: FilterQuery): boolean {
  for (const [key, field] of Object.entries(ITEM_FIELD) as [
    keyof typeof ITEM_FIELD,
    (typeof ITEM_FIELD)[keyof typeof ITEM_FIELD],
  ][]) {
    const wanted = filter[key];
    if (!wanted) continue;
    const values = wanted.split(',').map((v) => v.trim());
    if (!values.includes(item[field])) return false;
  }
  return true;
}

/**
 * The timeline with `items` counted in: only items matching `filter` and published inside the
 * timeline's buckets. Returns null when nothing changed (or the filter needs the server), so the
 * caller keeps the same object and the chart is not updated for nothing.
 */
export function addLiveItems(
  timeline: TimelineResponse,
  items: readonly Item[],
  filter: FilterQuery,
): { timeline: TimelineResponse; added: number } | null {
  if (!decidableLocally(filter) || timeline.buckets.length === 0) return null;
  const first = Date.parse(timeline.buckets[0]!.start);
  const end = Date.parse(bucketEnd(timeline.buckets.at(-1)!.start, timeline.interval));
  const width = Date.parse(bucketEnd(timeline.buckets[0]!.start, timeline.interval)) - first;
  const changes = new Map<number, Map<string, number>>();
  let added = 0;
  for (const item of items) {
    const at = Date.parse(item.publishedAt);
    if (!(at >= first && at < end) || !matchesFilter(item, filter)) continue;
    // Buckets are dense and of one width (the API fills empty ones), so the index is arithmetic.
    const index = Math.floor((at - first) / width);
    const bucket = timeline.buckets[index];
    if (!bucket || at < Date.parse(bucket.start) || at >= Date.parse(bucketEnd(bucket.start, timeline.interval))) continue;
    const key = timeline.split ? keyOf(item, timeline.split) : '';
    if (key === null) continue;
    const byKey = changes.get(index) ?? new Map<string, number>();
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
    changes.set(index, byKey);
    added++;
  }
  if (added === 0) return null;
  const buckets = timeline.buckets.map((bucket, index) => {
    const byKey = changes.get(index);
    if (!byKey) return bucket;
    const split = { ...bucket.split };
    let total = bucket.total;
    for (const [key, count] of byKey) {
      total += count;
      if (timeline.split) split[key] = (split[key] ?? 0) + count;
    }
    return { ...bucket, total, split };
  });
  return { timeline: { ...timeline, buckets }, added };
}

/** The split key of an item, or null when the split needs the server (frames: an item has several). */
function keyOf(item: Item, split: string): string | null {
  switch (split) {
    case 'side':
      return item.side;
    case 'platform':
      return item.platform;
    case 'kind':
      return item.kind;
    case 'lang':
      return item.lang;
    case 'source':
      return item.sourceId;
    default:
      return null;
  }
}
