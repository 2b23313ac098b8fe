/**
 * Live push figures: latency from POST /api/v1/items to the event at subscribed socket.io clients
 * at a steady rate with many connected clients, and fan-out of a burst to many clients with
 * different filters. Separate processes, so that none is measured with another's CPU: the server
 * (this file with --live-server, its RSS and event loop its own), the socket.io clients (this file
 * with --live-clients, spread over a few processes as dashboards are spread over browsers), and
 * this one, which only sends the items and keeps time. Times cross processes as
 * performance.timeOrigin + performance.now() (the same clock on one machine).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../../server/app.js';
import { SYSTEM } from '../../server/auth/service.js';
import type { ItemInput, Side } from '../../server/domain/schemas.js';
import { compileFilter } from '../../server/live/filter.js';
import type { ItemBatchEvent, ItemNewEvent, LiveFilter } from '../../server/live/protocol.js';
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.js';
import { summarize, type Summary } from './measure.js';
import { fmt, type Row } from './table.js';

/** Event-loop delay (ms) over a measured stretch: how long a ready callback waited to run. */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** One process's share of a measured stretch: CPU seconds per wall second, and its event-loop delay. */
export interface ProcessLoad {
  cpu: number;
  loop: LoopDelay;
  /** The server only: how long it took to answer POST /api/v1/items, from reading the request to sending the answer. */
  ingest?: Summary;
}

export interface LiveFigures {
  latency: {
    clients: number;
    ratePerSec: number;
    items: number;
    /** From sending the POST to the event at a probe client (includes the ingest itself). */
    sendToEvent: Summary;
    /** From the POST's answer to the event; an event that arrives first counts as 0 (see beforeAck). */
    ackToEvent: Summary;
    /** From sending the POST to its answer. */
    ingestAck: Summary;
    beforeAck: number;
    missing: number;
    /** Items per second actually sent (below the rate when the server or the sender could not keep up). */
    achievedRate: number;
    server: ProcessLoad;
    clientsProcess: ProcessLoad;
    sender: ProcessLoad;
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
    server: ProcessLoad;
    clientsProcess: ProcessLoad;
  };
}

const now = () => performance.timeOrigin + performance.now();
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Measures a process's CPU and event-loop delay from start() to stop(). */
function loadMeter(): { start: () => void; stop: () => ProcessLoad } {
  let histogram: IntervalHistogram | null = null;
  let cpu = 0;
  let wall = 0;
  return {
    start: () => {
      histogram?.disable();
      histogram = monitorEventLoopDelay({ resolution: 5 });
      histogram.enable();
      cpu = cpuSeconds();
      wall = now();
    },
    stop: () => {
      const h = histogram;
      h?.disable();
      const ms = (ns: number | undefined) => (ns === undefined || !Number.isFinite(ns) ? 0 : ns / 1e6);
      return {
        cpu: (cpuSeconds() - cpu) / Math.max(0.001, (now() - wall) / 1000),
        loop: { p50: ms(h?.percentile(50)), p99: ms(h?.percentile(99)), max: ms(h?.max) },
      };
    },
  };
}

const SIDES: Side[] = ['UA', 'RU', 'KP', 'KR', 'US', 'EU', 'INTL'];
const PLATFORMS = ['telegram', 'youtube', 'rss', 'web'] as const;
const WORDS = ['exchange', 'prisoners', 'soldiers', 'kursk', 'video', 'statement', 'interrogation', 'asylum'];

