/**
 * The embedded store commits the item writes of one event-loop turn together (concurrent ingest
 * requests at a live rate share one disk sync). Each call must still behave as if it ran alone,
 * in order: its own results, the writes before it visible, and a failing call failing alone.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { anItem, idOf } from '../../helpers/factories.js';
import { sqliteTestStore, type TestStore } from '../../helpers/stores.js';

let test: TestStore & { file: string };
beforeEach(async () => {
  test = await sqliteTestStore();
});
afterEach(async () => test?.dispose());

it('gives each concurrent call its own results, in order, and lets a failing call fail alone', async () => {
  // A second connection to the same file: a trigger that refuses one item, as a broken write would.
  const other = new Database(test.file);
  other.exec(
    "CREATE TRIGGER refuse_poison BEFORE INSERT ON items WHEN NEW.external_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned item'); END",
  );
  other.close();

  const first = anItem({ text: 'The first version of the report.' });
  const edited = { ...first, text: 'The edited version of the report.' };
  const alongside = anItem();
  const after = anItem();
  const calls = [
    test.store.upsertItems([first]),
    test.store.upsertItems([edited]),
    test.store.upsertItems([alongside, anItem({ externalId: 'poison' })]),
    test.store.upsertItems([after]),
  ];
  const settled = await Promise.allSettled(calls);

  expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  const statuses = settled.map((s) => (s.status === 'fulfilled' ? s.value.map((r) => [r.index, r.status]) : null));
  // The edit in the same turn sees the first write.
  expect(statuses).toEqual([[[0, 'created']], [[0, 'updated']], null, [[0, 'created']]]);
  expect(String((settled[2] as PromiseRejectedResult).reason)).toMatch(/poisoned item/u);
  // The failing call left nothing behind, not even its valid item; the calls around it were stored.
  const stored = await test.store.getItems([idOf(first), idOf(alongside), idOf(after)]);
  expect(stored.map((i) => i.id).sort()).toEqual([idOf(first), idOf(after)].sort());
  expect(stored.find((i) => i.id === idOf(first))?.text).toBe('The edited version of the report.');
});
