/** When the store is unreachable: ingest answers 503 with Retry-After, readiness fails, nothing is half-stored. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { ElasticsearchStore } from '../../server/store/elasticsearch/elasticsearch-store.js';
import { tokenHeaders } from '../helpers/auth.js';
import { anItem } from '../helpers/factories.js';
import { sqliteTestStore } from '../helpers/stores.js';

describe('store down', () => {
  it('answers 503 with Retry-After and fails readiness when Elasticsearch cannot be reached', async () => {
    // Port 9 (discard) on loopback: nothing listens, connections are refused at once.
    const store = new ElasticsearchStore({
      url: 'http://127.0.0.1:9',
      indexPrefix: 'down',
      shards: 1,
      replicas: 0,
      retryBaseMs: 5,
    });
    const app = await buildApp({ store });
    try {
      // A well-formed token: checking it needs the store, which is down, so 503 (not 401).
      const headers = { authorization: `Bearer fw_${'0'.repeat(24)}_${'A'.repeat(43)}` };
      const res = await app.inject({ method: 'POST', url: '/api/v1/items', headers, payload: [anItem()] });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json().error).toMatchObject({ code: 'store_unavailable', statusCode: 503 });
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().ok).toBe(false);
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('answers 503 when the embedded store is closed, and an acknowledged write is committed to the file', async () => {
    const test = await sqliteTestStore();
    const app = await buildApp({ store: test.store });
    try {
      const headers = await tokenHeaders(app, ['ingest']);
      const ok = await app.inject({ method: 'POST', url: '/api/v1/items', headers, payload: [anItem({ text: 'durable' })] });
      expect(ok.statusCode).toBe(200);
      // Another connection to the same file sees the acknowledged item.
      const reader = new Database(test.file, { readonly: true });
      expect((reader.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n).toBe(1);
      reader.close();
      await test.store.close();
      const down = await app.inject({ method: 'POST', url: '/api/v1/items', headers, payload: [anItem()] });
      expect(down.statusCode).toBe(503);
      expect(down.headers['retry-after']).toBeDefined();
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    } finally {
      await app.close();
      await test.dispose();
    }
  });
});
