/**
 * Live push: socket.io on the app's HTTP server (same port, path /socket.io). Handshakes are
 * authenticated with the session cookie or an API token (header, or `auth.token`) and refused
 * cross-origin; every incoming message is validated; events come from the in-process event bus
 * (never from the store or models), each with an increasing event id, and go to each client
 * through a bounded, coalescing channel. With REDIS_URL, the Redis adapter carries events to the
 * clients of other instances.
 *
 * Cost per event does not grow with the clients' number more than it must: subscribers are grouped
 * by filter (clients with the same filter are matched once), and new items are gathered for a short
 * window (batchWindowMs) and go to each group as one packet, encoded once and written once per
 * client that keeps up: one item as item:new, several as item:batch with nothing omitted. A quiet
 * server sends at once; under load a client receives at most one item packet per window.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createClient } from 'redis';
import { Server, type Socket } from 'socket.io';
import { allows, READ } from '../auth/policy.js';
import { AuthError, unauthenticated } from '../auth/service.js';
import type { Principal } from '../auth/types.js';
import { AppError, ValidationError, errorBody, type ErrorBody } from '../domain/errors.js';
import type { Item } from '../domain/schemas.js';
import { createChecker } from '../domain/validate.js';
import { assertSameOrigin } from '../plugins/security.js';
import { ClientChannel, DEFAULT_CHANNEL_LIMITS, type ChannelLimits, type Sink } from './channel.js';
import { compileFilter, filterKey, itemTokens, type CompiledFilter } from './filter.js';
import {
  EventIds,
  SubscribeRequest,
  type ItemNewEvent,
  eventTime,
  type AlertFiredEvent,
  type LiveFilter,
  type LiveItem,
  type LiveServerEvents,
  type PipelineStatusEvent,
  type ReleaseUpdateEvent,
  type SubscribeAck,
} from './protocol.js';
import { DEFAULT_REPLAY_LIMITS, readMissed, type ReplayLimits } from './replay.js';
import { overviewCounters } from './stats.js';

export interface LiveOptions {
  /** Redis for several instances (the socket.io Redis adapter); one instance needs none. */
  redisUrl?: string | undefined;
  /** How often stats:tick is computed and sent. */
  statsIntervalMs?: number;
  /** How often each connection's credentials are checked again (sign-out, revoked tokens end it). */
  reauthIntervalMs?: number;
  /** Packets waiting in a connection's write buffer above which the client counts as behind ... */
  writeBufferLimit?: number;
  /** ... or bytes (a batch window's packet can be large) ... */
  writeBufferBytes?: number;
  /** ... or for how long its transport may stay busy (a burst's packets wait a moment even for a fast client). */
  stallMs?: number;
  channel?: Partial<ChannelLimits>;
  replay?: Partial<ReplayLimits>;
  /** Item text longer than this is cut (the item's page has all of it). */
  textLimit?: number;
  /**
   * New items are sent at most this often (ms): the first after a quiet moment goes out at the end
   * of the current tick, the ones that follow within the window go together at its end. 0 sends
   * every event loop turn. When sending takes long (many clients, a busy machine), the window
   * widens so that sending keeps to about a fifth of the event loop's time, up to MAX_WINDOW_MS.
   */
  batchWindowMs?: number;
}

/** Share of the event loop that sending items may take before the batch window widens. */
const FLUSH_SHARE = 0.2;
/** The widest the batch window gets (the longest an item waits for its packet). */
const MAX_WINDOW_MS = 200;

/** What one instance tells the others (through the Redis adapter). */
type Envelope =
  | { kind: 'item'; eventId: string; item: Omit<Item, 'raw'> }
  | { kind: 'release'; event: ReleaseUpdateEvent }
  | { kind: 'alert'; event: AlertFiredEvent }
  | { kind: 'pipeline'; event: PipelineStatusEvent };

interface ClientEvents {
  subscribe: (...args: unknown[]) => void;
  unsubscribe: (...args: unknown[]) => void;
}
interface InterServerEvents {
  'live:publish': (envelope: Envelope) => void;
}
interface SocketData {
  principal: Principal;
  credentials: { cookie?: string | undefined; authorization?: string | undefined };
}
type LiveSocket = Socket<ClientEvents, LiveServerEvents, InterServerEvents, SocketData>;

/** The subscribers that share a filter (by filterKey), and the items gathered for them in this window. */
interface Group {
  key: string;
  filter: CompiledFilter;
  clients: Set<Client>;
  items: ItemNewEvent[];
}