let sequence = 0;
export function benchItem(n: number): ItemInput {
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
export function filterFor(n: number): LiveFilter {
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

// --- child processes and their messages ------------------------------------------------------

type ToChild =
  | { type: 'measure' }
  | { type: 'load' }
  | { type: 'rss' }
  | { type: 'stop' }
  | { type: 'connect'; url: string; token: string; filters: LiveFilter[]; probes: number[] }
  | { type: 'fanout-start'; at: number }
  | { type: 'fanout-count' }
  | { type: 'fanout-report' }
  | { type: 'arrivals' }
  | { type: 'disconnect' };

type FromChild =
  | { type: 'ready'; url?: string; token?: string }
  | { type: 'load'; load: ProcessLoad }
  | { type: 'rss'; rssMb: number; peakRssMb: number }
  | { type: 'connected' }
  | { type: 'disconnected' }
  | { type: 'arrivals'; arrivals: Record<string, number[]> }
  | { type: 'fanout-count'; count: number }
  | { type: 'fanout-report'; delivered: number; inBatches: number; omitted: number; histogram: number[] };

/** Delivery times in 1 ms buckets (the last holds everything later), so processes' samples merge. */
const HISTOGRAM_MS = 120_000;
function histogramSummary(counts: readonly number[]): Summary {
  const n = counts.reduce((a, b) => a + b, 0);
  const at = (p: number) => {
    const rank = Math.max(1, Math.ceil((p / 100) * n));
    let seen = 0;
    for (let ms = 0; ms < counts.length; ms++) {
      seen += counts[ms] ?? 0;
      if (seen >= rank) return ms + 0.5;
    }
    return Number.NaN;
  };
  return { n, p50: n === 0 ? Number.NaN : at(50), p95: n === 0 ? Number.NaN : at(95) };
}

class Child {
  private constructor(readonly process: ChildProcess) {}

  static start(
    role: '--live-server' | '--live-clients',
    args: string[] = [],
  ): Promise<{ child: Child; ready: FromChild & { type: 'ready' } }> {
    const proc = fork(fileURLToPath(import.meta.url), [role, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`live bench ${role.slice(7)} process exited with ${code}`));
      proc.once('exit', onExit);
      proc.once('message', (message: FromChild) => {
        proc.off('exit', onExit);
        if (message.type === 'ready') resolve({ child: new Child(proc), ready: message });
        else reject(new Error(`live bench ${role}: unexpected first message ${message.type}`));
      });
    });
  }

  /** Sends a message and waits for the answer of the given type. */
  ask<T extends FromChild['type']>(message: ToChild, answer: T): Promise<Extract<FromChild, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`live bench process exited with ${code}`));
      const onMessage = (m: FromChild) => {
        if (m.type !== answer) return;
        this.process.off('message', onMessage);
        this.process.off('exit', onExit);
        resolve(m as Extract<FromChild, { type: T }>);
      };
      this.process.on('message', onMessage);
      this.process.once('exit', onExit);
      this.process.send(message);
    });
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.send({ type: 'stop' } satisfies ToChild);
    await Promise.race([exited, sleep(10_000)]);
    if (this.process.exitCode === null) this.process.kill('SIGKILL');
  }
}

/** The clients' processes: client n lives in process n % size. */
class ClientPool {
  private constructor(private readonly children: Child[]) {}

  static async start(size: number): Promise<ClientPool> {
    const started = await Promise.allSettled(Array.from({ length: size }, () => Child.start('--live-clients')));
    const children = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.child] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      await Promise.all(children.map((c) => c.stop()));
      throw failed.reason;
    }
    return new ClientPool(children);
  }

  get size(): number {
    return this.children.length;
  }

  async connect(target: { url: string; token: string }, filters: LiveFilter[], probes: number[]): Promise<void> {
    const isProbe = new Set(probes);
    await Promise.all(
      this.children.map((child, k) => {
        const mine = filters.map((_, n) => n).filter((n) => n % this.size === k);
        return child.ask(
          {
            type: 'connect',
            ...target,
            filters: mine.map((n) => filters[n] ?? {}),
            probes: mine.flatMap((n, local) => (isProbe.has(n) ? [local] : [])),
          },
          'connected',
        );
      }),
    );
  }

  send(message: ToChild): void {
    for (const child of this.children) child.process.send(message);
  }

  /** CPU summed over the processes; the worst event-loop delay of any. */
  async load(): Promise<ProcessLoad> {
    const loads = (await Promise.all(this.children.map((c) => c.ask({ type: 'load' }, 'load')))).map((m) => m.load);
    const worst = (key: keyof LoopDelay) => Math.max(...loads.map((l) => l.loop[key]));
    return { cpu: loads.reduce((n, l) => n + l.cpu, 0), loop: { p50: worst('p50'), p99: worst('p99'), max: worst('max') } };
  }

  async arrivals(): Promise<Record<string, number[]>> {
    const merged: Record<string, number[]> = {};
    for (const { arrivals } of await Promise.all(this.children.map((c) => c.ask({ type: 'arrivals' }, 'arrivals')))) {
      for (const [id, times] of Object.entries(arrivals)) (merged[id] ??= []).push(...times);
    }
    return merged;
  }

  async fanoutCount(): Promise<number> {
    const counts = await Promise.all(this.children.map((c) => c.ask({ type: 'fanout-count' }, 'fanout-count')));
    return counts.reduce((n, m) => n + m.count, 0);
  }

  async fanoutReport(): Promise<{ delivered: number; inBatches: number; omitted: number; delivery: Summary }> {
    const reports = await Promise.all(this.children.map((c) => c.ask({ type: 'fanout-report' }, 'fanout-report')));
    const histogram = new Array<number>(HISTOGRAM_MS + 1).fill(0);
    for (const r of reports) r.histogram.forEach((count, ms) => (histogram[ms] = (histogram[ms] ?? 0) + count));
    const sum = (key: 'delivered' | 'inBatches' | 'omitted') => reports.reduce((n, r) => n + r[key], 0);
    return {
      delivered: sum('delivered'),
      inBatches: sum('inBatches'),
      omitted: sum('omitted'),
      delivery: histogramSummary(histogram),
    };
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.children.map((c) => c.ask({ type: 'disconnect' }, 'disconnected')));
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => c.stop()));
  }
}

