/**
 * What a reconnecting client missed, read from the store: items collected since its last event id
 * that match its filter. The port filters on publishedAt only, so the read is bounded by a
 * publishedAt lookback and the collectedAt check is made here; the answer says when it is not
 * complete (too many items, or the scan budget ran out), and the client then reloads instead.
 */
import type { ItemFilter, Store } from '../store/port.js';
import type { LiveItem } from './protocol.js';

export interface ReplayLimits {
  /** Most items a replay sends; more means "too far behind, reload". */
  maxItems: number;
  /** Most items read from the store to find them. */
  maxScan: number;
  /** Items published this long before the last event id are still looked at. */
  lookbackMs: number;
  /** Items collected this long before the last event id are sent again (collector clocks and write delay). */
  slackMs: number;
  /** A last event id older than this is "too far behind" at once. */
  maxAgeMs: number;
}

export const DEFAULT_REPLAY_LIMITS: ReplayLimits = {
  maxItems: 200,
  maxScan: 5_000,
  lookbackMs: 48 * 3_600_000,
  slackMs: 60_000,
  maxAgeMs: 24 * 3_600_000,
};

export interface Replay {
  /** Oldest collected first. */
  items: LiveItem[];
  complete: boolean;
}

const PAGE = 250;

export async function readMissed(
  store: Store,
  filter: ItemFilter,
  sinceMs: number,
  limits: ReplayLimits,
  now = Date.now(),
): Promise<Replay> {
  if (now - sinceMs > limits.maxAgeMs) return { items: [], complete: false };
  const after = sinceMs - limits.slackMs;
  const from = new Date(Math.max(0, sinceMs - limits.lookbackMs)).toISOString();
  const found: LiveItem[] = [];
  let scanned = 0;
  let cursor: string | undefined;
  do {
    const page = await store.searchItems({
      filter: { ...filter, from },
      sort: 'time',
      limit: Math.min(PAGE, limits.maxScan - scanned),
      ...(cursor !== undefined && { cursor }),
    });
    scanned += page.hits.length;
    for (const hit of page.hits) {
      if (Date.parse(hit.item.collectedAt) > after) found.push(hit.item);
    }
    if (found.length > limits.maxItems) return { items: [], complete: false };
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && scanned < limits.maxScan);
  if (cursor !== undefined) return { items: [], complete: false };
  found.sort((a, b) => a.collectedAt.localeCompare(b.collectedAt) || a.id.localeCompare(b.id));
  return { items: found, complete: true };
}
