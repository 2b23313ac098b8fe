/**
 * Live push figures: latency from POST /api/v1/items to the event at subscribed socket.io clients
 * at a steady rate with many connected clients, and fan-out of a burst to many clients with
 * different filters. The server runs in a child process (this file with --live-server), so its RSS
 * is its own and the clients' decoding does not share its event loop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../../server/app.js';
import { SYSTEM } from '../../server/auth/service.js';
import type { ItemInput, Side } from '../../server/domain/schemas.js';
import { compileFilter } from '../../server/live/filter.js';
import type { ItemBatchEvent, ItemNewEvent, LiveFilter } from '../../server/live/protocol.js';
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.js';
import { summarize, type Summary } from './measure.js';

export interface LiveFigures {
  latency: {
    clients: number;
    ratePerSec: number;
    items: number;
    /** From sending the POST to the event at a probe client (includes the ingest itself). */
    sendToEvent: Summary;
    /** From the POST's answer to the event; the event may arrive first (counted, then 0). */
    ackToEvent: Summary;
    beforeAck: number;
    missing: number;
    /** CPU seconds per wall second while items were sent: the server process, and this (clients') process. */
    serverCpu: number;
    clientCpu: number;
    /** Items per second actually sent (below the rate when the server could not keep up). */
    achievedRate: number;
  };
  fanout: {
    clients: number;
    items: number;
    expected: number;
    delivered: number;
    inBatches: number;
    omitted: number;
    delivery: Summary;
    serverRssMb: number;
    serverPeakRssMb: number;
  };
}

interface ServerInfo {
  url: string;
  token: string;
}
type ServerMessage =
  { type: 'ready'; url: string; token: string } | { type: 'rss'; rssMb: number; peakRssMb: number; cpuSec: number };
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const SIDES: Side[] = ['UA', 'RU', 'KP', 'KR', 'US', 'EU', 'INTL'];
const PLATFORMS = ['telegram', 'youtube', 'rss', 'web'] as const;
const WORDS = ['exchange', 'prisoners', 'soldiers', 'kursk', 'video', 'statement', 'interrogation', 'asylum'];

let sequence = 0;
function benchItem(n: number): ItemInput {
  sequence++;
  return {
    platform: PLATFORMS[n % PLATFORMS.length] ?? 'telegram',
    sourceId: `live-bench-${n % 40}`,
    externalId: `live-${process.pid}-${sequence}`,
    kind: 'post',
    side: SIDES[n % SIDES.length] ?? 'UA',
    title: `Live bench item ${sequence}`,
    text: `Report ${sequence}: ${WORDS[n % WORDS.length]} ${WORDS[(n * 3 + 1) % WORDS.length]} near the border, with more words to make it a realistic post.`,
    lang: 'en',
    publishedAt: new Date().toISOString(),
  };
}

/** A spread of filters: sides, platforms, queries and combinations, so clients differ. */
function filterFor(n: number): LiveFilter {
  switch (n % 5) {
    case 0:
      return {};
    case 1:
      return { sides: [SIDES[n % SIDES.length] ?? 'UA'] };
    case 2:
      return { platforms: [PLATFORMS[n % PLATFORMS.length] ?? 'telegram'] };
    case 3:
      return { query: WORDS[n % WORDS.length] ?? 'exchange' };
    default:
      return {
        sides: [SIDES[n % SIDES.length] ?? 'UA', SIDES[(n + 1) % SIDES.length] ?? 'RU'],
        query: `border -${WORDS[n % WORDS.length]}`,
      };
  }
}

// --- the server process ----------------------------------------------------------------------

