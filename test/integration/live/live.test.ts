/**
 * Live push end to end: a real server on a loopback port, real socket.io clients, a real SQLite
 * store. Handshake authentication, filtered delivery after acknowledged writes, bad input,
 * reconnect replay, a slow client's bounded backlog, and /metrics.
 */
import type { Socket as NetSocket } from 'node:net';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../../server/auth/service.js';
import type { ItemBatchEvent, ItemNewEvent, ResyncEvent, StatsTickEvent, SubscribeAck } from '../../../server/live/protocol.js';
import type { Store } from '../../../server/store/port.js';
import { signIn, tokenHeaders } from '../../helpers/auth.js';
import { anItem, idOf } from '../../helpers/factories.js';
import { sqliteTestStore, type TestStore } from '../../helpers/stores.js';
import {
  client,
  closeClients,
  connectError,
  connected,
  next,
  postItems,
  request,
  sleep,
  startLiveServer,
  type LiveServer,
} from './helpers.js';

const ERROR_SHAPE = { error: { code: expect.any(String), message: expect.any(String), statusCode: expect.any(Number) } };
const recent = (secondsAgo = 60) => new Date(Date.now() - secondsAgo * 1000).toISOString();

let test: TestStore;
let server: LiveServer;
let token: string;

/** A connected client with the admin token, subscribed with the filter. */
async function subscribed(filter: Record<string, unknown> = {}, since?: string): Promise<{ socket: Socket; ack: SubscribeAck }> {
  const socket = client(server.url, { auth: { token } });
  await connected(socket);
  const ack = (await request(socket, 'subscribe', { filter, ...(since && { since }) })) as SubscribeAck;
  expect(ack).toMatchObject({ ok: true });
  return { socket, ack };
}

function collect<T>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

beforeAll(async () => {
  test = await sqliteTestStore();
  server = await startLiveServer(test.store, { live: { replay: { slackMs: 0 } } });
  token = (server.headers.authorization ?? '').replace('Bearer ', '');
});
afterEach(() => closeClients());
afterAll(async () => {
  await server?.close();
  await test?.dispose();
});

describe('handshake', () => {
  it('refuses an anonymous client with an error frame in the one error shape', async () => {
    const error = await connectError(client(server.url));
    expect(error.data).toEqual({ error: { code: 'unauthenticated', message: expect.any(String), statusCode: 401 } });
  });

  it('refuses forged cookies and tokens, and an ingest-only token', async () => {
    const attempts: Parameters<typeof client>[1][] = [
      { extraHeaders: { cookie: 'fw_session=forged-value.c2lnbmF0dXJl' } },
      { extraHeaders: { authorization: 'Bearer fw_nothere_secret' } },
      { auth: { token: 'fw_abc_def' } },
      { auth: { token: 42 } },
    ];
    for (const options of attempts) {
      const error = await connectError(client(server.url, options));
      expect(error.data).toMatchObject(ERROR_SHAPE);
      expect((error.data as { error: { statusCode: number } }).error.statusCode).toBeGreaterThanOrEqual(400);
    }
    const ingest = (await tokenHeaders(server.app, ['ingest'])).authorization ?? '';
    const error = await connectError(client(server.url, { auth: { token: ingest.replace('Bearer ', '') } }));
    expect(error.data).toMatchObject({ error: { code: 'forbidden', statusCode: 403 } });
  });

  it('accepts a signed-in session cookie from the same origin and refuses it cross-origin', async () => {
    const viewer = await signIn(server.app, 'viewer');
    const same = client(server.url, { extraHeaders: { cookie: viewer.cookie, origin: server.url } });
    await connected(same);
    expect(await request(same, 'subscribe', {})).toMatchObject({ ok: true });

    const cross = client(server.url, { extraHeaders: { cookie: viewer.cookie, origin: 'https://evil.example' } });
    expect((await connectError(cross)).data).toMatchObject({ error: { code: 'csrf_failed', statusCode: 403 } });
    const site = client(server.url, { extraHeaders: { cookie: viewer.cookie, 'sec-fetch-site': 'cross-site' } });
    expect((await connectError(site)).data).toMatchObject({ error: { code: 'csrf_failed', statusCode: 403 } });
  });

  it('ends a connection once its token is revoked', async () => {
    const { token: record, secret } = await server.app.auth.createToken({ label: 'revoked-live', scopes: ['read'] }, SYSTEM);
    const socket = client(server.url, { auth: { token: secret } });
    await connected(socket);
    await server.app.auth.revokeToken(record.id, SYSTEM);
    const gone = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    await (server.app.live as unknown as { reauthenticate: () => Promise<void> }).reauthenticate();
    expect(await gone).toBe('io server disconnect');
  });
});