interface Client {
  socket: LiveSocket;
  /** Packets in the connection's write buffer. */
  waiting: () => { packets: number; bytes: number };
  channel: ClientChannel;
  /** The client's own filter (replay reads with it); null until it subscribes. */
  filter: CompiledFilter | null;
  group: Group | null;
  /** Messages are handled one after the other. */
  queue: Promise<void>;
  /** Token bucket of incoming messages. */
  tokens: number;
  refilledAt: number;
}

const MAX_MESSAGE_BYTES = 64 * 1024;
const MESSAGES_PER_10S = 20;

export class LiveHub {
  readonly io: Server<ClientEvents, LiveServerEvents, InterServerEvents, SocketData>;
  readonly ids = new EventIds();
  private readonly clients = new Map<string, Client>();
  private readonly groups = new Map<string, Group>();
  /** Groups with items gathered in the current window. */
  private readonly due = new Set<Group>();
  private readonly batchWindowMs: number;
  private flushTimer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private lastFlush = 0;
  /** The current window: batchWindowMs, or wider after a flush that took long. */
  private flushGap = 0;
  private readonly limits: ChannelLimits;
  private readonly replayLimits: ReplayLimits;
  private readonly textLimit: number;
  private readonly writeBufferLimit: number;
  private readonly writeBufferBytes: number;
  private readonly stallMs: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private redis: { close: () => Promise<void> } | null = null;
  private statsRunning = false;
  private readonly checkSubscribe = createChecker(SubscribeRequest);

