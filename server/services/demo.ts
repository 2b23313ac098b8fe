/**
 * The demo dataset `npm start` shows on a fresh machine: synthetic sources and items over the last
 * 30 days, every one marked demo so the dashboard can say so. Seeds only an empty store.
 */
import { demoSources, generateItems, generateSnapshots } from '../../pipelines/generator/index.js';
import type { EngagementSnapshot, ItemInput } from '../domain/schemas.js';
import type { Store } from '../store/port.js';
import { itemId } from '../store/prepare.js';

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