describe('item:new', () => {
  it('delivers matching items after the write is acknowledged, and nothing else', async () => {
    const { socket } = await subscribed({ sides: ['UA'], query: '"exchange of prisoners" -denial' });
    const received = collect<ItemNewEvent>(socket, 'item:new');
    const readable: number[] = [];
    socket.on('item:new', (event: ItemNewEvent) => {
      // The event promises a stored item: reading it back must work at once.
      void server.inject({ method: 'GET', url: `/api/v1/items/${event.item.id}` }).then((r) => readable.push(r.statusCode));
    });

    const match = anItem({
      side: 'UA',
      text: 'Kyiv proposes the exchange of prisoners for Korean soldiers.',
      publishedAt: recent(),
    });
    const otherSide = anItem({ side: 'RU', text: 'The exchange of prisoners is discussed.', publishedAt: recent() });
    const excluded = anItem({ side: 'UA', text: 'A denial: no exchange of prisoners.', publishedAt: recent() });
    const noPhrase = anItem({ side: 'UA', text: 'Prisoners of the exchange.', publishedAt: recent() });
    const marker = anItem({ side: 'UA', title: 'Marker', text: 'The exchange of prisoners, again.', publishedAt: recent() });

    const first = next<ItemNewEvent>(socket, 'item:new');
    const posted = await postItems(server, [match, otherSide, excluded, noPhrase]);
    expect(posted.statusCode).toBe(200);
    expect((await first).item.id).toBe(idOf(match));
    const markerSeen = next<ItemNewEvent>(socket, 'item:new', (e) => e.item.id === idOf(marker));
    await postItems(server, [marker]);
    await markerSeen;
    await sleep(100);

    expect(received.map((e) => e.item.id)).toEqual([idOf(match), idOf(marker)]);
    expect(readable).toEqual([200, 200]);
    expect(received[0]?.eventId).toMatch(/^\d+-\d+$/u);
    expect(received[0]?.item).not.toHaveProperty('raw');
  });

  it('withholds media links and links of sensitive items and cuts long text', async () => {
    const { socket } = await subscribed({ sources: ['sensitive-channel'] });
    const item = anItem({
      sourceId: 'sensitive-channel',
      sensitive: true,
      text: 'x '.repeat(3_000),
      media: [{ type: 'video', url: 'https://cdn.example/pow.mp4', thumbnailUrl: 'https://cdn.example/pow.jpg' }],
      links: ['https://cdn.example/watch?v=pow'],
      publishedAt: recent(),
    });
    const event = next<ItemNewEvent>(socket, 'item:new');
    await postItems(server, [item]);
    const { item: sent } = await event;
    expect(sent.media).toEqual([{ type: 'video' }]);
    expect(sent.links).toEqual([]);
    expect(sent.text.length).toBeLessThanOrEqual(2_000);
    expect(sent.textTruncated).toBe(true);
  });

  it('carries release:update, alert:fired and pipeline:status from the bus, with increasing event ids', async () => {
    const { socket } = await subscribed();
    const events: { eventId: string }[] = [];
    for (const name of ['release:update', 'alert:fired', 'pipeline:status'])
      socket.on(name, (e: { eventId: string }) => events.push(e));
    const last = next(socket, 'pipeline:status');
    server.app.bus.emit('release:update', { releaseId: 'r1', itemIds: ['a', 'b'] });
    server.app.bus.emit('alert:fired', { alertId: 'al1', ruleId: 'rule1', summary: 'new release' });
    server.app.bus.emit('pipeline:status', {
      sourceId: 's1',
      runId: 'run1',
      state: 'failed',
      startedAt: recent(),
      error: 'timeout',
    });
    await last;
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ releaseId: 'r1', itemIds: ['a', 'b'] });
    const ids = events.map((e) => e.eventId.split('-').map(Number) as [number, number]);
    for (let i = 1; i < ids.length; i++) {
      const [a, b] = [ids[i - 1] as [number, number], ids[i] as [number, number]];
      expect(b[0] > a[0] || (b[0] === a[0] && b[1] > a[1])).toBe(true);
    }
  });
});

