/**
 * The live push protocol under hostile clients (real socket.io clients on a loopback server):
 * arbitrary subscribe payloads, arbitrary event names and arguments, and raw garbage frames.
 * Every acknowledged message gets { ok: true } or the one error shape; the server keeps serving.
 */
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { client, closeClients, connected, request, startLiveServer, type LiveServer } from '../integration/live/helpers.js';
import { sqliteTestStore, type TestStore } from '../helpers/stores.js';
import { FUZZ_APP_OPTIONS, isErrorBody, nastyString, params, testTimeout } from './settings.js';

let test: TestStore;
let server: LiveServer;
let token = '';

beforeAll(async () => {
  test = await sqliteTestStore();
  server = await startLiveServer(test.store, FUZZ_APP_OPTIONS);
  token = (server.headers.authorization ?? '').replace(/^Bearer /u, '');
});
afterEach(() => closeClients());
afterAll(async () => {
  await server?.close();
  await test?.dispose();
});

async function open(): Promise<Socket> {
  const socket = client(server.url, { auth: { token } });
  await connected(socket);
  return socket;
}

/** An answer is a success ({ ok: true }) or the error shape with a 4xx status. */
function wellFormed(answer: unknown): void {
  if (typeof answer === 'object' && answer !== null && (answer as { ok?: unknown }).ok === true) return;
  const status = (answer as { error?: { statusCode?: unknown } } | null)?.error?.statusCode;
  expect(typeof status === 'number' && status >= 400 && status < 500, JSON.stringify(answer)).toBe(true);
  expect(isErrorBody(answer, status as number), JSON.stringify(answer)).toBe(true);
}

/** The server still answers a fresh client and HTTP. */
async function stillServing(): Promise<void> {
  const socket = await open();
  expect(await request(socket, 'subscribe', { filter: { sides: ['UA'] } })).toMatchObject({ ok: true });
  socket.disconnect();
  expect((await fetch(`${server.url}/healthz`)).status).toBeLessThan(500);
}

const ENUMS = ['UA', 'RU', 'KP', 'KR', 'INTL', 'telegram', 'youtube', 'rss', 'video', 'post', 'statement'];
const listOf = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...ENUMS), nastyString(12), fc.jsonValue({ maxDepth: 1 })), { maxLength: 60 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const filter = fc.oneof(
  fc.record(
    {
      sides: listOf,
      platforms: listOf,
      kinds: listOf,
      sources: listOf,
      frames: listOf,
      langs: listOf,
      query: fc.oneof(
        nastyString(80),
        fc.constantFrom('"open', 'a OR', '-only', 'x*', 'ok words'),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      extra: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);
const subscribePayload = fc.oneof(
  fc.record(
    {
      filter,
      since: fc.oneof(fc.constantFrom('0-0', '1-1', '999999999999999-999999999', '-1-0', '1e3-0'), nastyString(40)),
      other: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

// Names socket.io-client refuses to emit itself.
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

describe('socket protocol fuzzing', () => {
  it(
    'arbitrary subscribe payloads get an ok or an error ack',
    async () => {
      let socket = await open();
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(subscribePayload, { maxLength: 2 }), async (args) => {
          // A fresh connection every 15 messages stays under the per-connection message rate.
          if (++sent % 15 === 0) {
            socket.disconnect();
            socket = await open();
          }
          wellFormed(await request(socket, 'subscribe', ...args));
        }),
        params(),
      );
      await stillServing();
    },
    testTimeout(200),
  );

  it(
    'arbitrary event names and arguments get an error ack (or live:error without an ack)',
    async () => {
      let socket = await open();
      let sent = 0;
      const errors: unknown[] = [];
      socket.on('live:error', (e: unknown) => errors.push(e));
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.constantFrom('subscribe', 'unsubscribe', 'item:new', 'stats:tick', '__proto__', ''), nastyString(30)),
          fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
          fc.boolean(),
          async (event, args, withAck) => {
            fc.pre(!RESERVED.has(event));
            if (++sent % 15 === 0) {
              socket.disconnect();
              socket = await open();
              socket.on('live:error', (e: unknown) => errors.push(e));
            }
            if (withAck) wellFormed(await request(socket, event, ...args));
            else socket.emit(event, ...args);
          },
        ),
        params(),
      );
      for (const e of errors) wellFormed(e);
      await stillServing();
    },
    testTimeout(200),
  );

  it(
    'raw garbage frames end at most that connection; the server keeps serving',
    async () => {
      const frame = fc.oneof(
        nastyString(60),
        fc.constantFrom(
          '2["subscribe"',
          '2[',
          '2{}',
          '21["subscribe",{}]',
          '3',
          '51-["x",{"_placeholder":true,"num":9}]',
          '0{"x"',
          '9',
        ),
        fc.jsonValue({ maxDepth: 2 }).map((v) => `2${JSON.stringify(v)}`),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 4 }), async (frames) => {
          const socket = await open();
          const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
          for (const f of frames) socket.io.engine.send(f);
          // Either the server drops the connection or it answers the next valid message.
          const answer = await Promise.race([closed.then(() => 'closed'), request(socket, 'unsubscribe').catch(() => 'closed')]);
          if (answer !== 'closed') wellFormed(answer);
          socket.disconnect();
        }),
        params(0.3),
      );
      await stillServing();
    },
    testTimeout(300),
  );
});
