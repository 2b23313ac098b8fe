/** Live push over the Elasticsearch store: the event promises a stored item, and a reconnect replays from the index. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ItemNewEvent, SubscribeAck } from '../../../server/live/protocol.js';
import { anItem, idOf } from '../../helpers/factories.js';
import { elasticsearchTestStore, type TestStore } from '../../helpers/stores.js';
import { client, closeClients, connected, next, postItems, request, sleep, startLiveServer, type LiveServer } from './helpers.js';

let test: TestStore;
let server: LiveServer;

beforeAll(async () => {
  test = await elasticsearchTestStore();
  server = await startLiveServer(test.store, { live: { replay: { slackMs: 0 } } });
});
afterAll(async () => {
  closeClients();
  await server?.close();
  await test?.dispose();
});

it('delivers a matching item that is readable when the event arrives, and replays missed items on reconnect', async () => {
  const token = (server.headers.authorization ?? '').replace('Bearer ', '');
  const socket = client(server.url, { auth: { token } });
  await connected(socket);
  const filter = { platforms: ['youtube'], query: 'interrogation' };
  await request(socket, 'subscribe', { filter });
  const item = anItem({ platform: 'youtube', title: 'Interrogation video', publishedAt: new Date().toISOString() });
  const arrived = next<ItemNewEvent>(socket, 'item:new');
  await postItems(server, [anItem({ platform: 'telegram', title: 'Interrogation post' }), item]);
  const event = await arrived;
  expect(event.item.id).toBe(idOf(item));
  expect((await server.inject({ method: 'GET', url: `/api/v1/items/${event.item.id}` })).statusCode).toBe(200);
  socket.disconnect();

  await sleep(5);
  const missed = anItem({ platform: 'youtube', text: 'Another interrogation released.', publishedAt: new Date().toISOString() });
  await postItems(server, [missed]);
  await test.store.sync();
  const again = client(server.url, { auth: { token } });
  await connected(again);
  const replayed = next<ItemNewEvent>(again, 'item:new');
  const ack = (await request(again, 'subscribe', { filter, since: event.eventId })) as SubscribeAck;
  expect(ack.replay).toEqual({ items: 1, complete: true });
  expect((await replayed).item.id).toBe(idOf(missed));
});
