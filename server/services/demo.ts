/**
 * The demo dataset `npm start` shows on a fresh machine: synthetic sources and items over the last
 * 30 days, every one marked demo so the dashboard can say so. Seeds only an empty store.
 */
import { demoSources, generateItems, generateSnapshots } from '../../pipelines/generator/index.js';
import type { EngagementSnapshot, ItemInput } from '../domain/schemas.js';
import type { EventBus } from '../events/bus.js';
import type { Store } from '../store/port.js';
import { itemId } from '../store/prepare.js';
import { ingestItems } from './ingest.js';

export interface DemoOptions {
  items?: number;
  days?: number;
  now?: Date;
  log?: (message: string) => void;
}

const BATCH = 2_000;

/** Returns the number of items stored (0 when the store already held items). */
export async function seedDemoData(store: Store, options: DemoOptions = {}): Promise<number> {
  if ((await store.countItems()) > 0) return 0;
  const log = options.log ?? (() => {});
  const total = options.items ?? 20_000;
  const days = options.days ?? 30;
  const now = options.now ?? new Date();
  // Aligned to the hour so that restarts within an hour produce the same dataset.
  const end = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  const start = new Date(end - days * 86_400_000);

  const existing = new Set((await store.listSources()).map((s) => s.id));
  for (const source of demoSources()) if (!existing.has(source.id)) await store.createSource(source, now);

  log(`seeding ${total} demo items over ${days} days…`);
  let batch: ItemInput[] = [];
  let snapshots: EngagementSnapshot[] = [];
  let stored = 0;
  const flush = async () => {
    await store.upsertItems(batch, now);
    if (snapshots.length > 0) await store.appendSnapshots(snapshots);
    stored += batch.length;
    batch = [];
    snapshots = [];
    if (stored % 10_000 === 0 || stored === total) log(`demo items stored: ${stored}/${total}`);
  };
  for (const item of generateItems({ seed: 2025, count: total, start, days, demo: true })) {
    batch.push(item);
    // Originals get a views curve so their spread charts have an engagement line.
    if (item.releaseId === itemId(item.platform, item.sourceId, item.externalId)) {
      snapshots.push(...generateSnapshots(item).filter((s) => Date.parse(s.at) <= end));
    }
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  await store.sync();
  return stored;
}

export interface DemoStreamOptions {
  /** Items a second (default 2). */
  rate?: number;
  clock?: () => Date;
  log?: (message: string) => void;
}

export interface DemoStream {
  stop: () => void;
  /** Items stored so far. */
  readonly stored: number;
}

/**
 * Replays generated demo items as a live stream through the ingest service, so that the live
 * timeline, feed and counters move on a fresh machine with no network. Every item is marked demo
 * and published now; copies keep pointing at their (replayed) originals.
 */
export function startDemoStream(store: Store, bus: EventBus, options: DemoStreamOptions = {}): DemoStream {
  const clock = options.clock ?? (() => new Date());
  const rate = options.rate ?? 2;
  const started = clock();
  const source = generateItems({ seed: started.getTime() % 1_000_000, count: 1_000_000, start: started, days: 365, demo: true });
  // Replayed items get new external ids; a copy's release is the replayed original's new id.
  const replayedIds = new Map<string, string>();
  let stored = 0;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const now = clock();
      const entries = [];
      for (let n = 0; n < rate; n++) {
        const next = source.next();
        if (next.done) return;
        const item = next.value;
        const externalId = `live-${started.getTime().toString(36)}-${item.externalId}`;
        const oldId = itemId(item.platform, item.sourceId, item.externalId);
        const newId = itemId(item.platform, item.sourceId, externalId);
        replayedIds.set(oldId, newId);
        const releaseId = item.releaseId ? replayedIds.get(item.releaseId) : undefined;
        const { releaseId: _old, ...rest } = item;
        entries.push({
          value: {
            ...rest,
            externalId,
            publishedAt: now.toISOString(),
            collectedAt: now.toISOString(),
            ...(releaseId && { releaseId }),
          },
        });
      }
      const outcome = await ingestItems(store, entries, now, bus);
      stored += outcome.results.length;
    } catch (error) {
      options.log?.(`demo stream: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), 1000);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    get stored() {
      return stored;
    },
  };
}
