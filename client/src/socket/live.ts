/**
 * The one live connection: socket.io to the server, subscribed with the dashboard's filter,
 * resubscribed after every reconnect (asking for what was missed since the last event id), and
 * reporting whether live updates work so views can fall back to polling.
 */
import { io, type Socket } from 'socket.io-client';

export type LiveStatus = 'connecting' | 'live' | 'unavailable';
export type LiveEventName = 'item:new' | 'release:update' | 'alert:fired' | 'pipeline:status' | 'stats:tick';
export const LIVE_EVENTS: readonly LiveEventName[] = [
  'item:new',
  'release:update',
  'alert:fired',
  'pipeline:status',
  'stats:tick',
];

export interface LiveFilter {
  sides?: string[];
  platforms?: string[];
  sources?: string[];
  frames?: string[];
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

export function connectLive(handlers: LiveHandlers, createSocket: () => Socket = defaultSocket): LiveConnection {
  const socket = createSocket();
  let filter: LiveFilter = {};
  let lastEventId: string | null = null;
  let failures = 0;

  const sendSubscription = () => {
    socket.emit('subscribe', { filter, ...(lastEventId && { since: lastEventId }) }, (answer: unknown) => {
      const error = (answer as { error?: { message?: string } } | null)?.error;
      if (error) handlers.status('unavailable', error.message ?? 'subscription refused');
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
      if (typeof id === 'string') lastEventId = id;
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
