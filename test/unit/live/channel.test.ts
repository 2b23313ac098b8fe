import { describe, expect, it } from 'vitest';
import { ClientChannel, compareEventIds, type LiveEventName, type Sink } from '../../../server/live/channel.js';
import { EventIds, eventTime, type LiveItem } from '../../../server/live/protocol.js';

function fakeSink() {
  const sent: { name: LiveEventName; payload: unknown }[] = [];
  let ready = true;
  const sink: Sink = { ready: () => ready, send: (name, payload) => void sent.push({ name, payload }) };
  return { sink, sent, setReady: (r: boolean) => (ready = r) };
}
const item = (id: string) => ({ id }) as LiveItem;

describe('client channel', () => {
  it('sends straight through while the client keeps up', () => {
    const { sink, sent } = fakeSink();
    const channel = new ClientChannel(sink);
    channel.item({ eventId: '1-0', item: item('a') });
    expect(sent).toEqual([{ name: 'item:new', payload: { eventId: '1-0', item: { id: 'a' } } }]);
  });

  it('holds a bounded backlog while behind and coalesces it on drain', () => {
    const { sink, sent, setReady } = fakeSink();
    let coalesced = 0;
    const channel = new ClientChannel(sink, { items: 3, others: 2 }, (n) => (coalesced += n));
    setReady(false);
    for (let n = 1; n <= 10; n++) channel.item({ eventId: `${n}-0`, item: item(`i${n}`) });
    channel.releaseUpdate({ eventId: '11-0', releaseId: 'r', itemIds: ['a'] });
    channel.releaseUpdate({ eventId: '12-0', releaseId: 'r', itemIds: ['b'] });
    channel.tick({
      eventId: '13-0',
      at: '',
      windowHours: 24,
      items: { total: 1, lastHour: 0, bySide: {}, byPlatform: {} },
      frames: [],
    });
    channel.tick({
      eventId: '14-0',
      at: '',
      windowHours: 24,
      items: { total: 2, lastHour: 0, bySide: {}, byPlatform: {} },
      frames: [],
    });
    expect(channel.pending()).toMatchObject({ items: 3, omitted: 7, releases: 1, stats: true });
    expect(sent).toEqual([]);

    setReady(true);
    channel.flush();
    expect(sent.map((s) => s.name)).toEqual(['item:batch', 'release:update', 'stats:tick']);
    expect(sent[0]?.payload).toEqual({ eventId: '10-0', items: [item('i8'), item('i9'), item('i10')], omitted: 7 });
    expect(sent[1]?.payload).toMatchObject({ releaseId: 'r', itemIds: ['a', 'b'], eventId: '12-0' });
    expect(sent[2]?.payload).toMatchObject({ eventId: '14-0', items: { total: 2 } });
    expect(channel.hasPending()).toBe(false);
    expect(coalesced).toBeGreaterThan(0);
  });

  it('holds everything during a replay and forgets items the replay sent', () => {
    const { sink, sent } = fakeSink();
    const channel = new ClientChannel(sink);
    channel.hold();
    channel.item({ eventId: '1-0', item: item('a') });
    channel.item({ eventId: '2-0', item: item('b') });
    channel.forget(new Set(['a']));
    expect(sent).toEqual([]);
    channel.release();
    expect(sent).toEqual([{ name: 'item:new', payload: { eventId: '2-0', item: { id: 'b' } } }]);
  });
});

describe('event ids', () => {
  it('increase within a process even when the clock stands still or steps back', () => {
    let now = 1_000;
    const ids = new EventIds(() => now);
    const a = ids.next();
    const b = ids.next();
    now = 900;
    const c = ids.next();
    now = 2_000;
    const d = ids.next();
    expect([a, b, c, d]).toEqual(['1000-0', '1000-1', '1000-2', '2000-0']);
    expect([d, c, a, b].sort(compareEventIds)).toEqual([a, b, c, d]);
    expect(eventTime(d)).toBe(2_000);
    expect(eventTime('nonsense')).toBeNull();
  });
});
