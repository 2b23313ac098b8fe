/**
 * One client's outgoing stream with a bounded buffer. While the transport keeps up, events go out
 * one by one as they come. When it falls behind, nothing queues without bound: new items are held
 * up to a limit (older ones are counted, not kept) and go out as one item:batch; a newer
 * release:update for the same release, a newer stats:tick or pipeline:status replaces the pending one.
 */
import type {
  AlertFiredEvent,
  ItemNewEvent,
  LiveItem,
  LiveServerEvents,
  PipelineStatusEvent,
  ReleaseUpdateEvent,
  StatsTickEvent,
} from './protocol.js';

export type LiveEventName = keyof LiveServerEvents;
export type LivePayload<K extends LiveEventName> = Parameters<LiveServerEvents[K]>[0];

/** Where a channel writes: a socket.io socket in production, an array in unit tests. */
export interface Sink {
  /** Whether the transport takes more now (its write buffer is below the limit). */
  ready(): boolean;
  send<K extends LiveEventName>(name: K, payload: LivePayload<K>): void;
}

export interface ChannelLimits {
  /** Items held while behind; the newest are kept and sent as one batch. */
  items: number;
  /** Releases, alerts and pipeline statuses held while behind (each). */
  others: number;
}

export const DEFAULT_CHANNEL_LIMITS: ChannelLimits = { items: 50, others: 100 };

/** Orders `<ms>-<seq>` ids; unparsable ids sort first. */
export function compareEventIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

type Queued = Exclude<LiveEventName, 'live:error'>;
type Pending = { [K in Queued]: { name: K; payload: LivePayload<K> } }[Queued];

export class ClientChannel {
  private items: { eventId: string; item: LiveItem }[] = [];
  private omitted = 0;
  private releases = new Map<string, ReleaseUpdateEvent>();
  private alerts: AlertFiredEvent[] = [];
  private pipelines = new Map<string, PipelineStatusEvent>();
  private stats: StatsTickEvent | null = null;
  private held = false;
  /** Events merged or dropped because this client was behind. */
  coalesced = 0;

  constructor(
    private readonly sink: Sink,
    private readonly limits: ChannelLimits = DEFAULT_CHANNEL_LIMITS,
    private readonly onCoalesced: (count: number) => void = () => {},
  ) {}

  private count(n: number): void {
    if (n <= 0) return;
    this.coalesced += n;
    this.onCoalesced(n);
  }

  /** Whether an event can go straight out (nothing pending, transport ready): the fast path of a broadcast. */
  get direct(): boolean {
    return !this.held && !this.hasPending() && this.sink.ready();
  }

  hasPending(): boolean {
    return (
      this.items.length > 0 ||
      this.omitted > 0 ||
      this.releases.size > 0 ||
      this.alerts.length > 0 ||
      this.pipelines.size > 0 ||
      this.stats !== null
    );
  }

  /** Counts of what is held back. */
  pending(): { items: number; omitted: number; releases: number; alerts: number; pipelines: number; stats: boolean } {
    return {
      items: this.items.length,
      omitted: this.omitted,
      releases: this.releases.size,
      alerts: this.alerts.length,
      pipelines: this.pipelines.size,
      stats: this.stats !== null,
    };
  }

  /** Holds every event until release() (a reconnect's replay goes out first). */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.flush();
  }

  /** Drops held items the replay already sent. */
  forget(itemIds: ReadonlySet<string>): void {
    this.items = this.items.filter((p) => !itemIds.has(p.item.id));
  }

  item(event: ItemNewEvent): void {
    if (this.direct) return this.sink.send('item:new', event);
    this.items.push({ eventId: event.eventId, item: event.item });
    if (this.items.length > this.limits.items) {
      this.items.shift();
      this.omitted++;
      this.count(1);
    }
  }

  releaseUpdate(event: ReleaseUpdateEvent): void {
    if (this.direct) return this.sink.send('release:update', event);
    const previous = this.releases.get(event.releaseId);
    if (previous) {
      this.count(1);
      this.releases.delete(event.releaseId);
      event = { ...event, itemIds: [...new Set([...previous.itemIds, ...event.itemIds])].slice(-500) };
    }
    this.releases.set(event.releaseId, event);
    if (this.releases.size > this.limits.others) this.dropFirst(this.releases);
  }

  alert(event: AlertFiredEvent): void {
    if (this.direct) return this.sink.send('alert:fired', event);
    this.alerts.push(event);
    if (this.alerts.length > this.limits.others) {
      this.alerts.shift();
      this.count(1);
    }
  }

  pipeline(event: PipelineStatusEvent): void {
    if (this.direct) return this.sink.send('pipeline:status', event);
    const key = event.sourceId;
    if (this.pipelines.delete(key)) this.count(1);
    this.pipelines.set(key, event);
    if (this.pipelines.size > this.limits.others) this.dropFirst(this.pipelines);
  }

  tick(event: StatsTickEvent): void {
    if (this.direct) return this.sink.send('stats:tick', event);
    if (this.stats) this.count(1);
    this.stats = event;
  }

  private dropFirst<V>(map: Map<string, V>): void {
    const first = map.keys().next();
    if (!first.done) map.delete(first.value);
    this.count(1);
  }

  /** Sends what is pending, merged, oldest event id first (so a client's last id is its newest); call on drain. */
  flush(): void {
    if (this.held || !this.hasPending() || !this.sink.ready()) return;
    const out: Pending[] = [];
    for (const event of this.alerts) out.push({ name: 'alert:fired', payload: event });
    for (const event of this.pipelines.values()) out.push({ name: 'pipeline:status', payload: event });
    for (const event of this.releases.values()) out.push({ name: 'release:update', payload: event });
    if (this.stats) out.push({ name: 'stats:tick', payload: this.stats });
    const last = this.items[this.items.length - 1];
    if (this.items.length === 1 && this.omitted === 0 && last) {
      out.push({ name: 'item:new', payload: last });
    } else if (this.items.length > 0 || this.omitted > 0) {
      this.count(this.items.length - 1);
      out.push({
        name: 'item:batch',
        payload: { eventId: last?.eventId ?? '0-0', items: this.items.map((p) => p.item), omitted: this.omitted },
      });
    }
    this.items = [];
    this.omitted = 0;
    this.releases.clear();
    this.alerts = [];
    this.pipelines.clear();
    this.stats = null;
    out.sort((a, b) => compareEventIds(a.payload.eventId, b.payload.eventId));
    for (const p of out) this.sink.send(p.name, p.payload as never);
  }
}
