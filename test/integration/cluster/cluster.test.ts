/**
 * The distributed engine: a real three-node Elasticsearch cluster on loopback (its own ports
 * 9330-9332 and 9430-9432, its own temporary data dirs), indices with one replica per shard, and
 * two real Framewatch servers on it that share live events through a real redis-server.
 *
 * One node is stopped in the middle of an ingest through the HTTP API and started again: every
 * acknowledged item is stored exactly once, searches keep answering while the node is away, and
 * the cluster is green again once it is back.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ItemInput } from '../../../server/domain/schemas.js';
import type { ItemNewEvent } from '../../../server/live/protocol.js';
import { ElasticsearchStore } from '../../../server/store/elasticsearch/elasticsearch-store.js';
import { itemId } from '../../../server/store/prepare.js';
import { startCluster, type RunningCluster } from '../../elasticsearch/cluster.js';
import { anItem, idOf } from '../../helpers/factories.js';
import { client, closeClients, connected, next, request, startLiveServer, type LiveServer } from '../live/helpers.js';
import { batches, freePort, redisInstalled, startRedis } from './helpers.js';

const BASE_PORT = 9330;
const tmp = mkdtempSync(join(tmpdir(), 'framewatch-cluster-'));
const prefix = `fwcluster-${process.pid}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cluster: RunningCluster | undefined;
let redis: ChildProcess | undefined;
const stores: ElasticsearchStore[] = [];
let a: LiveServer;
let b: LiveServer;

beforeAll(async () => {
  if (!redisInstalled) process.stdout.write('cluster test: redis-server is not installed; live events are not shared\n');
  const redisPort = redisInstalled ? await freePort() : 0;
  const [started, redisChild] = await Promise.all([
    startCluster({ nodes: 3, basePort: BASE_PORT, dataDir: join(tmp, 'es'), heap: '320m' }),
    redisInstalled ? startRedis(redisPort) : Promise.resolve(undefined),
  ]);
  cluster = started;
  redis = redisChild;
  // Each instance has its own client with every node's URL, as ELASTICSEARCH_URL=a,b,c gives it.
  const options = {
    url: started.urls[0] ?? '',
    nodes: started.urls,
    indexPrefix: prefix,
    shards: 2,
    replicas: 1,
    retryBaseMs: 50,
  };
  for (let n = 0; n < 2; n++) {
    const store = new ElasticsearchStore(options);
    await store.init();
    stores.push(store);
  }
  const shared = {
    auth: { apiRateLimit: 100_000 },
    ...(redisInstalled && { live: { redisUrl: `redis://127.0.0.1:${redisPort}` } }),
  };
  a = await startLiveServer(stores[0] as ElasticsearchStore, shared);
  b = await startLiveServer(stores[1] as ElasticsearchStore, shared);
  await started.waitFor('green');
}, 240_000);

afterAll(async () => {
  closeClients();
  await a?.close();
  await b?.close();
  for (const store of stores) await store.close();
  await cluster?.stop();
  redis?.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}, 120_000);

async function post(server: LiveServer, items: ItemInput[]): Promise<{ status: number; ids: string[] }> {
  const res = await fetch(`${server.url}/api/v1/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...server.headers },
    body: JSON.stringify(items),
  });
  const body = (await res.json()) as { results?: { id: string }[] };
  return { status: res.status, ids: res.status === 200 ? (body.results ?? []).map((r) => r.id) : [] };
}

async function searchTotal(server: LiveServer, source: string): Promise<{ status: number; total: number; at: number }> {
  const res = await fetch(`${server.url}/api/v1/search?source=${encodeURIComponent(source)}&limit=5`, {
    headers: server.headers,
  });
  const body = (await res.json()) as { total?: number };
  return { status: res.status, total: body.total ?? -1, at: Date.now() };
}

it.skipIf(!redisInstalled)(
  'delivers an item posted to instance A to a live client of instance B',
  async () => {
    const token = (b.headers.authorization ?? '').replace('Bearer ', '');
    const onB = client(b.url, { auth: { token } });
    await connected(onB);
    await request(onB, 'subscribe', { filter: { sides: ['KP'] } });
    const item = anItem({ side: 'KP', externalId: `cluster-live-${Date.now()}`, publishedAt: new Date().toISOString() });
    const arrived = next<ItemNewEvent>(onB, 'item:new', (e) => e.item.id === idOf(item), 10_000);
    expect((await post(a, [item])).status).toBe(200);
    const event = await arrived;
    expect(event.item.title).toBe(item.title);
  },
  60_000,
);

it('stores every acknowledged item exactly once when a node stops and returns mid-ingest, and keeps answering searches', async () => {
  const running = cluster as RunningCluster;
  const tag = Date.now().toString(36);
  const before = `cluster-before-${tag}`;
  const during = `cluster-during-${tag}`;

  // Items stored and searchable before the outage: searches must keep finding all of them.
  const first = batches(before, 1_000, 250);
  for (const [n, batch] of first.entries()) expect((await post(n % 2 === 0 ? a : b, batch)).status).toBe(200);
  await stores[0]?.sync();
  expect((await searchTotal(b, before)).total).toBe(1_000);

  // The victim holds a primary of the items index, so its shards must fail over to their replicas;
  // the elected master when it holds one, so that the cluster must elect another one too.
  const shards = (await (
    await fetch(`${running.urls[0]}/_cat/shards/${prefix}-items?format=json&h=prirep,node,state`)
  ).json()) as { prirep: string; node: string; state: string }[];
  expect(shards).toHaveLength(4);
  expect(shards.every((s) => s.state === 'STARTED')).toBe(true);
  const master = ((await (await fetch(`${running.urls[0]}/_cat/master?format=json`)).json()) as { node: string }[])[0]?.node;
  const primaries = shards.filter((s) => s.prirep === 'p').map((s) => s.node);
  const victimName = primaries.find((node) => node === master) ?? primaries[0];
  const victim = running.nodes.findIndex((n) => n.name === victimName);
  expect(victim).toBeGreaterThanOrEqual(0);

  const all = batches(during, 6_000, 250);
  const stopAt = 4;
  const startAt = 14;
  const acknowledged = new Set<string>();
  const statuses: number[] = [];
  let down: { from: number; to: number } = { from: Infinity, to: Infinity };
  let healthWhileDown: Record<string, unknown> | undefined;
  let stopping: Promise<void> | null = null;
  let starting: Promise<void> | null = null;

  const searches: { status: number; total: number; at: number }[] = [];
  let searching = true;
  const searcher = (async () => {
    while (searching) {
      searches.push(await searchTotal(b, before));
      await sleep(150);
    }
  })();

  for (const [n, batch] of all.entries()) {
    if (n === stopAt) {
      stopping = running.stopNode(victim).then(() => {
        down = { from: Date.now(), to: Infinity };
      });
    }
    if (n === startAt) {
      await stopping;
      healthWhileDown = await running.health();
      starting = running.startNode(victim).then(() => {
        down = { ...down, to: Date.now() };
      });
    }
    const res = await post(n % 2 === 0 ? a : b, batch);
    statuses.push(res.status);
    for (const id of res.ids) acknowledged.add(id);
  }
  await starting;
  // Searches go on a little after the node is back, then stop.
  await sleep(1_000);
  searching = false;
  await searcher;

  process.stdout.write(
    `cluster test: stopped ${victimName}${victimName === master ? ' (the elected master)' : ''} at batch ${stopAt} of ${all.length}; ` +
      `away ${((down.to - down.from) / 1000).toFixed(1)} s; ${searches.length} searches, ${searches.filter((s) => s.at > down.from && s.at < down.to).length} while it was away\n`,
  );
  // The node really was away while items were ingested: two nodes, shard copies missing.
  expect(healthWhileDown?.['number_of_nodes']).toBe(2);
  expect(healthWhileDown?.['status']).toBe('yellow');
  // Every batch was acknowledged by the cluster (no 503s: the adapter moved to the other nodes).
  expect(statuses.every((s) => s === 200)).toBe(true);

  // Searches kept answering, with every earlier item, while the node was away.
  const whileDown = searches.filter((s) => s.at > down.from && s.at < down.to);
  expect(whileDown.length).toBeGreaterThanOrEqual(3);
  expect(searches.every((s) => s.status === 200 && s.total === 1_000)).toBe(true);

  // Green again with the node back (its replicas recovered).
  const green = await running.waitFor('green', 120_000);
  expect(green['number_of_nodes']).toBe(3);
  expect(green['unassigned_shards']).toBe(0);

  // Exactly once: as many stored items as acknowledged ids, and every one of them there.
  await stores[0]?.sync();
  const ids = all.flat().map((i) => itemId(i.platform, i.sourceId, i.externalId));
  expect(acknowledged.size).toBe(ids.length);
  const store = stores[0] as ElasticsearchStore;
  expect(await store.countItems({ sourceIds: [during] })).toBe(acknowledged.size);
  expect(await store.countItems({ sourceIds: [before] })).toBe(1_000);
  let found = 0;
  const list = [...acknowledged];
  for (let i = 0; i < list.length; i += 1_000) found += (await store.getItems(list.slice(i, i + 1_000))).length;
  expect(found).toBe(acknowledged.size);
  // Both copies of every shard agree on the documents (the returned node caught up).
  const copies = (await (
    await fetch(`${running.urls[0]}/_cat/shards/${prefix}-items?format=json&h=shard,prirep,docs`)
  ).json()) as { shard: string; prirep: string; docs: string }[];
  for (const shard of new Set(copies.map((c) => c.shard))) {
    const docs = new Set(copies.filter((c) => c.shard === shard).map((c) => c.docs));
    expect(docs.size, `shard ${shard} copies hold the same number of documents`).toBe(1);
  }
}, 180_000);
