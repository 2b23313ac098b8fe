/**
 * Several instances: with REDIS_URL the socket.io Redis adapter carries events between them. A real
 * redis-server (Debian package) is started on a free port; two apps share one store.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ItemNewEvent } from '../../../server/live/protocol.js';
import { anItem, idOf } from '../../helpers/factories.js';
import { freePort, redisInstalled, startRedis } from '../../helpers/redis.js';
import { sqliteTestStore, type TestStore } from '../../helpers/stores.js';
import { client, closeClients, connected, next, postItems, request, sleep, startLiveServer, type LiveServer } from './helpers.js';

if (!redisInstalled) process.stdout.write('SKIPPED: redis-server is not installed (apt-get install -y redis-server)\n');

let redis: ChildProcess | undefined;
let test: TestStore;
let a: LiveServer;
let b: LiveServer;

beforeAll(async () => {
  if (!redisInstalled) return;
  const port = await freePort();
  redis = await startRedis(port);
  test = await sqliteTestStore();
  const live = { redisUrl: `redis://127.0.0.1:${port}` };
  a = await startLiveServer(test.store, { live });
  b = await startLiveServer(test.store, { live });
});
afterAll(async () => {
  closeClients();
  await a?.close();
  await b?.close();
  await test?.dispose();
  redis?.kill('SIGTERM');
});

it.skipIf(!redisInstalled)('delivers an item ingested on instance A to a client of instance B, once', async () => {
  const token = (b.headers.authorization ?? '').replace('Bearer ', '');
  const onB = client(b.url, { auth: { token } });
  await connected(onB);
  await request(onB, 'subscribe', { filter: { sides: ['KP'] } });
  const tokenA = (a.headers.authorization ?? '').replace('Bearer ', '');
  const onA = client(a.url, { auth: { token: tokenA } });
  await connected(onA);
  await request(onA, 'subscribe', { filter: { sides: ['KP'] } });

  const seenB: ItemNewEvent[] = [];
  const seenA: ItemNewEvent[] = [];
  onB.on('item:new', (e: ItemNewEvent) => seenB.push(e));
  onA.on('item:new', (e: ItemNewEvent) => seenA.push(e));
  const item = anItem({ side: 'KP', publishedAt: new Date().toISOString() });
  const arrived = next<ItemNewEvent>(onB, 'item:new', (e) => e.item.id === idOf(item));
  // A non-matching item first: the filter applies on B as well.
  await postItems(a, [anItem({ side: 'RU', publishedAt: new Date().toISOString() }), item]);
  const event = await arrived;
  await sleep(200);
  expect(event.item.side).toBe('KP');
  expect(seenB.map((e) => e.item.id)).toEqual([idOf(item)]);
  expect(seenA.map((e) => e.eventId)).toEqual([event.eventId]);
});