describe('batch window', () => {
  it('sends the matching items of one request as one item:batch, the same packet to clients with the same filter', async () => {
    const { socket: a } = await subscribed({ sides: ['UA', 'RU'], platforms: ['telegram'] });
    const { socket: b } = await subscribed({ platforms: ['telegram'], sides: ['RU', 'UA'] });
    const { socket: c } = await subscribed({ sides: ['KP'] });
    const singles = [a, b].map((s) => collect<ItemNewEvent>(s, 'item:new'));
    const [ua, kp, ru, us] = (['UA', 'KP', 'RU', 'US'] as const).map((side) =>
      anItem({ side, platform: 'telegram', publishedAt: recent() }),
    ) as [ReturnType<typeof anItem>, ReturnType<typeof anItem>, ReturnType<typeof anItem>, ReturnType<typeof anItem>];
    const batches = [a, b].map((s) => next<ItemBatchEvent>(s, 'item:batch'));
    const single = next<ItemNewEvent>(c, 'item:new');
    expect((await postItems(server, [ua, kp, ru, us])).statusCode).toBe(200);

    const [fromA, fromB] = await Promise.all(batches);
    expect(fromA?.items.map((i) => i.id)).toEqual([idOf(ua), idOf(ru)]);
    expect(fromA?.omitted).toBe(0);
    expect(fromB).toEqual(fromA);
    expect((await single).item.id).toBe(idOf(kp));
    await sleep(100);
    expect(singles.flat()).toEqual([]);
  });

  it('does not let a later event overtake the items gathered before it', async () => {
    const { socket } = await subscribed({ sources: ['order-source'] });
    const stored = anItem({ sourceId: 'order-source', publishedAt: recent() });
    const first = next<ItemNewEvent>(socket, 'item:new');
    await postItems(server, [stored]);
    const { item } = await first;

    const order: string[] = [];
    socket.onAny((name: string) => order.push(name));
    const done = next(socket, 'release:update');
    // Straight after an item, inside its batch window.
    server.app.bus.emit('item:new', { item: { ...item, id: 'order-item-2', externalId: 'order-2' } });
    server.app.bus.emit('release:update', { releaseId: 'order-release', itemIds: ['order-item-2'] });
    await done;
    expect(order).toEqual(['item:new', 'release:update']);
  });
});

describe('bad input', () => {
  it('answers malformed subscribe payloads with an error acknowledgement and keeps the connection', async () => {
    const socket = client(server.url, { auth: { token } });
    await connected(socket);
    const cases: unknown[][] = [
      ['a string'],
      [42],
      [null],
      [[]],
      [{ filter: { sides: 'UA' } }],
      [{ filter: { sides: ['XX'] } }],
      [{ filter: { color: 'red' } }],
      [{ filter: {}, extra: true }],
      [{ filter: { query: 'x'.repeat(50_000) } }],
      [{ filter: { sources: ['y'.repeat(1_000)] } }],
      [{ filter: { query: '"never closed' } }],
      [{ filter: { query: 'a OR' } }],
      [{ since: 'yesterday' }],
      [],
      [{}, {}],
    ];
    for (const args of cases) {
      const answer = await request(socket, 'subscribe', ...args);
      expect(answer, JSON.stringify(args).slice(0, 80)).toMatchObject({ error: { code: 'validation_failed', statusCode: 400 } });
    }
    expect(await request(socket, 'drop tables', {})).toMatchObject({ error: { code: 'unknown_event', statusCode: 400 } });
    const frame = next<{ error: { code: string } }>(socket, 'live:error');
    socket.emit('subscribe', 'no ack here');
    expect((await frame).error.code).toBe('validation_failed');

    expect(socket.connected).toBe(true);
    expect(await request(socket, 'subscribe', { filter: { sides: ['UA'] } })).toMatchObject({ ok: true });
  });

  it('limits the rate of messages per connection', async () => {
    const socket = client(server.url, { auth: { token } });
    await connected(socket);
    const answers = await Promise.all(Array.from({ length: 30 }, () => request(socket, 'unsubscribe')));
    expect(answers.filter((a) => (a as { error?: { code: string } }).error?.code === 'rate_limited').length).toBeGreaterThan(0);
    expect(socket.connected).toBe(true);
  });

  it('closes a connection that sends an oversized or unparsable frame, and the server keeps serving', async () => {
    const big = client(server.url, { auth: { token } });
    await connected(big);
    const bigGone = new Promise((resolve) => big.once('disconnect', resolve));
    big.emit('subscribe', { filter: { query: 'z'.repeat(200_000) } });
    await bigGone;

    const garbled = client(server.url, { auth: { token } });
    await connected(garbled);
    const garbledGone = new Promise((resolve) => garbled.once('disconnect', resolve));
    // A socket.io EVENT packet whose JSON is cut off, written under the client's parser.
    garbled.io.engine.send('2["subscribe",{"filter":');
    await garbledGone;

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const { socket } = await subscribed();
    expect(socket.connected).toBe(true);
  });
});

