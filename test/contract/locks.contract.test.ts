/**
 * Locks shared by instances (scheduled ticks run once): the same semantics from both adapters.
 * Each adapter is opened twice on the same storage (two SQLite connections to one file, two
 * Elasticsearch clients on one index prefix), as two server instances would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElasticsearchStore } from '../../server/store/elasticsearch/elasticsearch-store.js';
import type { Store } from '../../server/store/port.js';
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../helpers/stores.js';

interface Pair {
  name: string;
  a: Store;
  b: Store;
}

const pairs: Pair[] = [];
const disposers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const [sqlite, elastic] = await Promise.all([sqliteTestStore(), elasticsearchTestStore()]);
  const sqliteB = new SqliteStore({ file: sqlite.file });
  const elasticB = new ElasticsearchStore({ url: elastic.url, indexPrefix: elastic.prefix, shards: 1, replicas: 0 });
  await Promise.all([sqliteB.init(), elasticB.init()]);
  pairs.push({ name: 'sqlite', a: sqlite.store, b: sqliteB }, { name: 'elasticsearch', a: elastic.store, b: elasticB });
  disposers.push(
    () => sqliteB.close(),
    () => elasticB.close(),
    ...[sqlite, elastic].map((t: TestStore) => () => t.dispose()),
  );
});
afterAll(async () => {
  for (const dispose of disposers) await dispose();
});

const T0 = new Date('2026-03-02T07:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** Runs the same scenario on both adapters and expects the same answers from each. */
async function both<T>(scenario: (p: Pair) => Promise<T>): Promise<T> {
  const answers = await Promise.all(pairs.map((p) => scenario(p)));
  expect(answers[1], 'Elasticsearch answers as SQLite does').toEqual(answers[0]);
  return answers[0] as T;
}

describe('locks', () => {
  it('lets exactly one of many concurrent owners take a lock, on two instances at once', async () => {
    const winners = await both(async ({ a, b }) => {
      const results: number[] = [];
      // Three rounds of twelve callers: six owners on each instance, all at the same moment.
      for (const round of [1, 2, 3]) {
        const calls = Array.from({ length: 12 }, (_, n) =>
          (n % 2 === 0 ? a : b).tryLock(`tick:${round}`, `owner-${n}`, 60_000, T0),
        );
        const answers = await Promise.all(calls);
        results.push(answers.filter(Boolean).length);
      }
      return results;
    });
    expect(winners).toEqual([1, 1, 1]);
  });

  it('refuses other owners until the lock expires, then lets another owner take it', async () => {
    const answers = await both(async ({ a, b }) => [
      await a.tryLock('lease', 'alpha', 1_000, at(0)),
      await b.tryLock('lease', 'beta', 1_000, at(999)),
      // The holder renews: its expiry moves to 1,500 + 1,000.
      await a.tryLock('lease', 'alpha', 1_000, at(1_500)),
      await b.tryLock('lease', 'beta', 1_000, at(2_000)),
      // Expired at 2,500: another owner takes it over, and the former holder is refused.
      await b.tryLock('lease', 'beta', 1_000, at(2_500)),
      await a.tryLock('lease', 'alpha', 1_000, at(2_600)),
    ]);
    expect(answers).toEqual([true, false, true, false, true, false]);
  });

  it('is released by its owner only, and a released lock is free for anyone', async () => {
    const answers = await both(async ({ a, b }) => [
      await a.tryLock('job', 'alpha', 60_000, at(0)),
      await b.releaseLock('job', 'beta'),
      await b.tryLock('job', 'beta', 60_000, at(10)),
      await a.releaseLock('job', 'alpha'),
      await b.tryLock('job', 'beta', 60_000, at(20)),
      await a.tryLock('job', 'alpha', 60_000, at(30)),
      await b.releaseLock('job', 'beta'),
      await b.releaseLock('job', 'beta'),
      await a.releaseLock('never-taken', 'alpha'),
    ]);
    expect(answers).toEqual([true, false, false, true, true, false, true, false, false]);
  });

  it('keeps locks of different names apart', async () => {
    const answers = await both(async ({ a, b }) => [
      await a.tryLock('job:alerts:spike:2026-03-02T07:00:00.000Z', 'alpha', 60_000, at(0)),
      await b.tryLock('job:alerts:spike:2026-03-02T07:01:00.000Z', 'beta', 60_000, at(0)),
      await b.tryLock('job:alerts:spread:2026-03-02T07:00:00.000Z', 'beta', 60_000, at(0)),
      await b.tryLock('job:alerts:spike:2026-03-02T07:00:00.000Z', 'beta', 60_000, at(0)),
    ]);
    expect(answers).toEqual([true, true, true, false]);
  });

  it('frees every expired lock for any owner, however many were left behind', async () => {
    const answers = await both(async ({ a, b }) => {
      for (let n = 0; n < 30; n++) await a.tryLock(`old:${n}`, 'alpha', 1_000, at(0));
      // An hour later every old lock is free again, whoever asks.
      const later = at(3_600_000);
      const taken = await Promise.all(Array.from({ length: 30 }, (_, n) => b.tryLock(`old:${n}`, 'beta', 1_000, later)));
      return taken.every(Boolean);
    });
    expect(answers).toBe(true);
  });
});
