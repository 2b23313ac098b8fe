/** The benchmark's deterministic corpus and how it is cut into requests. */
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

/** ISO instant `days` after the corpus start. */
export const corpusDay = (days: number) => new Date(CORPUS.start.getTime() + days * DAY_MS).toISOString();
