/** The socket module against a fake socket: status, resubscription after reconnect, missed events. */
import { EventEmitter } from 'node:events';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { connectLive, type LiveStatus } from '../../../client/src/socket/live.js';

class FakeSocket extends EventEmitter {
  connected = false;
  sent: unknown[] = [];
  connect() {
    return this;
  }
  disconnect() {
    this.connected = false;
    return this;
  }
  acks: ((answer: unknown) => void)[] = [];
  override emit(name: string, ...args: unknown[]): boolean {
    if (name === 'subscribe') {
      this.sent.push(args[0]);
      this.acks.push(args[1] as (answer: unknown) => void);
      return true;
    }
    return super.emit(name, ...args);
  }
  serverConnects() {
    this.connected = true;
    super.emit('connect');
  }
}

function setup() {
  const socket = new FakeSocket();
  const statuses: LiveStatus[] = [];
  const events: [string, unknown][] = [];
  const live = connectLive(
    { status: (s) => statuses.push(s), event: (name, payload) => events.push([name, payload]) },
    () => socket as unknown as Socket,
  );
  return { socket, statuses, events, live };
}

describe('live connection', () => {
  it('subscribes with the filter on connect and again after every reconnect, asking for missed events', () => {
    const { socket, live, events } = setup();
    live.subscribe({ sides: ['UA'] });
    socket.serverConnects();
    expect(socket.sent).toEqual([{ filter: { sides: ['UA'] } }]);
    socket.emit('item:new', { eventId: 'e-7', item: { id: 'a' } });
    expect(events).toEqual([['item:new', { eventId: 'e-7', item: { id: 'a' } }]]);
    socket.emit('disconnect');
    socket.serverConnects();
    expect(socket.sent[1]).toEqual({ filter: { sides: ['UA'] }, since: 'e-7' });
  });

  it('reports unavailable after repeated connection failures, and live once it connects', () => {
    const { socket, statuses } = setup();
    socket.emit('connect_error', new Error('xhr poll error'));
    expect(statuses).toEqual(['connecting']);
    socket.emit('connect_error', new Error('xhr poll error'));
    expect(statuses.at(-1)).toBe('unavailable');
    socket.serverConnects();
    expect(statuses.at(-1)).toBe('live');
  });

  it('sends a changed filter right away when connected', () => {
    const { socket, live } = setup();
    socket.serverConnects();
    live.subscribe({ frames: ['exchange_offer'] });
    expect(socket.sent.at(-1)).toEqual({ filter: { frames: ['exchange_offer'] } });
  });

  it('resumes from the acknowledged head when nothing arrived before a reconnect', () => {
    const { socket } = setup();
    socket.serverConnects();
    socket.acks[0]!({ ok: true, filter: {}, eventId: '1700000000000-4' });
    socket.emit('disconnect');
    socket.serverConnects();
    expect(socket.sent[1]).toEqual({ filter: {}, since: '1700000000000-4' });
  });

  it('passes item:batch and live:resync on, and tracks the newest event id of a batch', () => {
    const { socket, events } = setup();
    socket.serverConnects();
    socket.acks[0]!({ ok: true, filter: {}, eventId: '1700000000000-9' });
    socket.emit('item:batch', { eventId: '1700000000500-0', items: [{ id: 'a' }], omitted: 3 });
    socket.emit('live:resync', { eventId: '1700000000600-0', reason: 'too_far_behind', message: 'reload' });
    expect(events.map(([name]) => name)).toEqual(['item:batch', 'live:resync']);
    socket.emit('disconnect');
    socket.serverConnects();
    expect(socket.sent.at(-1)).toEqual({ filter: {}, since: '1700000000600-0' });
  });

  it('reports a refused subscription as unavailable', () => {
    const { socket, statuses } = setup();
    socket.serverConnects();
    socket.acks[0]!({ error: { code: 'forbidden', message: 'no', statusCode: 403 } });
    expect(statuses.at(-1)).toBe('unavailable');
  });
});