function onMessages(handle: (message: ToChild, reply: (m: FromChild) => void) => void | Promise<void>): void {
  const reply = (m: FromChild) => process.send?.(m);
  process.on('message', (message: ToChild) => {
    Promise.resolve(handle(message, reply)).catch((error: unknown) => {
      process.stderr.write(`live bench child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
  });
}

// --- the server process ----------------------------------------------------------------------

async function serve(batchWindowMs: number | undefined): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'framewatch-live-bench-'));
  const store = new SqliteStore({ file: join(dir, 'framewatch.sqlite') });
  await store.init();
  // The bench measures push, not the per-principal rate limit that protects a deployment.
  const app = await buildApp({ store, auth: { apiRateLimit: 10_000_000 }, live: { statsIntervalMs: 10_000, batchWindowMs } });
  let ingest: number[] = [];
  app.addHook('onResponse', async (request, response) => {
    if (request.method === 'POST' && request.url === '/api/v1/items') ingest.push(response.elapsedTime);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const { secret } = await app.auth.createToken({ label: `live-bench-${Date.now()}`, scopes: ['admin'] }, SYSTEM);
  const meter = loadMeter();
  onMessages(async (message, reply) => {
    if (message.type === 'measure') {
      meter.start();
      ingest = [];
    } else if (message.type === 'load') reply({ type: 'load', load: { ...meter.stop(), ingest: summarize(ingest) } });
    else if (message.type === 'rss') {
      reply({ type: 'rss', rssMb: process.memoryUsage.rss() / 2 ** 20, peakRssMb: process.resourceUsage().maxRSS / 1024 });
    } else if (message.type === 'stop') {
      try {
        await app.close();
        await store.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      }
    }
  });
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}`, token: secret } satisfies FromChild);
}

// --- the clients process ---------------------------------------------------------------------

export async function connectClients(url: string, token: string, filters: LiveFilter[]): Promise<Socket[]> {
  // In the filters' order (callers pick probes by index).
  const sockets: Socket[] = new Array<Socket>(filters.length);
  // In waves, so the handshakes (each one a token lookup) do not all land at once.
  for (let i = 0; i < filters.length; i += 50) {
    const wave = filters.slice(i, i + 50).map(async (filter, k) => {
      const socket = io(url, {
        path: '/socket.io',
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token },
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

function clients(): void {
  let sockets: Socket[] = [];
  const meter = loadMeter();
  // Latency: arrival times per item at the probe clients (item:new, or an item:batch holding it).
  let arrivals: Record<string, number[]> = {};
  // Fan-out: every client's deliveries, timed from the burst's start.
  let fanoutAt = 0;
  let delivered = 0;
  let inBatches = 0;
  let omitted = 0;
  let delivery = new Array<number>(HISTOGRAM_MS + 1).fill(0);
  const delivered1 = (ms: number, count: number) => {
    const bucket = Math.min(HISTOGRAM_MS, Math.max(0, Math.floor(ms)));
    delivery[bucket] = (delivery[bucket] ?? 0) + count;
  };
  const arrived = (id: string, at: number) => (arrivals[id] ??= []).push(at);

  onMessages(async (message, reply) => {
    switch (message.type) {
      case 'connect': {
        sockets = await connectClients(message.url, message.token, message.filters);
        arrivals = {};
        delivered = inBatches = omitted = 0;
        delivery = new Array<number>(HISTOGRAM_MS + 1).fill(0);
        for (const n of message.probes) {
          const socket = sockets[n];
          socket?.on('item:new', (e: ItemNewEvent) => arrived(e.item.externalId, now()));
          socket?.on('item:batch', (e: ItemBatchEvent) => {
            const at = now();
            for (const item of e.items) arrived(item.externalId, at);
          });
        }
        for (const socket of sockets) {
          socket.on('item:new', () => {
            if (fanoutAt === 0) return;
            delivered++;
            delivered1(now() - fanoutAt, 1);
          });
          socket.on('item:batch', (e: ItemBatchEvent) => {
            if (fanoutAt === 0) return;
            const ms = now() - fanoutAt;
            inBatches += e.items.length;
            omitted += e.omitted;
            delivered1(ms, e.items.length);
          });
        }
        reply({ type: 'connected' });
        return;
      }
      case 'measure':
        meter.start();
        return;
      case 'load':
        reply({ type: 'load', load: meter.stop() });
        return;
      case 'arrivals':
        reply({ type: 'arrivals', arrivals });
        return;
      case 'fanout-start':
        fanoutAt = message.at;
        return;
      case 'fanout-count':
        reply({ type: 'fanout-count', count: delivered + inBatches + omitted });
        return;
      case 'fanout-report':
        reply({ type: 'fanout-report', delivered, inBatches, omitted, histogram: delivery });
        return;
      case 'disconnect':
        for (const socket of sockets) socket.disconnect();
        sockets = [];
        fanoutAt = 0;
        reply({ type: 'disconnected' });
        return;
      case 'stop':
        for (const socket of sockets) socket.disconnect();
        return process.exit(0);
      default:
        return;
    }
  });
  process.send?.({ type: 'ready' } satisfies FromChild);
}

// --- the sending process (this one) ----------------------------------------------------------

export interface Target {
  url: string;
  token: string;
}

export async function post(target: Target, items: ItemInput[]): Promise<void> {
  const response = await fetch(`${target.url}/api/v1/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
    body: JSON.stringify(items),
  }).catch((error: unknown) => {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new Error(`POST /api/v1/items failed${cause}`, { cause: error });
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /api/v1/items answered ${response.status}: ${text.slice(0, 300)}`);
}

async function latencyRun(
  target: Target,
  server: Child,
  pool: ClientPool,
  options: { clients: number; rate: number; seconds: number; log: (line: string) => void },
): Promise<LiveFigures['latency']> {
  // Every tenth client is a probe that sees everything; the others have filters of their own.
  const filters = Array.from({ length: options.clients }, (_, n) => (n % 10 === 0 ? {} : filterFor(n)));
  const probes = filters.map((_, n) => n).filter((n) => n % 10 === 0);
  options.log(`Live: connecting ${options.clients} clients (in ${pool.size} processes of their own)`);
  await pool.connect(target, filters, probes);
  const total = options.rate * options.seconds;
  options.log(`Live: ${total} items at ${options.rate}/s, one per request, ${probes.length} probe clients`);
  const sent = new Map<string, { sentAt: number; ackAt: number }>();
  const sender = loadMeter();
  server.process.send({ type: 'measure' } satisfies ToChild);
  pool.send({ type: 'measure' });
  sender.start();
  const started = now();
  const pending: Promise<void>[] = [];
  const inFlight = new Set<Promise<void>>();
  for (let n = 0; n < total; n++) {
    // At most 64 requests in flight: an overloaded server slows the sender instead of piling up connections.
    while (inFlight.size >= 64) await Promise.race(inFlight);
    const wait = started + (n * 1000) / options.rate - now();
    if (wait > 1) await sleep(wait);
    const item = benchItem(n);
    const record = { sentAt: now(), ackAt: Number.NaN };
    sent.set(item.externalId, record);
    const request = post(target, [item]).then(() => {
      record.ackAt = now();
    });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request)).catch(() => {});
    pending.push(request);
  }
  await Promise.all(pending);
  const achievedRate = total / ((now() - started) / 1000);
  // The last events are still on their way: the loads cover them too.
  await sleep(1_000);
  const senderLoad = sender.stop();
  const [serverLoad, clientsLoad] = await Promise.all([server.ask({ type: 'load' }, 'load'), pool.load()]);
  const arrivals = await pool.arrivals();
  const sendToEvent: number[] = [];
  const ackToEvent: number[] = [];
  const ingestAck: number[] = [];
  let beforeAck = 0;
  let missing = 0;
  for (const [id, { sentAt, ackAt }] of sent) {
    ingestAck.push(ackAt - sentAt);
    const times = arrivals[id] ?? [];
    missing += probes.length - times.length;
    for (const at of times) {
      sendToEvent.push(at - sentAt);
      if (at < ackAt) beforeAck++;
      ackToEvent.push(Math.max(0, at - ackAt));
    }
  }
  await pool.disconnect();
  return {
    clients: options.clients,
    ratePerSec: options.rate,
    items: total,
    sendToEvent: summarize(sendToEvent),
    ackToEvent: summarize(ackToEvent),
    ingestAck: summarize(ingestAck),
    beforeAck,
    missing,
    achievedRate,
    server: serverLoad.load,
    clientsProcess: clientsLoad,
    sender: senderLoad,
  };
}

async function fanoutRun(
  target: Target,
  server: Child,
  pool: ClientPool,
  options: { clients: number; burst: number; log: (line: string) => void },
): Promise<LiveFigures['fanout']> {
  const filters = Array.from({ length: options.clients }, (_, n) => filterFor(n + 1));
  options.log(`Live: connecting ${options.clients} clients with different filters`);
  await pool.connect(target, filters, []);
  const items = Array.from({ length: options.burst }, (_, n) => benchItem(n));
  const matchers = filters.map((f) => compileFilter(f));
  let expected = 0;
  for (const item of items) {
    const fields = { ...item, side: item.side ?? 'UNKNOWN', lang: item.lang ?? '', frames: [], title: item.title ?? '' };
    for (const m of matchers) if (m.matches(fields)) expected++;
  }
  options.log(`Live: burst of ${options.burst} items (${options.burst / 1000} requests of 1,000) to ${options.clients} clients`);
  server.process.send({ type: 'measure' } satisfies ToChild);
  const startedAt = now();
  pool.send({ type: 'measure' });
  pool.send({ type: 'fanout-start', at: startedAt });
  for (let i = 0; i < items.length; i += 1_000) await post(target, items.slice(i, i + 1_000));
  // Wait until deliveries stop arriving.
  let last = -1;
  for (;;) {
    const count = await pool.fanoutCount();
    if (count === last) break;
    last = count;
    await sleep(1_000);
  }
  const serverLoad = await server.ask({ type: 'load' }, 'load');
  const rss = await server.ask({ type: 'rss' }, 'rss');
  const clientsLoad = await pool.load();
  const report = await pool.fanoutReport();
  await pool.disconnect();
  return {
    clients: options.clients,
    items: options.burst,
    expected,
    delivered: report.delivered,
    inBatches: report.inBatches,
    omitted: report.omitted,
    delivery: report.delivery,
    serverRssMb: rss.rssMb,
    serverPeakRssMb: rss.peakRssMb,
    server: serverLoad.load,
    clientsProcess: clientsLoad,
  };
}

export async function liveBench(options: {
  clients: number;
  rate: number;
  seconds: number;
  fanoutClients: number;
  burst: number;
  /** Processes the socket.io clients are spread over. */
  clientProcesses?: number;
  /** The server's batch window (LiveOptions.batchWindowMs); its default when not given. */
  batchWindowMs?: number;
  log: (line: string) => void;
}): Promise<LiveFigures> {
  const window = options.batchWindowMs === undefined ? [] : [`--batch-window-ms=${options.batchWindowMs}`];
  const server = await Child.start('--live-server', window);
  let pool: ClientPool | null = null;
  try {
    pool = await ClientPool.start(options.clientProcesses ?? 2);
    const { url, token } = server.ready;
    if (!url || !token) throw new Error('live bench server did not say where it listens');
    const target = { url, token };
    const latency = await latencyRun(target, server.child, pool, options);
    options.log(
      `Live: server CPU ${latency.server.cpu.toFixed(2)} s/s, loop delay p50/p99/max ${fmtLoop(latency.server.loop)} ms; ` +
        `clients ${latency.clientsProcess.cpu.toFixed(2)} s/s, ${fmtLoop(latency.clientsProcess.loop)} ms; ` +
        `sender ${latency.sender.cpu.toFixed(2)} s/s, ${fmtLoop(latency.sender.loop)} ms`,
    );
    await sleep(500);
    const fanout = await fanoutRun(target, server.child, pool, {
      clients: options.fanoutClients,
      burst: options.burst,
      log: options.log,
    });
    return { latency, fanout };
  } finally {
    await Promise.all([server.child.stop(), pool?.stop()]);
  }
}

export const fmtLoop = (l: LoopDelay) => `${l.p50.toFixed(1)}/${l.p99.toFixed(1)}/${l.max.toFixed(0)}`;

/** The live figures as rows of the summary table; the verdict is on POST sent -> event (it includes the ingest). */
export function liveRows(live: LiveFigures, p95TargetMs: number): Row[] {
  const { latency, fanout } = live;
  const pair = (s: Summary) => `${fmt.ms(s.p50)} / ${fmt.ms(s.p95)} ms`;
  const loops = (l: ProcessLoad) => `${l.cpu.toFixed(2)} CPU s/s, loop p99 ${fmt.ms(l.loop.p99)} ms`;
  return [
    {
      figure: `Live latency POST sent -> event (${fmt.int(latency.clients)} clients, ${latency.ratePerSec} items/s, p50 / p95)`,
      value: pair(latency.sendToEvent),
      baseline: `POST sent -> answered ${pair(latency.ingestAck)}`,
      ratio: fmt.ratio(latency.sendToEvent.p95 / latency.ingestAck.p95),
      target: `p95 <= ${p95TargetMs} ms`,
      verdict: latency.sendToEvent.p95 <= p95TargetMs && latency.missing === 0 ? 'PASS' : 'FAIL',
    },
    {
      figure: 'Live latency POST answered -> event (p50 / p95; an event before the answer counts 0)',
      value: pair(latency.ackToEvent),
      baseline: `before the answer ${fmt.int(latency.beforeAck)} of ${fmt.int(latency.sendToEvent.n)}; missing ${fmt.int(latency.missing)}`,
      ratio: '-',
      target: '-',
      verdict: 'info',
    },
    {
      figure: `Live load: items/s sent of ${latency.ratePerSec}; server / clients / sender`,
      value: `${latency.achievedRate.toFixed(0)} items/s`,
      baseline: `server ${loops(latency.server)}; clients ${loops(latency.clientsProcess)}; sender ${loops(latency.sender)}`,
      ratio: '-',
      target: '-',
      verdict: 'info',
    },
    {
      figure: `Live fan-out delivery (${fmt.int(fanout.clients)} filtered clients, burst of ${fmt.int(fanout.items)}, p50 / p95)`,
      value: pair(fanout.delivery),
      baseline: `${fmt.int(fanout.delivered)} single + ${fmt.int(fanout.inBatches)} batched + ${fmt.int(fanout.omitted)} coalesced of ${fmt.int(fanout.expected)}`,
      ratio: '-',
      target: '-',
      verdict: fanout.delivered + fanout.inBatches + fanout.omitted === fanout.expected ? 'info' : 'FAIL',
    },
    {
      figure: 'Live fan-out server RSS (after the burst / peak)',
      value: `${fmt.int(fanout.serverRssMb)} / ${fmt.int(fanout.serverPeakRssMb)} MB`,
      baseline: `server ${loops(fanout.server)}; clients ${loops(fanout.clientsProcess)}`,
      ratio: '-',
      target: '-',
      verdict: 'info',
    },
  ];
}

const fail = (what: string) => (error: unknown) => {
  process.stderr.write(`live bench ${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
};
if (process.argv.includes('--live-server')) {
  const window = process.argv.find((a) => a.startsWith('--batch-window-ms='))?.split('=')[1];
  serve(window === undefined ? undefined : Number(window)).catch(fail('server'));
}
if (process.argv.includes('--live-clients')) {
  try {
    clients();
  } catch (error) {
    fail('clients')(error);
  }
}
