/**
 * Elasticsearch upserts write a new item without looking it up first, and look up only the items
 * that turn out to exist: whichever way a batch is written, storing the same content again writes
 * nothing, changed content is an update with its superseded engagement kept, and a new store
 * instance (another Framewatch process) reaches the same statuses.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ItemInput } from '../../server/domain/schemas.js';
import { ElasticsearchStore } from '../../server/store/elasticsearch/elasticsearch-store.js';
import { anItem, idOf } from '../helpers/factories.js';
import { elasticsearchTestStore, type TestStore } from '../helpers/stores.js';

let test: TestStore & { prefix: string; url: string };
const others: ElasticsearchStore[] = [];
beforeAll(async () => {
  test = await elasticsearchTestStore();
});
afterAll(async () => {
  for (const s of others) await s.close();
  await test?.dispose();
});

const NOW = new Date('2026-01-10T12:00:00Z');

/** Highest sequence number and operation count of the items index: both move with every write. */
async function writeMarks(): Promise<{ maxSeqNo: number; operations: number }> {
  const response = await fetch(`${test.url}/${test.prefix}-items/_stats?level=shards`);
  const stats = (await response.json()) as {
    indices: Record<string, { shards: Record<string, { seq_no: { max_seq_no: number }; translog: { operations: number } }[]> }>;
  };
  const shard = Object.values(stats.indices)[0]?.shards['0']?.[0];
  return { maxSeqNo: shard?.seq_no.max_seq_no ?? -1, operations: shard?.translog.operations ?? -1 };
}

/** Another store on the same indices, as another Framewatch process would be. */
function anotherInstance(): ElasticsearchStore {
  const s = new ElasticsearchStore({ url: test.url, indexPrefix: test.prefix, shards: 1, replicas: 0 });
  others.push(s);
  return s;
}

const statuses = (results: { status: string }[]) => results.map((r) => r.status);

it('stores new items, writes nothing for the same content again, and updates changed content', async () => {
  const items: ItemInput[] = Array.from({ length: 300 }, (_, n) =>
    anItem({ externalId: `w-${n}`, engagement: { views: 10 + n, forwards: 1, reactions: 0, comments: 0 } }),
  );
  const created = await test.store.upsertItems(items, NOW);
  expect(statuses(created)).toEqual(items.map(() => 'created'));
  expect(created.map((r) => r.id)).toEqual(items.map(idOf));
  expect(created[0]?.item).toMatchObject({ id: idOf(items[0] as ItemInput), text: items[0]?.text });
  expect(created[0]?.item).not.toHaveProperty('raw');
  const afterCreate = await writeMarks();
  expect(afterCreate.maxSeqNo).toBe(299);

  // The same content, collected later, from this process and from another one: no write at all.
  const later = items.map((i) => ({ ...i, collectedAt: '2026-01-10T11:00:00Z' }));
  for (const store of [test.store, anotherInstance(), test.store]) {
    const again = await store.upsertItems(later, NOW);
    expect(statuses(again)).toEqual(items.map(() => 'unchanged'));
    expect(await writeMarks()).toEqual(afterCreate);
  }

  // Changed engagement and changed text are updates, from a fresh instance and after re-collections alike.
  for (const [store, bump, collectedAt] of [
    [anotherInstance(), 1000, '2026-01-10T12:10:00.000Z'],
    [test.store, 2000, '2026-01-10T12:20:00.000Z'],
  ] as const) {
    const changed = items.map((i, n) =>
      n % 3 === 0 ? { ...i, collectedAt, engagement: { views: bump + n, forwards: 1, reactions: 0, comments: 0 } } : i,
    );
    const results = await store.upsertItems(changed, NOW);
    expect(statuses(results)).toEqual(items.map((_, n) => (n % 3 === 0 ? 'updated' : 'unchanged')));
    expect(results[0]?.item?.engagement.views).toBe(bump);
    items.splice(0, items.length, ...changed);
  }
  await test.store.sync();
  const snapshots = await test.store.getSnapshots(idOf(items[0] as ItemInput));
  // The superseded engagement of each update, then the current one.
  expect(snapshots.map((s) => s.views)).toEqual([10, 1000, 2000]);
  const [stored] = await test.store.getItems([idOf(items[0] as ItemInput)]);
  expect(stored?.engagement.views).toBe(2000);
});

it('decides repeated ids in input order, mixed with new and stored items, and writes each id once', async () => {
  const stored = anItem({ externalId: 'mix-stored' });
  await anotherInstance().upsertItems([stored], NOW);
  const fresh = anItem({ externalId: 'mix-fresh' });
  const before = await writeMarks();
  const results = await anotherInstance().upsertItems(
    [fresh, stored, { ...fresh, text: 'edited' }, { ...stored, text: 'edited too' }, fresh],
    NOW,
  );
  expect(statuses(results)).toEqual(['created', 'unchanged', 'updated', 'updated', 'updated']);
  expect((await writeMarks()).maxSeqNo).toBe(before.maxSeqNo + 2);
  const items = await test.store.getItems([idOf(fresh), idOf(stored)]);
  expect(items.map((i) => i.text)).toEqual([fresh.text, 'edited too']);
});
