/** The overview counters of stats:tick, computed once per tick from the store and shared by every client. */
import type { Store } from '../store/port.js';
import type { StatsTickEvent } from './protocol.js';

export const STATS_WINDOW_HOURS = 24;

export async function overviewCounters(store: Store, now: Date): Promise<Omit<StatsTickEvent, 'eventId'>> {
  const from = new Date(now.getTime() - STATS_WINDOW_HOURS * 3_600_000).toISOString();
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const filter = { from };
  const [sides, platforms, frames, lastHour] = await Promise.all([
    store.terms({ filter, field: 'side', size: 20 }),
    store.terms({ filter, field: 'platform', size: 20 }),
    store.terms({ filter, field: 'frame', size: 8 }),
    store.countItems({ from: hourAgo }),
  ]);
  const record = (buckets: { key: string; count: number }[]) => Object.fromEntries(buckets.map((b) => [b.key, b.count]));
  return {
    at: now.toISOString(),
    windowHours: STATS_WINDOW_HOURS,
    items: { total: sides.total, lastHour, bySide: record(sides.buckets), byPlatform: record(platforms.buckets) },
    frames: frames.buckets,
  };
}
