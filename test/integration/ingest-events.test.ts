/** Ingest publishes what it changed on the event bus, from an acknowledged write, on a real store. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EventBus, type DomainEvents } from '../../server/events/bus.js';
import { ingestItems } from '../../server/services/ingest.js';
import { anItem, idOf } from '../helpers/factories.js';
import { sqliteTestStore, type TestStore } from '../helpers/stores.js';

let test: TestStore;
beforeAll(async () => {
  test = await sqliteTestStore();
});
afterAll(async () => test?.dispose());

it('publishes item:new for created items, item:updated for changed ones, release:update per release, nothing for unchanged', async () => {
  const bus = new EventBus();
  const events: [string, unknown][] = [];
  for (const name of ['item:new', 'item:updated', 'release:update'] as const) {
    bus.on(name, (payload: DomainEvents[typeof name]) => events.push([name, payload]));
  }
  const original = anItem({ externalId: 'ev-original' });
  const releaseId = idOf(original);
  const copy = anItem({ externalId: 'ev-copy', releaseId, side: 'RU' });
  await ingestItems(
    test.store,
    [{ value: { ...original, releaseId } }, { value: copy }, { value: { bad: true } }],
    new Date(),
    bus,
  );
  expect(events.map(([name]) => name)).toEqual(['item:new', 'item:new', 'release:update']);
  expect(events[2]?.[1]).toEqual({ releaseId, itemIds: [releaseId, idOf(copy)] });
  expect((events[0]?.[1] as DomainEvents['item:new']).item).not.toHaveProperty('raw');

  events.length = 0;
  await ingestItems(test.store, [{ value: copy }], new Date(), bus);
  expect(events).toEqual([]);
  await ingestItems(test.store, [{ value: { ...copy, engagement: { views: 99 } } }], new Date(), bus);
  expect(events.map(([name]) => name)).toEqual(['item:updated', 'release:update']);
});

it('keeps ingesting when a listener throws', async () => {
  const bus = new EventBus();
  const errors: unknown[] = [];
  bus.onListenerError((info) => errors.push(info.error));
  bus.on('item:new', () => {
    throw new Error('listener broke');
  });
  const outcome = await ingestItems(test.store, [{ value: anItem() }], new Date(), bus);
  expect(outcome.results[0]?.status).toBe('created');
  expect(errors).toHaveLength(1);
});
