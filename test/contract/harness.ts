/**
 * The contract harness: both adapters (a real SQLite file and a real Elasticsearch index) loaded
 * with the same corpus before a suite, compared answer for answer, and cleaned up after.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { ItemInput } from '../../server/domain/schemas.js';
import type { Store } from '../../server/store/port.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../helpers/stores.js';

export interface BothStores {
  /** Runs fn on both adapters, expects equal answers, returns SQLite's. */
  both: <T>(fn: (store: Store) => Promise<T>) => Promise<T>;
  adapters: () => [string, Store][];
}

export function useBothStores(inputs: ItemInput[], now: Date): BothStores {
  let sqlite: TestStore;
  let elastic: TestStore;
  const load = async (store: Store) => {
    for (let i = 0; i < inputs.length; i += 250) await store.upsertItems(inputs.slice(i, i + 250), now);
    await store.sync();
  };
  beforeAll(async () => {
    [sqlite, elastic] = await Promise.all([sqliteTestStore(), elasticsearchTestStore()]);
    await Promise.all([load(sqlite.store), load(elastic.store)]);
  });
  afterAll(async () => {
    await Promise.all([sqlite?.dispose(), elastic?.dispose()]);
  });
  return {
    both: async (fn) => {
      const [a, b] = await Promise.all([fn(sqlite.store), fn(elastic.store)]);
      expect(b, 'Elasticsearch answers as SQLite does').toEqual(a);
      return a;
    },
    adapters: () => [
      ['sqlite', sqlite.store],
      ['elasticsearch', elastic.store],
    ],
  };
}
