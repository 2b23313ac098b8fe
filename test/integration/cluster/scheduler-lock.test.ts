/**
 * Scheduled jobs run once per tick, not once per instance: two schedulers (two instances) over
 * one store, a job firing every second, each tick's lock taken in the store. Over the same SQLite
 * file (two connections) and over Elasticsearch (two clients on one index prefix). Without the
 * lock the same two schedulers run every tick twice: that control keeps the test honest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler, type TickLockStore } from '../../../pipelines/scheduler.js';
import { ElasticsearchStore } from '../../../server/store/elasticsearch/elasticsearch-store.js';
import type { Store } from '../../../server/store/port.js';
import { SqliteStore } from '../../../server/store/sqlite/sqlite-store.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../../helpers/stores.js';

const SECONDS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sqlite: TestStore & { file: string };
let elastic: TestStore & { prefix: string; url: string };
const seconds: Store[] = [];

beforeAll(async () => {
  [sqlite, elastic] = await Promise.all([sqliteTestStore(), elasticsearchTestStore()]);
});
afterAll(async () => {
  for (const store of seconds) await store.close();
  await sqlite?.dispose();
  await elastic?.dispose();
});

interface Outcome {
  /** Distinct ticks asked for (lock names), and how many instances asked for each. */
  ticks: Map<string, number>;
  runs: number[];
  elsewhere: number[];
}

/** Two schedulers, one per store, the same every-second job, running for SECONDS. */
async function twoInstances(stores: [Store, Store], withLock: boolean): Promise<Outcome> {
  const ticks = new Map<string, number>();
  const recording = (store: Store): TickLockStore => ({
    tryLock: (name, owner, ttlMs) => {
      ticks.set(name, (ticks.get(name) ?? 0) + 1);
      return store.tryLock(name, owner, ttlMs);
    },
  });
  const schedulers = stores.map(
    (store, n) => new Scheduler(withLock ? { lock: { store: recording(store), owner: `instance-${n}-${process.pid}` } } : {}),
  );
  const counts = [0, 0];
  schedulers.forEach((scheduler, n) =>
    scheduler.add({
      name: `every-second-${withLock ? 'locked' : 'free'}`,
      cron: '* * * * * *',
      run: async () => {
        counts[n] = (counts[n] ?? 0) + 1;
      },
    }),
  );
  for (const scheduler of schedulers) scheduler.start();
  await sleep(SECONDS * 1000 + 300);
  await Promise.all(schedulers.map((s) => s.stop()));
  // A tick that had taken its lock when the schedulers stopped still finishes its run.
  await sleep(1_500);
  const status = schedulers.map((s) => s.status()[0]);
  expect(status.map((s) => s?.runs)).toEqual(counts);
  return { ticks, runs: counts, elsewhere: status.map((s) => s?.elsewhere ?? 0) };
}

describe('scheduled jobs shared by two instances', () => {
  it('run each tick once over one SQLite file', async () => {
    const other = new SqliteStore({ file: sqlite.file });
    await other.init();
    seconds.push(other);
    const { ticks, runs, elsewhere } = await twoInstances([sqlite.store, other], true);
    const total = (runs[0] ?? 0) + (runs[1] ?? 0);
    expect(ticks.size).toBeGreaterThanOrEqual(SECONDS - 1);
    // Every tick was asked for by both instances and run by exactly one of them.
    expect([...ticks.values()].every((n) => n === 2)).toBe(true);
    expect(total).toBe(ticks.size);
    expect((elsewhere[0] ?? 0) + (elsewhere[1] ?? 0)).toBe(ticks.size);
  });

  it('run each tick once over one Elasticsearch index prefix', async () => {
    const other = new ElasticsearchStore({ url: elastic.url, indexPrefix: elastic.prefix, shards: 1, replicas: 0 });
    await other.init();
    seconds.push(other);
    const { ticks, runs, elsewhere } = await twoInstances([elastic.store, other], true);
    const total = (runs[0] ?? 0) + (runs[1] ?? 0);
    expect(ticks.size).toBeGreaterThanOrEqual(SECONDS - 1);
    expect([...ticks.values()].every((n) => n === 2)).toBe(true);
    expect(total).toBe(ticks.size);
    expect((elsewhere[0] ?? 0) + (elsewhere[1] ?? 0)).toBe(ticks.size);
  });

  it('run local jobs on every instance, and skip a tick whose lock cannot be asked for', async () => {
    const other = new SqliteStore({ file: sqlite.file });
    await other.init();
    const closed = new SqliteStore({ file: sqlite.file });
    await closed.init();
    await closed.close();
    seconds.push(other);
    const runs = { a: 0, b: 0, down: 0 };
    const schedulers = [
      new Scheduler({ lock: { store: sqlite.store, owner: 'a' } }),
      new Scheduler({ lock: { store: other, owner: 'b' } }),
      new Scheduler({ lock: { store: closed, owner: 'down' }, log: { info: () => {}, error: () => {} } }),
    ];
    (['a', 'b', 'down'] as const).forEach((key, n) => {
      schedulers[n]?.add({ name: 'own-table', cron: '* * * * * *', local: true, run: async () => void runs[key]++ });
      schedulers[n]?.add({ name: 'shared', cron: '* * * * * *', run: async () => {} });
    });
    for (const scheduler of schedulers) scheduler.start();
    await sleep(3_300);
    await Promise.all(schedulers.map((s) => s.stop()));
    // Local work ran on every instance, each second, the one with its store down included.
    expect(runs.a).toBeGreaterThanOrEqual(2);
    expect(runs.b).toBeGreaterThanOrEqual(2);
    expect(runs.down).toBeGreaterThanOrEqual(2);
    // Without its store, an instance runs no shared tick and records why.
    const shared = schedulers[2]?.status().find((s) => s.name === 'shared');
    expect(shared?.runs).toBe(0);
    expect(shared?.failures).toBeGreaterThanOrEqual(2);
    expect(shared?.lastError).toMatch(/could not take the tick's lock/u);
  });

  it('run every tick twice without the lock (the control)', async () => {
    const other = new SqliteStore({ file: sqlite.file });
    await other.init();
    seconds.push(other);
    const { runs } = await twoInstances([sqlite.store, other], false);
    expect(runs[0]).toBeGreaterThanOrEqual(SECONDS - 1);
    expect(runs[1]).toBeGreaterThanOrEqual(SECONDS - 1);
  });
});