describe('reconnect', () => {
  it('sends what was missed since the last event id, matching the filter', async () => {
    const filter = { sides: ['KP'] };
    const { socket } = await subscribed(filter);
    const seen = next<ItemNewEvent>(socket, 'item:new');
    await postItems(server, [anItem({ side: 'KP', publishedAt: recent() })]);
    const lastId = (await seen).eventId;
    socket.disconnect();

    const missed = [anItem({ side: 'KP', publishedAt: recent(30) }), anItem({ side: 'KP', publishedAt: recent(20) })];
    await sleep(5);
    await postItems(server, [missed[0], anItem({ side: 'RU', publishedAt: recent() }), missed[1]]);

    const again = client(server.url, { auth: { token } });
    await connected(again);
    const replayed = collect<ItemNewEvent>(again, 'item:new');
    const ack = (await request(again, 'subscribe', { filter, since: lastId })) as SubscribeAck;
    expect(ack.replay).toEqual({ items: 2, complete: true });
    expect(replayed.map((e) => e.item.id).sort()).toEqual(missed.map(idOf).sort());
    expect(replayed.every((e) => e.replayed === true)).toBe(true);
  });

  it('says "too far behind, reload" instead of replaying too much', async () => {
    const limited = await startLiveServer(test.store, { live: { replay: { slackMs: 0, maxItems: 2 } } });
    try {
      const limitedToken = (limited.headers.authorization ?? '').replace('Bearer ', '');
      const since = `${Date.now()}-0`;
      await sleep(5);
      await postItems(
        limited,
        [1, 2, 3].map(() => anItem({ side: 'KR', publishedAt: recent() })),
      );
      const socket = client(limited.url, { auth: { token: limitedToken } });
      await connected(socket);
      const resync = next<ResyncEvent>(socket, 'live:resync');
      const ack = (await request(socket, 'subscribe', { filter: { sides: ['KR'] }, since })) as SubscribeAck;
      expect(ack.replay).toEqual({ items: 0, complete: false });
      expect((await resync).reason).toBe('too_far_behind');
    } finally {
      await limited.close();
    }
  });
});