  constructor(
    private readonly app: FastifyInstance,
    private readonly options: LiveOptions,
  ) {
    this.limits = { ...DEFAULT_CHANNEL_LIMITS, ...options.channel };
    this.replayLimits = { ...DEFAULT_REPLAY_LIMITS, ...options.replay };
    this.textLimit = options.textLimit ?? 2_000;
    this.writeBufferLimit = options.writeBufferLimit ?? 256;
    this.writeBufferBytes = options.writeBufferBytes ?? 4 * 2 ** 20;
    this.stallMs = options.stallMs ?? 2_000;
    this.batchWindowMs = options.batchWindowMs ?? 25;
    this.flushGap = this.batchWindowMs;
    this.io = new Server(app.server, {
      path: '/socket.io',
      serveClient: false,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      // Same-origin only: no CORS headers, and cross-origin handshakes are refused below.
      cors: undefined,
    });
    this.io.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) => next(this.connectError(error)),
      );
    });
    this.io.on('connection', (socket) => this.connected(socket));
    this.io.on('live:publish', (envelope) => this.deliver(envelope));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** What each connection is holding back (diagnostics, tests): pending events, and packets and bytes in its write buffer. */
  backlog(): {
    socketId: string;
    pending: ReturnType<ClientChannel['pending']>;
    writeBuffer: number;
    writeBufferBytes: number;
  }[] {
    return [...this.clients.values()].map((c) => {
      const { packets, bytes } = c.waiting();
      return { socketId: c.socket.id, pending: c.channel.pending(), writeBuffer: packets, writeBufferBytes: bytes };
    });
  }

  async start(): Promise<void> {
    if (this.options.redisUrl) {
      const pub = createClient({ url: this.options.redisUrl });
      const sub = pub.duplicate();
      for (const client of [pub, sub]) client.on('error', (error: unknown) => this.app.log.error({ err: error }, 'redis'));
      await Promise.all([pub.connect(), sub.connect()]);
      this.io.adapter(createAdapter(pub, sub));
      this.redis = { close: async () => void (await Promise.allSettled([pub.close(), sub.close()])) };
    }
    const { bus } = this.app;
    this.unsubscribe.push(
      bus.on('item:new', ({ item }) => this.publish({ kind: 'item', eventId: this.ids.next(), item })),
      bus.on('release:update', (e) => this.publish({ kind: 'release', event: { eventId: this.ids.next(), ...e } })),
      bus.on('alert:fired', (e) => this.publish({ kind: 'alert', event: { eventId: this.ids.next(), ...e } })),
      bus.on('pipeline:status', (e) => this.publish({ kind: 'pipeline', event: { eventId: this.ids.next(), ...e } })),
    );
    const every = (ms: number, fn: () => void) => {
      const timer = setInterval(fn, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.statsIntervalMs ?? 10_000, () => void this.tick());
    every(this.options.reauthIntervalMs ?? 60_000, () => void this.reauthenticate());
  }

  /** Ends every connection (before the HTTP server closes, which would otherwise wait for them). */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.cancelFlush();
    for (const off of this.unsubscribe) off();
    this.io.local.disconnectSockets(true);
    this.io.engine.close();
    await this.io.of('/').adapter.close();
    await this.redis?.close();
  }

  // --- handshake -------------------------------------------------------------------------------

  private async authenticate(socket: LiveSocket): Promise<void> {
    const { headers } = socket.request;
    // The same rule as HTTP changes: a browser's cross-site or cross-origin handshake is refused.
    assertSameOrigin({ headers } as FastifyRequest);
    const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    if (token !== undefined && (typeof token !== 'string' || token.length > 512)) {
      throw new ValidationError('must be an API token string', 'auth.token');
    }
    const credentials = {
      cookie: headers.cookie,
      authorization: typeof token === 'string' ? `Bearer ${token}` : headers.authorization,
    };
    const principal = await this.app.auth.fromHeaders(credentials);
    if (!principal) throw unauthenticated();
    if (!allows(READ, principal)) {
      throw new AuthError('forbidden', 403, "this token's scopes do not allow reading live updates (read or admin needed)");
    }
    socket.data.principal = principal;
    socket.data.credentials = credentials;
  }

  private connectError(error: unknown): Error & { data: ErrorBody } {
    const body = this.errorOf(error);
    return Object.assign(new Error(body.error.message), { data: body });
  }

  /** The one error shape; 5xx details stay in the log. */
  private errorOf(error: unknown): ErrorBody {
    if (error instanceof AppError && error.statusCode < 500) return errorBody(error.code, error.message, error.statusCode);
    this.app.log.error({ err: error }, 'live: request failed');
    const code = error instanceof AppError ? error.code : 'internal';
    const status = error instanceof AppError ? error.statusCode : 500;
    return errorBody(code, 'internal error; see the server log', status);
  }

  // --- connections -----------------------------------------------------------------------------

  private sinkOf(socket: LiveSocket): Sink & { waiting: () => { packets: number; bytes: number } } {
    // Packets created since the engine last handed its buffer to the transport: a client that does
    // not read leaves them piling up (the transport stays unwritable until its writes complete).
    // Broadcast packets share one encoded string, so a waiting packet costs a reference, not a copy;
    // bytes count too, since one batch window's packet may hold many items.
    let waiting = 0;
    let bytes = 0;
    let busySince = 0;
    const conn = socket.conn;
    conn.on('packetCreate', (packet: { data?: unknown }) => {
      if (waiting++ === 0) busySince = Date.now();
      const { data } = packet;
      bytes += typeof data === 'string' ? data.length : Buffer.isBuffer(data) ? data.length : 0;
    });
    conn.on('flush', () => {
      waiting = 0;
      bytes = 0;
    });
    return {
      waiting: () => ({ packets: waiting, bytes }),
      ready: () =>
        waiting === 0 ||
        (waiting < this.writeBufferLimit && bytes < this.writeBufferBytes && Date.now() - busySince < this.stallMs),
      send: (name, payload) => {
        socket.emit(name, ...([payload] as Parameters<LiveServerEvents[typeof name]>));
      },
    };
  }

  private connected(socket: LiveSocket): void {
    const sink = this.sinkOf(socket);
    const channel = new ClientChannel(sink, this.limits, (n) => this.app.metrics.liveCoalesced.inc(n));
    const client: Client = {
      socket,
      waiting: sink.waiting,
      channel,
      filter: null,
      group: null,
      queue: Promise.resolve(),
      tokens: MESSAGES_PER_10S,
      refilledAt: Date.now(),
    };
    this.clients.set(socket.id, client);
    this.app.metrics.socketClients.set(this.clients.size);
    socket.conn.on('drain', () => channel.flush());
    socket.onAny((event: string, ...args: unknown[]) => {
      client.queue = client.queue.then(() => this.handle(client, event, args));
    });
    socket.on('disconnect', () => {
      this.leave(client);
      this.clients.delete(socket.id);
      this.app.metrics.socketClients.set(this.clients.size);
    });
  }

  private async handle(client: Client, event: string, args: unknown[]): Promise<void> {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (answer: unknown) => void) : null;
    const payload = ack ? args.slice(0, -1) : args;
    try {
      this.take(client);
      let answer: unknown;
      if (event === 'subscribe') answer = await this.subscribe(client, payload);
      else if (event === 'unsubscribe') {
        if (payload.length > 0) throw new ValidationError('takes no arguments', 'unsubscribe');
        this.leave(client);
        client.filter = null;
        answer = { ok: true };
      } else throw new AppError('unknown_event', 400, `unknown event "${event.slice(0, 64)}"; send subscribe or unsubscribe`);
      ack?.(answer);
    } catch (error) {
      const body = this.errorOf(error);
      if (ack) ack(body);
      else client.socket.emit('live:error', body);
    }
  }

  private take(client: Client): void {
    const now = Date.now();
    client.tokens = Math.min(MESSAGES_PER_10S, client.tokens + ((now - client.refilledAt) / 10_000) * MESSAGES_PER_10S);
    client.refilledAt = now;
    if (client.tokens < 1) throw new AppError('rate_limited', 429, 'too many messages; slow down');
    client.tokens--;
  }

  private async subscribe(client: Client, args: unknown[]): Promise<SubscribeAck> {
    if (args.length !== 1)
      throw new ValidationError(`expected one argument ({ filter, since }), got ${args.length}`, 'subscribe');
    const request = args[0];
    const problems = this.checkSubscribe(request);
    if (problems.length > 0) {
      throw new ValidationError(problems.map((p) => `${p.field === '(item)' ? 'payload' : p.field}: ${p.message}`).join('; '));
    }
    const { filter = {}, since } = request as SubscribeRequest;
    client.filter = compileFilter(filter);
    this.join(client, filterKey(filter), client.filter);
    const ack: SubscribeAck = { ok: true, filter: filter satisfies LiveFilter, eventId: this.ids.head() };
    if (since === undefined) return ack;

    // Live events arriving during the read wait behind the replay (bounded, like any backlog).
    const { channel, socket } = client;
    channel.hold();
    try {
      const replay = await readMissed(this.app.store, client.filter.store, eventTime(since) ?? 0, this.replayLimits);
      for (const item of replay.items) {
        socket.emit('item:new', { eventId: `${Date.parse(item.collectedAt)}-0`, item: this.liveItem(item), replayed: true });
      }
      channel.forget(new Set(replay.items.map((i) => i.id)));
      if (!replay.complete) {
        socket.emit('live:resync', {
          eventId: this.ids.head(),
          reason: 'too_far_behind',
          message: 'more was missed than a reconnect replays; reload the view',
        });
      }
      ack.replay = { items: replay.items.length, complete: replay.complete };
    } finally {
      channel.release();
    }
    return ack;
  }

  private async reauthenticate(): Promise<void> {
    for (const { socket } of [...this.clients.values()]) {
      try {
        const principal = await this.app.auth.fromHeaders(socket.data.credentials);
        if (!principal || !allows(READ, principal)) socket.disconnect(true);
      } catch (error) {
        this.app.log.warn({ err: error }, 'live: re-authentication failed; keeping the connection');
      }
    }
  }

  /**
   * Puts a client into the group of its filter. It also gets the items the group gathered in the
   * current window, published moments before it subscribed (a replay drops them from a held channel).
   */
  private join(client: Client, key: string, filter: CompiledFilter): void {
    this.leave(client);
    let group = this.groups.get(key);
    if (!group) {
      group = { key, filter, clients: new Set(), items: [] };
      this.groups.set(key, group);
    }
    group.clients.add(client);
    client.group = group;
  }

  private leave(client: Client): void {
    const group = client.group;
    if (!group) return;
    group.clients.delete(client);
    client.group = null;
    if (group.clients.size === 0) {
      this.groups.delete(group.key);
      this.due.delete(group);
    }
  }

  // --- events ----------------------------------------------------------------------------------

  private liveItem(item: Omit<Item, 'raw'>): LiveItem {
    const long = item.text.length > this.textLimit;
    return {
      ...item,
      text: long ? item.text.slice(0, this.textLimit) : item.text,
      ...(long && { textTruncated: true as const }),
      // Links to footage of prisoners stay behind the audited reveal of the item's page.
      media: item.sensitive
        ? item.media.map((m) => ({ type: m.type, ...(m.durationSec !== undefined && { durationSec: m.durationSec }) }))
        : item.media,
      links: item.sensitive ? [] : (item.links ?? []),
    };
  }

  private publish(envelope: Envelope): void {
    this.deliver(envelope);
    // Other instances deliver to their own clients; the in-memory adapter has no one to tell.
    if (this.redis) this.io.serverSideEmit('live:publish', envelope);
  }

  private deliver(envelope: Envelope): void {
    const metrics = this.app.metrics;
    if (envelope.kind === 'item') {
      metrics.liveEvents.inc({ event: 'item:new' });
      let event: ItemNewEvent | null = null;
      const tokens = itemTokens(envelope.item);
      for (const group of this.groups.values()) {
        if (!group.filter.matches(envelope.item, tokens)) continue;
        event ??= { eventId: envelope.eventId, item: this.liveItem(envelope.item) };
        group.items.push(event);
        this.due.add(group);
      }
      if (event) this.scheduleFlush();
      return;
    }
    // Other events do not overtake the items gathered before them (a client's last event id stays its newest).
    this.flushItems();
    const subscribed = [...this.clients.values()].filter((c) => c.filter !== null);
    switch (envelope.kind) {
      case 'release':
        metrics.liveEvents.inc({ event: 'release:update' });
        for (const c of subscribed) c.channel.releaseUpdate(envelope.event);
        return;
      case 'alert':
        metrics.liveEvents.inc({ event: 'alert:fired' });
        for (const c of subscribed) c.channel.alert(envelope.event);
        return;
      case 'pipeline':
        metrics.liveEvents.inc({ event: 'pipeline:status' });
        for (const c of subscribed) c.channel.pipeline(envelope.event);
        return;
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    const wait = this.lastFlush + this.flushGap - performance.now();
    // After a quiet moment at the end of this turn of the event loop (the items of one request go together).
    this.flushTimer = wait <= 0 ? setImmediate(() => this.flushItems()) : setTimeout(() => this.flushItems(), wait);
  }

  private cancelFlush(): void {
    if (!this.flushTimer) return;
    clearTimeout(this.flushTimer as NodeJS.Timeout);
    clearImmediate(this.flushTimer as NodeJS.Immediate);
    this.flushTimer = null;
  }

  /**
   * Sends each group's gathered items: one packet, encoded once, to every member that keeps up;
   * the others' channels hold them (bounded, coalesced).
   */
  private flushItems(): void {
    this.cancelFlush();
    if (this.due.size === 0) return;
    const started = performance.now();
    this.lastFlush = started;
    const groups = [...this.due];
    this.due.clear();
    for (const group of groups) {
      const items = group.items;
      group.items = [];
      const direct: string[] = [];
      for (const c of group.clients) {
        if (c.channel.direct) direct.push(c.socket.id);
        else for (const event of items) c.channel.item(event);
      }
      // (An empty room list would mean everyone.)
      if (direct.length === 0) continue;
      const last = items[items.length - 1];
      if (items.length === 1 && last) this.io.local.to(direct).emit('item:new', last);
      else if (last) {
        this.io.local.to(direct).emit('item:batch', { eventId: last.eventId, items: items.map((e) => e.item), omitted: 0 });
      }
    }
    const took = performance.now() - started;
    this.flushGap = Math.min(Math.max(this.batchWindowMs, took / FLUSH_SHARE), Math.max(MAX_WINDOW_MS, this.batchWindowMs));
  }

  /** Computes the overview counters once and shares them with every subscribed client of this instance. */
  async tick(): Promise<void> {
    this.flushItems();
    for (const c of this.clients.values()) c.channel.flush();
    const subscribed = [...this.clients.values()].filter((c) => c.filter !== null);
    if (subscribed.length === 0 || this.statsRunning) return;
    this.statsRunning = true;
    try {
      const counters = await overviewCounters(this.app.store, new Date());
      const event = { eventId: this.ids.next(), ...counters };
      const direct: string[] = [];
      for (const c of subscribed) {
        if (c.channel.direct) direct.push(c.socket.id);
        else c.channel.tick(event);
      }
      if (direct.length > 0) this.io.local.to(direct).emit('stats:tick', event);
    } catch (error) {
      this.app.log.warn({ err: error }, 'live: stats:tick not computed');
    } finally {
      this.statsRunning = false;
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveHub;
  }
}

/** Attaches live push to the app's server; connections end before the server closes. */
export async function registerLive(app: FastifyInstance, options: LiveOptions = {}): Promise<LiveHub> {
  const hub = new LiveHub(app, options);
  await hub.start();
  app.decorate('live', hub);
  app.addHook('preClose', async () => hub.stop());
  return hub;
}
