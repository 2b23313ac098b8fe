/**
 * The one live connection: socket.io to the server, subscribed with the dashboard's filter,
 * resubscribed after every reconnect with `since` (the last event id seen, or the id the server
 * acknowledged the subscription at), so missed items come back as replayed item:new. Batches of
 * coalesced items and the server's "reload" signal (live:resync) are passed on for views to act on.
 */
import { io, type Socket } from 'socket.io-client';
import { text } from '../i18n/text.js';

export type LiveStatus = 'connecting' | 'live' | 'unavailable';
export type LiveEventName =
  'item:new' | 'item:batch' | 'release:update' | 'alert:fired' | 'pipeline:status' | 'stats:tick' | 'live:resync';
export const LIVE_EVENTS: readonly LiveEventName[] = [
  'item:new',
  'item:batch',
  'release:update',
  'alert:fired',
  'pipeline:status',
  'stats:tick',
  'live:resync',
];

export interface LiveFilter {
  sides?: string[];
  platforms?: string[];
  kinds?: string[];
  sources?: string[];
  frames?: string[];
  langs?: string[];
  query?: string;
}

export interface LiveHandlers {
  status: (status: LiveStatus, reason?: string) => void;
  event: (name: LiveEventName, payload: unknown) => void;
}

export interface LiveConnection {
  subscribe(filter: LiveFilter): void;
  close(): void;
}

/** Connection failures in a row after which the dashboard says live is unavailable (and keeps retrying). */
const FAILURES_BEFORE_UNAVAILABLE = 2;

/** `<epoch ms>-<sequence>` ids compare by both parts (a replayed older event never moves `since` back). */
export function newerEventId(a: string | null, b: string | null): string | null {
  const parse = (id: string | null) => {
    const m = id ? /^(\d+)-(\d+)$/u.exec(id) : null;
    return m ? [Number(m[1]), Number(m[2])] : null;
  };
  const pa = parse(a);
  const pb = parse(b);
  // Ids not in our format cannot be compared: the one seen last wins.
  if (!pa || !pb) return b ?? a;
  return pb[0]! > pa[0]! || (pb[0] === pa[0] && pb[1]! > pa[1]!) ? b : a;
}

export function connectLive(handlers: LiveHandlers, createSocket: () => Socket = defaultSocket): LiveConnection {
  const socket = createSocket();
  let filter: LiveFilter = {};
  let lastEventId: string | null = null;
  let failures = 0;

  const sendSubscription = () => {
    socket.emit('subscribe', { filter, ...(lastEventId && { since: lastEventId }) }, (answer: unknown) => {
      const error = (answer as { error?: { message?: string } } | null)?.error;
      if (error) {
        handlers.status('unavailable', error.message ?? text('app.live.refused'));
        return;
      }
      // Before any event arrives, the acknowledged head is where a reconnect resumes from.
      const head = (answer as { eventId?: unknown } | null)?.eventId;
      if (typeof head === 'string') lastEventId = newerEventId(lastEventId, head);
    });
  };

  socket.on('connect', () => {
    failures = 0;
    handlers.status('live');
    sendSubscription();
  });
  socket.on('connect_error', (error: Error) => {
    failures++;
    if (failures >= FAILURES_BEFORE_UNAVAILABLE) handlers.status('unavailable', error.message);
  });
  socket.on('disconnect', () => handlers.status('connecting'));
  for (const name of LIVE_EVENTS) {
    socket.on(name, (payload: unknown) => {
      const id = (payload as { eventId?: unknown } | null)?.eventId;
      if (typeof id === 'string') lastEventId = newerEventId(lastEventId, id);
      handlers.event(name, payload);
    });
  }
  handlers.status('connecting');
  socket.connect();

  return {
    subscribe(next) {
      filter = next;
      if (socket.connected) sendSubscription();
    },
    close() {
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}

function defaultSocket(): Socket {
  return io({
    path: '/socket.io',
    autoConnect: false,
    withCredentials: true,
    reconnectionDelay: 2_000,
    reconnectionDelayMax: 30_000,
  });
}