describe('slow client', () => {
  it('gets a coalesced batch instead of an unbounded queue', async () => {
    const slow = await startLiveServer(test.store, {
      live: { writeBufferLimit: 64, writeBufferBytes: 1_000_000, stallMs: 500, channel: { items: 20 }, textLimit: 100_000 },
    });
    try {
      const slowToken = (slow.headers.authorization ?? '').replace('Bearer ', '');
      const connect = async () => {
        const socket = client(slow.url, { auth: { token: slowToken } });
        await connected(socket);
        await request(socket, 'subscribe', { filter: { sources: ['slow-source'] } });
        return socket;
      };
      const fast = await connect();
      const lagging = await connect();
      // A client that keeps up gets every item: alone (item:new) or with the others of its batch window.
      const fastItems = collect<ItemNewEvent>(fast, 'item:new');
      const fastBatches = collect<ItemBatchEvent>(fast, 'item:batch');
      const slowItems = collect<ItemNewEvent>(lagging, 'item:new');
      const batches = collect<ItemBatchEvent>(lagging, 'item:batch');
      // Stop reading: the server's writes fill the socket buffers and its transport stays busy.
      const tcp = (lagging.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket;
      tcp.pause();

      const total = 400;
      const text = 'slow client payload '.repeat(2_500); // 50 kB per item
      for (let n = 0; n < total / 50; n++) {
        const res = await postItems(
          slow,
          Array.from({ length: 50 }, () => anItem({ sourceId: 'slow-source', text, publishedAt: recent() })),
        );
        expect(res.statusCode).toBe(200);
      }
      await sleep(200);
      const backlog = slow.app.live.backlog().find((b) => b.socketId === lagging.id);
      expect(backlog?.pending.items).toBeLessThanOrEqual(20);
      expect(backlog?.pending.omitted).toBeGreaterThan(0);
      expect(backlog?.writeBuffer).toBeLessThanOrEqual(64 + 1);
      // Bounded in bytes too: at most the packet that crossed the limit (one request's 50 items) beyond it.
      expect(backlog?.writeBufferBytes).toBeLessThanOrEqual(1_000_000 + 50 * text.length + 50_000);

      tcp.resume();
      // The coalesced batch (window batches written before it fell behind may arrive first).
      const batch = await next<ItemBatchEvent>(lagging, 'item:batch', (b) => b.omitted > 0, 20_000);
      expect(batch.items.length).toBeLessThanOrEqual(20);
      expect(slowItems.length + batches.reduce((n, b) => n + b.items.length + b.omitted, 0)).toBe(total);
      await sleep(100);
      expect(fastItems.length + fastBatches.reduce((n, b) => n + b.items.length, 0)).toBe(total);
      expect(fastBatches.every((b) => b.omitted === 0)).toBe(true);
      const metrics = await (await fetch(`${slow.url}/metrics`, { headers: slow.headers })).text();
      expect(metrics).toMatch(/framewatch_live_coalesced_total [1-9]/u);
    } finally {
      closeClients();
      await slow.close();
    }
  });
});

describe('stats:tick', () => {
  it('computes the overview counters once per tick for every client', async () => {
    let terms = 0;
    const counting = new Proxy(test.store, {
      get(target, property, receiver) {
        if (property === 'terms') terms++;
        return Reflect.get(target, property, receiver) as unknown;
      },
    }) as Store;
    const ticking = await startLiveServer(counting, { live: { statsIntervalMs: 300 } });
    try {
      const tickToken = (ticking.headers.authorization ?? '').replace('Bearer ', '');
      const sockets = await Promise.all(
        [1, 2, 3].map(async () => {
          const socket = client(ticking.url, { auth: { token: tickToken } });
          await connected(socket);
          await request(socket, 'subscribe', {});
          return socket;
        }),
      );
      const ticks = await Promise.all(sockets.map((s) => next<StatsTickEvent>(s, 'stats:tick', () => true, 3_000)));
      expect(new Set(ticks.map((t) => t.eventId)).size).toBe(1);
      expect(ticks[0]).toMatchObject({ windowHours: 24, items: { total: expect.any(Number), bySide: expect.any(Object) } });
      // Three terms queries (side, platform, frame) per tick, whatever the number of clients.
      expect(terms % 3).toBe(0);
      expect(terms).toBeLessThanOrEqual(6);
    } finally {
      closeClients();
      await ticking.close();
    }
  });
});

describe('/metrics', () => {
  it('needs an admin or a read token and reports requests, ingest, clients, pipelines and store latency', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const viewer = await signIn(server.app, 'viewer');
    expect((await fetch(`${server.url}/metrics`, { headers: { cookie: viewer.cookie } })).status).toBe(403);

    await subscribed();
    await postItems(server, [anItem({ publishedAt: recent() })]);
    await server.inject({ method: 'GET', url: '/api/v1/search?q=exchange' });
    server.app.bus.emit('pipeline:status', { sourceId: 'src-m', runId: 'r', state: 'failed', startedAt: recent(), error: 'x' });
    server.app.bus.emit('pipeline:status', { sourceId: 'src-m', runId: 'r2', state: 'succeeded', startedAt: recent() });

    const read = await tokenHeaders(server.app, ['read']);
    const res = await fetch(`${server.url}/metrics`, { headers: read });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/u);
    const text = await res.text();
    expect(text).toMatch(
      /framewatch_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/items",status="200"\} \d+/u,
    );
    expect(text).toMatch(
      /framewatch_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/api\/v1\/search",status="200"\}/u,
    );
    expect(text).toMatch(/framewatch_items_ingested_total\{status="created"\} [1-9]/u);
    expect(text).toMatch(/framewatch_live_clients [1-9]/u);
    expect(text).toMatch(/framewatch_pipeline_runs_total\{state="failed"\} [1-9]/u);
    expect(text).toMatch(/framewatch_pipeline_runs_total\{state="succeeded"\} 1/u);
    expect(text).toMatch(/framewatch_pipeline_errors_total\{source="src-m"\} 1/u);
    expect(text).toMatch(/framewatch_store_operation_duration_seconds_count\{operation="upsertItems",outcome="ok"\} [1-9]/u);
    // What a soak run or an operator watches for a leak or a blocked loop.
    expect(text).toMatch(/framewatch_process_resident_memory_bytes [1-9]/u);
    const delay = /framewatch_eventloop_delay_seconds\{quantile="0.99"\} (\S+)/u.exec(text)?.[1];
    expect(Number(delay)).toBeGreaterThan(0);
  });
});
