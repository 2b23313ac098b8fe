/** The demo start's live stream: synthetic items published now, marked demo, through ingest and the bus. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EventBus, type DomainEvents } from '../../server/events/bus.js';
import { seedDemoData, startDemoStream } from '../../server/services/demo.js';
import { sqliteTestStore, type TestStore } from '../helpers/stores.js';

let test: TestStore;
beforeAll(async () => {
  test = await sqliteTestStore();
  await seedDemoData(test.store, { items: 200, days: 2 });
});
afterAll(async () => test?.dispose());

it('publishes a few demo items a second, each published now, copies pointing at replayed originals', async () => {
  const bus = new EventBus();
  const seen: DomainEvents['item:new']['item'][] = [];
  bus.on('item:new', (e) => seen.push(e.item));
  const before = Date.now();
  const stream = startDemoStream(test.store, bus, { rate: 20 });
  try {
    await new Promise((resolve) => setTimeout(resolve, 3_300));
  } finally {
    stream.stop();
  }
  expect(seen.length).toBeGreaterThanOrEqual(40);
  expect(stream.stored).toBe(seen.length);
  expect(seen.every((i) => i.demo && Date.parse(i.publishedAt) >= before - 1000)).toBe(true);
  const copies = seen.filter((i) => i.releaseId && i.releaseId !== i.id);
  const ids = new Set(seen.map((i) => i.id));
  expect(copies.every((c) => ids.has(c.releaseId ?? ''))).toBe(true);
  expect(await test.store.countItems()).toBe(200 + seen.length);
});
