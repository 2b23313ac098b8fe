/**
 * The live push protocol: what a dashboard sends (subscribe, unsubscribe) and what it receives
 * (item:new, item:batch, release:update, alert:fired, pipeline:status, stats:tick, live:resync,
 * live:error). Every incoming message is validated here before anything else sees it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { KINDS, PLATFORMS, SIDES, type Item, Kind, Platform, Side } from '../domain/schemas.js';
import type { DomainEvents, PipelineStatus } from '../events/bus.js';

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' });
const list = <T extends Parameters<typeof Type.Array>[0]>(schema: T, description: string) =>
  Type.Optional(Type.Array(schema, { maxItems: 50, uniqueItems: true, description }));

/** What a client wants to see; every field narrows, an empty filter means everything. */
export const LiveFilter = Type.Object(
  {
    sides: list(Side, `any of ${SIDES.join(', ')}`),
    platforms: list(Platform, `any of ${PLATFORMS.join(', ')}`),
    kinds: list(Kind, `any of ${KINDS.join(', ')}`),
    sources: list(Name, 'source ids'),
    frames: list(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), 'frame ids (an item matches when it has any)'),
    langs: list(Type.String({ pattern: '^[a-z]{2,3}$' }), 'language codes'),
    query: Type.Optional(Type.String({ maxLength: 500, description: 'the search syntax of GET /search' })),
  },
  { additionalProperties: false },
);
export type LiveFilter = Static<typeof LiveFilter>;

/** Ids look like `<epoch ms>-<sequence>`; see EventIds. */
export const EVENT_ID_PATTERN = '^[0-9]{1,15}-[0-9]{1,9}$';

export const SubscribeRequest = Type.Object(
  {
    filter: Type.Optional(LiveFilter),
    /** The last event id the client received: what it missed since then is sent first. */
    since: Type.Optional(Type.String({ pattern: EVENT_ID_PATTERN, maxLength: 30 })),
  },
  { additionalProperties: false },
);
export type SubscribeRequest = Static<typeof SubscribeRequest>;

/** An item as live push sends it: no raw payload, long text cut, sensitive media links and links withheld. */
export type LiveItem = Omit<Item, 'raw'> & { textTruncated?: true };

export interface ItemNewEvent {
  eventId: string;
  item: LiveItem;
  /** Set on items sent because the client reconnected (read from the store, not the bus). */
  replayed?: true;
}

/**
 * Several items in one packet: the items of one batch window (omitted 0), or, for a client that
 * fell behind, the newest items held for it and how many were left out.
 */
export interface ItemBatchEvent {
  eventId: string;
  items: LiveItem[];
  /** Matching items not included; the client reloads its list when this is above 0. */
  omitted: number;
}

export interface ReleaseUpdateEvent {
  eventId: string;
  releaseId: string;
  itemIds: string[];
}

export type AlertFiredEvent = { eventId: string } & DomainEvents['alert:fired'];

export type PipelineStatusEvent = PipelineStatus & { eventId: string };

export interface StatsTickEvent {
  eventId: string;
  at: string;
  windowHours: number;
  /** Items published in the window, in total and per side and platform. */
  items: { total: number; lastHour: number; bySide: Record<string, number>; byPlatform: Record<string, number> };
  /** The most frequent frames in the window. */
  frames: { key: string; count: number }[];
}

export interface ResyncEvent {
  eventId: string;
  reason: 'too_far_behind';
  message: string;
}

export interface LiveServerEvents {
  'item:new': (event: ItemNewEvent) => void;
  'item:batch': (event: ItemBatchEvent) => void;
  'release:update': (event: ReleaseUpdateEvent) => void;
  'alert:fired': (event: AlertFiredEvent) => void;
  'pipeline:status': (event: PipelineStatusEvent) => void;
  'stats:tick': (event: StatsTickEvent) => void;
  'live:resync': (event: ResyncEvent) => void;
  'live:error': (event: { error: { code: string; message: string; statusCode: number } }) => void;
}

export interface SubscribeAck {
  ok: true;
  filter: LiveFilter;
  /** The newest event id at subscription time. */
  eventId: string;
  /** Missed items sent before this answer (reconnects only). */
  replay?: { items: number; complete: boolean };
}

/**
 * Event ids: `<epoch ms>-<sequence>`, increasing within a process even when the clock steps back.
 * The time part is what a reconnecting client's "since" is read against.
 */
export class EventIds {
  private lastMs = 0;
  private seq = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  next(): string {
    const now = this.clock();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.seq = 0;
    } else {
      this.seq++;
    }
    return `${this.lastMs}-${this.seq}`;
  }

  /** The id the next event would follow, without using one up. */
  head(): string {
    return `${this.lastMs}-${this.seq}`;
  }
}

/** The time an event id was issued (epoch ms), or null when the id is not one of ours. */
export function eventTime(id: string): number | null {
  if (!new RegExp(EVENT_ID_PATTERN, 'u').test(id)) return null;
  const ms = Number(id.slice(0, id.indexOf('-')));
  return Number.isSafeInteger(ms) ? ms : null;
}
