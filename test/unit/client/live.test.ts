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
  override emit(name: string, ...args: unknown[]): boolean {
    if (name === 'subscribe') {
      this.sent.push(args[0]);
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
});
