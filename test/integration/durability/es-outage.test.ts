/**
 * (a) The Elasticsearch node stops in the middle of an ingest through the HTTP API and starts again:
 * every acknowledged item (200, or 202 spooled) is stored exactly once.
 *
 * A dedicated node (port 9271, its own data dir) is started and stopped here; the shared test node
 * is never touched. 10,000 items in batches of 1,000 keep the run short on two cores;
 * DURABILITY_ITEMS=50000 runs the full 50,000.
 * Users and tokens live in a SQLite store (see withAuthFrom): with them in the stopped node, every
 * request would be refused at authentication (503) and nothing would reach the spool.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { ElasticsearchStore } from '../../../server/store/elasticsearch/elasticsearch-store.js';
import { itemId } from '../../../server/store/prepare.js';
import { startElasticsearch, type RunningElasticsearch } from '../../elasticsearch/node.js';
import { tokenHeaders } from '../../helpers/auth.js';
import { sqliteTestStore, type TestStore } from '../../helpers/stores.js';
import { batches, postItems, withAuthFrom } from './helpers.js';

const PORT = 9271;
const TOTAL = Number(process.env['DURABILITY_ITEMS'] ?? 10_000);
const tmp = mkdtempSync(join(tmpdir(), 'framewatch-durability-es-'));
const esDir = join(tmp, 'es');
let node: RunningElasticsearch;
let items: ElasticsearchStore;
let auth: TestStore;
let app: FastifyInstance;

beforeAll(async () => {
  node = await startElasticsearch({ port: PORT, dataDir: esDir, heap: '384m' });
  items = new ElasticsearchStore({ url: node.url, indexPrefix: 'durability', shards: 1, replicas: 0, retryBaseMs: 20 });
  await items.init();
  auth = await sqliteTestStore();
  app = await buildApp({
    store: withAuthFrom(items, auth.store),
    spool: { dir: join(tmp, 'spool'), maxBytes: 512 * 1024 * 1024, retryMinMs: 100, retryMaxMs: 1_000 },
    auth: { apiRateLimit: 100_000 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
}, 240_000);

afterAll(async () => {
  await app?.close();
  await items?.close();
  await auth?.dispose();
  await node?.stop();
  rmSync(tmp, { recursive: true, force: true });
}, 120_000);

it(`stores every acknowledged item exactly once when the node stops and starts during an ingest of ${TOTAL}`, async () => {
  const address = app.server.address();
  const url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
  const headers = await tokenHeaders(app, ['ingest']);
  const all = batches(`es${Date.now().toString(36)}`, TOTAL, 1_000);
  const stopAt = Math.floor(all.length * 0.2);
  const startAt = Math.floor(all.length * 0.6);
  const acknowledged = new Set<string>();
  const statuses: number[] = [];
  let stopping: Promise<void> | null = null;
  let starting: Promise<RunningElasticsearch> | null = null;
  let readyWhileDown: { status: number; body: { ok: boolean; spool?: { items: number } } } | null = null;

  for (const [n, batch] of all.entries()) {
    // The node goes down while requests are being answered, and comes back while they still are.
    if (n === stopAt) stopping = node.stop();
    if (n === startAt) {
      await stopping;
      const ready = await fetch(`${url}/readyz`);
      readyWhileDown = { status: ready.status, body: (await ready.json()) as { ok: boolean; spool?: { items: number } } };
      starting = startElasticsearch({ port: PORT, dataDir: esDir, heap: '384m' });
    }
    const res = await postItems(url, headers, batch);
    statuses.push(res.status);
    if (res.status === 200 || res.status === 202) {
      for (const r of res.body.results ?? []) acknowledged.add(r.id);
    }
    if (res.status === 202) {
      expect(res.body.message).toBe(`spooled: the store is unreachable; ${batch.length} items will be stored when it returns`);
      expect(res.body.results?.every((r) => r.status === 'spooled')).toBe(true);
    }
  }
  if (starting) node = await starting;

  // While the node was down, ingest was acknowledged into the spool and the instance stayed ready.
  expect(statuses).toContain(202);
  expect(readyWhileDown?.status).toBe(200);
  expect(readyWhileDown?.body.spool?.items).toBeGreaterThan(0);
  expect(statuses.every((s) => s === 200 || s === 202)).toBe(true);

  // The replayer empties the spool once the node is back.
  await expect.poll(() => app.spool?.status().items, { timeout: 60_000, interval: 250 }).toBe(0);
  await items.client.indices.refresh({ index: 'durability-items' });
  const ids = all.flat().map((i) => itemId(i.platform, i.sourceId, i.externalId));
  expect(acknowledged.size).toBe(ids.length);
  // Exactly once: as many documents as distinct acknowledged ids, and every one of them there.
  expect(await items.countItems({ sourceIds: [all[0]?.[0]?.sourceId ?? ''] })).toBe(acknowledged.size);
  let found = 0;
  const list = [...acknowledged];
  for (let i = 0; i < list.length; i += 1_000) found += (await items.getItems(list.slice(i, i + 1_000))).length;
  expect(found).toBe(acknowledged.size);

  const metrics = await app.inject({ method: 'GET', url: '/metrics', headers: await tokenHeaders(app, ['read']) });
  expect(metrics.body).toMatch(/framewatch_spool_items 0/u);
}, 180_000);