async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'framewatch-live-bench-'));
  const store = new SqliteStore({ file: join(dir, 'framewatch.sqlite') });
  await store.init();
  // The bench measures push, not the per-principal rate limit that protects a deployment.
  const app = await buildApp({ store, auth: { apiRateLimit: 10_000_000 }, live: { statsIntervalMs: 10_000 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const { secret } = await app.auth.createToken({ label: `live-bench-${Date.now()}`, scopes: ['admin'] }, SYSTEM);
  const send = (message: ServerMessage) => process.send?.(message);
  process.on('message', (message: unknown) => {
    if (message === 'rss') {
      send({
        type: 'rss',
        rssMb: process.memoryUsage.rss() / 2 ** 20,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        cpuSec: cpuSeconds(),
      });
    } else if (message === 'stop') {
      void app
        .close()
        .then(() => store.close())
        .finally(() => {
          rmSync(dir, { recursive: true, force: true });
          process.exit(0);
        });
    }
  });
  send({ type: 'ready', url: `http://127.0.0.1:${port}`, token: secret });
}

// --- the bench process -----------------------------------------------------------------------

function startServer(): Promise<{ child: ChildProcess; info: ServerInfo }> {
  const child = fork(fileURLToPath(import.meta.url), ['--live-server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`live bench server exited with ${code}`)));
    child.on('message', (message: ServerMessage) => {
      if (message.type === 'ready') resolve({ child, info: { url: message.url, token: message.token } });
    });
  });
}

function serverRss(child: ChildProcess): Promise<{ rssMb: number; peakRssMb: number; cpuSec: number }> {
  return new Promise((resolve) => {
    const onMessage = (message: ServerMessage) => {
      if (message.type !== 'rss') return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send('rss');
  });
}

async function connectClients(info: ServerInfo, filters: LiveFilter[]): Promise<Socket[]> {
  // In the filters' order (callers pick probes by index).
  const sockets: Socket[] = new Array<Socket>(filters.length);
  // In waves, so the handshakes (each one a token lookup) do not all land at once.
  for (let i = 0; i < filters.length; i += 50) {
    const wave = filters.slice(i, i + 50).map(async (filter, k) => {
      const socket = io(info.url, {
        path: '/socket.io',
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token: info.token },
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (error) => reject(error));
      });
      const ack = (await socket.timeout(30_000).emitWithAck('subscribe', { filter })) as { ok?: boolean };
      if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
      sockets[i + k] = socket;
    });
    await Promise.all(wave);
  }
  return sockets;
}

async function post(info: ServerInfo, items: ItemInput[]): Promise<void> {
  const response = await fetch(`${info.url}/api/v1/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${info.token}` },
    body: JSON.stringify(items),
  }).catch((error: unknown) => {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new Error(`POST /api/v1/items failed${cause}`, { cause: error });
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /api/v1/items answered ${response.status}: ${text.slice(0, 300)}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function latencyRun(
  info: ServerInfo,
  child: ChildProcess,
  options: { clients: number; rate: number; seconds: number; log: (line: string) => void },
): Promise<LiveFigures['latency']> {
  // Every tenth client is a probe that sees everything; the others have filters of their own.
  const filters = Array.from({ length: options.clients }, (_, n) => (n % 10 === 0 ? {} : filterFor(n)));
  options.log(`Live: connecting ${options.clients} clients`);
  const sockets = await connectClients(info, filters);
  const probes = sockets.filter((_, n) => n % 10 === 0);
  const arrivals = new Map<string, number[]>();
  for (const socket of probes) {
    socket.on('item:new', (e: ItemNewEvent) => {
      const at = performance.now();
      const list = arrivals.get(e.item.externalId);
      if (list) list.push(at);
      else arrivals.set(e.item.externalId, [at]);
    });
  }
  const total = options.rate * options.seconds;
  options.log(`Live: ${total} items at ${options.rate}/s, one per request, ${probes.length} probe clients`);
  const sent = new Map<string, { sentAt: number; ackAt: number }>();
  const serverCpuBefore = (await serverRss(child)).cpuSec;
  const clientCpuBefore = cpuSeconds();
  const started = performance.now();
  const pending: Promise<void>[] = [];
  const inFlight = new Set<Promise<void>>();
  for (let n = 0; n < total; n++) {
    // At most 64 requests in flight: an overloaded server slows the sender instead of piling up connections.
    while (inFlight.size >= 64) await Promise.race(inFlight);
    const due = started + (n * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const item = benchItem(n);
    const record = { sentAt: performance.now(), ackAt: Number.NaN };
    sent.set(item.externalId, record);
    const request = post(info, [item]).then(() => {
      record.ackAt = performance.now();
    });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request)).catch(() => {});
    pending.push(request);
  }
  await Promise.all(pending);
  const wallSec = (performance.now() - started) / 1000;
  const achievedRate = total / wallSec;
  const serverCpu = ((await serverRss(child)).cpuSec - serverCpuBefore) / wallSec;
  const clientCpu = (cpuSeconds() - clientCpuBefore) / wallSec;
  await sleep(1_000);
  const sendToEvent: number[] = [];
  const ackToEvent: number[] = [];
  let beforeAck = 0;
  let missing = 0;
  for (const [id, { sentAt, ackAt }] of sent) {
    const times = arrivals.get(id) ?? [];
    missing += probes.length - times.length;
    for (const at of times) {
      sendToEvent.push(at - sentAt);
      if (at < ackAt) beforeAck++;
      ackToEvent.push(Math.max(0, at - ackAt));
    }
  }
  for (const socket of sockets) socket.disconnect();
  return {
    clients: options.clients,
    ratePerSec: options.rate,
    items: total,
    sendToEvent: summarize(sendToEvent),
    ackToEvent: summarize(ackToEvent),
    beforeAck,
    missing,
    serverCpu,
    clientCpu,
    achievedRate,
  };
}

async function fanoutRun(
  info: ServerInfo,
  child: ChildProcess,
  options: { clients: number; burst: number; log: (line: string) => void },
): Promise<LiveFigures['fanout']> {
  const filters = Array.from({ length: options.clients }, (_, n) => filterFor(n + 1));
  options.log(`Live: connecting ${options.clients} clients with different filters`);
  const sockets = await connectClients(info, filters);
  const items = Array.from({ length: options.burst }, (_, n) => benchItem(n));
  const matchers = filters.map((f) => compileFilter(f));
  let expected = 0;
  for (const item of items) {
    const fields = { ...item, side: item.side ?? 'UNKNOWN', lang: item.lang ?? '', frames: [], title: item.title ?? '' };
    for (const m of matchers) if (m.matches(fields)) expected++;
  }
  const delivery: number[] = [];
  let delivered = 0;
  let inBatches = 0;
  let omitted = 0;
  let startedAt = 0;
  for (const socket of sockets) {
    socket.on('item:new', () => {
      delivered++;
      delivery.push(performance.now() - startedAt);
    });
    socket.on('item:batch', (e: ItemBatchEvent) => {
      const at = performance.now() - startedAt;
      inBatches += e.items.length;
      omitted += e.omitted;
      for (let i = 0; i < e.items.length; i++) delivery.push(at);
    });
  }
  options.log(`Live: burst of ${options.burst} items (${options.burst / 1000} requests of 1,000) to ${options.clients} clients`);
  startedAt = performance.now();
  for (let i = 0; i < items.length; i += 1_000) await post(info, items.slice(i, i + 1_000));
  // Wait until deliveries stop arriving.
  let last = -1;
  while (delivered + inBatches + omitted !== last) {
    last = delivered + inBatches + omitted;
    await sleep(1_000);
  }
  const rss = await serverRss(child);
  for (const socket of sockets) socket.disconnect();
  return {
    clients: options.clients,
    items: options.burst,
    expected,
    delivered,
    inBatches,
    omitted,
    delivery: summarize(delivery),
    serverRssMb: rss.rssMb,
    serverPeakRssMb: rss.peakRssMb,
  };
}

export async function liveBench(options: {
  clients: number;
  rate: number;
  seconds: number;
  fanoutClients: number;
  burst: number;
  log: (line: string) => void;
}): Promise<LiveFigures> {
  const { child, info } = await startServer();
  try {
    const latency = await latencyRun(info, child, options);
    await sleep(500);
    const fanout = await fanoutRun(info, child, { clients: options.fanoutClients, burst: options.burst, log: options.log });
    return { latency, fanout };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send('stop');
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

if (process.argv.includes('--live-server')) {
  serve().catch((error: unknown) => {
    process.stderr.write(
      `live bench server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
