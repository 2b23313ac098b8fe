/** The benchmark's deterministic corpus and how it is cut into requests and into growing stages. */
import { generateItems } from '../../pipelines/generator/index.js';
import type { ItemInput } from '../../server/domain/schemas.js';

/** Items per API request, per raw _bulk request and per raw SQLite transaction. */
export const BATCH = 1_000;
export const CORPUS = { seed: 7, start: new Date('2025-11-01T00:00:00Z'), days: 120 } as const;
const DAY_MS = 86_400_000;

export function* itemBatches(count: number, size = BATCH): Generator<ItemInput[]> {
  let batch: ItemInput[] = [];
  for (const item of generateItems({ ...CORPUS, count })) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * One corpus of the largest size, loaded in stages so the same stores grow from one size to the
 * next (200,000, then 800,000 more up to 1,000,000) instead of being rebuilt. Each stage takes an
 * evenly spaced share of the items the earlier stages left, so every stage spans all 120 days: the
 * 200,000-item store holds every fifth item of the 1,000,000-item corpus, not its first 24 days, and
 * the same 7-day and 30-day queries find the same share of the corpus at every size.
 *
 * Each stage streams the whole corpus again (about 5 s per million items) rather than keeping
 * anything in memory: only one batch is alive at a time.
 */
export function* stageBatches(sizes: readonly number[], stage: number, size = BATCH): Generator<ItemInput[]> {
  const total = sizes.at(-1);
  if (total === undefined || stage < 0 || stage >= sizes.length) throw new RangeError(`no stage ${stage} in ${sizes.join(',')}`);
  // Stage k picks need[k] of the remaining[k] items that reach it: item j (0-based among those)
  // is picked when floor((j + 1) * need / remaining) steps up, which picks exactly `need`, evenly.
  const need = sizes.map((s, k) => s - (k === 0 ? 0 : (sizes[k - 1] as number)));
  const remaining = sizes.map((_, k) => total - (k === 0 ? 0 : (sizes[k - 1] as number)));
  const seen = sizes.map(() => 0);
  let batch: ItemInput[] = [];
  for (const item of generateItems({ ...CORPUS, count: total })) {
    let k = 0;
    for (; k < sizes.length; k++) {
      const j = seen[k] as number;
      seen[k] = j + 1;
      const n = need[k] as number;
      const r = remaining[k] as number;
      if (Math.floor(((j + 1) * n) / r) > Math.floor((j * n) / r)) break;
    }
    if (k !== stage) continue;
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** ISO instant `days` after the corpus start. */
export const corpusDay = (days: number) => new Date(CORPUS.start.getTime() + days * DAY_MS).toISOString();
