/** Builds real stores for tests: a SQLite file in a temporary folder, or an Elasticsearch index prefix of its own. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { StoreUnavailableError } from '../../server/domain/errors.js';
import { ElasticsearchStore } from '../../server/store/elasticsearch/elasticsearch-store.js';
import type { Store } from '../../server/store/port.js';
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.js';

export interface TestStore {
  store: Store;
  /** Closes the store and removes what it wrote. */
  dispose: () => Promise<void>;
}

export async function sqliteTestStore(): Promise<TestStore & { file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'framewatch-test-'));
  const file = join(dir, 'framewatch.sqlite');
  const store = new SqliteStore({ file });
  await store.init();
  return {
    store,
    file,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

export async function elasticsearchTestStore(
  options: { retryBaseMs?: number } = {},
): Promise<TestStore & { prefix: string; url: string }> {
  const url = inject('elasticsearchUrl');
  const prefix = `fwtest-${process.pid}-${Date.now().toString(36)}-${counter++}`;
  const store = new ElasticsearchStore({ url, indexPrefix: prefix, shards: 1, replicas: 0, ...options });
  await store.init();
  return {
    store,
    prefix,
    url,
    dispose: async () => {
      // Wildcard deletes are refused by default (action.destructive_requires_name): name each index.
      const indices = Object.keys(await store.client.indices.get({ index: `${prefix}-*` }));
      if (indices.length > 0) await store.client.indices.delete({ index: indices });
      await store.close();
    },
  };
}

/**
 * The real store with its item writes refused as unreachable while `state.down` is set (fault
 * injection for the spool's tests; reads and authentication keep working).
 */
export function withOutage(store: Store, down = false): { store: Store; state: { down: boolean } } {
  const state = { down };
  const proxied = new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'upsertItems' && state.down) {
        return async () => {
          throw new StoreUnavailableError('the store is unreachable (test outage)');
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { store: proxied, state };
}
