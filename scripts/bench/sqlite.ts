/** SQLite under test: API ingest against raw prepared inserts, and the query shapes against raw SQL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { prepareItem } from '../../server/store/prepare.js';
import { ITEM_COLUMNS, itemRow, SqliteStore } from '../../server/store/sqlite/sqlite-store.js';
import { startApi, type Api } from './api.js';
import type { GroupKey, RawQuery } from './queries.js';
import type { StoreUnderTest } from './stores.js';

const GROUP_SQL: Record<GroupKey, string> = {
  day: 'i.published_ms / 86400000',
  hour: 'i.published_ms / 3600000',
  side: 'i.side',
  lang: 'i.lang',
  source: 'i.source_id',
  frame: 'f.frame_id',
};

/** Raw SQL for a RawQuery: an FTS5 MATCH count, a filtered count(*), or a GROUP BY count. */
export function rawSql(q: RawQuery): { sql: string; params: unknown[] } {
  const match = q.text ? `"${q.text.join(' ')}"` : undefined;
  if (match !== undefined && !q.sides && !q.from && !q.to && !q.groupBy) {
    return { sql: 'SELECT count(*) FROM items_fts WHERE items_fts MATCH ?', params: [match] };
  }
  const keys = q.groupBy ?? [];
  const where: string[] = [];
  const params: unknown[] = [];
  if (match !== undefined) {
    where.push('i.rowid IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)');
    params.push(match);
  }
  if (q.sides) {
    where.push(`i.side IN (${q.sides.map(() => '?').join(', ')})`);
    params.push(...q.sides);
  }
  if (q.from) {
    where.push('i.published_ms >= ?');
    params.push(Date.parse(q.from));
  }
  if (q.to) {
    where.push('i.published_ms < ?');
    params.push(Date.parse(q.to));
  }
  const join = keys.includes('frame') ? ' JOIN item_frames f ON f.item_rowid = i.rowid' : '';
  const select = [...keys.map((k) => GROUP_SQL[k]), 'count(*)'].join(', ');
  const sql =
    `SELECT ${select} FROM items i${join}` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    (keys.length > 0 ? ` GROUP BY ${keys.map((_, n) => n + 1).join(', ')}` : '');
  return { sql, params };
}

/**
 * Framewatch: JSON arrays POSTed over HTTP to a SqliteStore on a temp file; its queries over HTTP.
 * Baselines: the same rows, prepared outside the clock, inserted with one prepared statement into a
 * plain table of another file (no indexes, FTS, frames or snapshots), one transaction per batch,
 * under the adapter's pragmas (WAL, synchronous = FULL); the query shapes as plain SQL on a second,
 * read-only connection to the store's own file, as another reader of it would run them.
 */
export async function openSqliteTarget(): Promise<StoreUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'framewatch-bench-'));
  const file = join(dir, 'framewatch.sqlite');
  const rawDb = new Database(join(dir, 'raw.sqlite'));
  rawDb.pragma('journal_mode = WAL');
  rawDb.pragma('synchronous = FULL');
  // The adapter's own columns and row values, so the raw rows are as wide as the adapter's.
  rawDb.exec(`CREATE TABLE items (${ITEM_COLUMNS.join(', ')})`);
  const insert = rawDb.prepare(`INSERT INTO items VALUES (${ITEM_COLUMNS.map(() => '?').join(', ')})`);
  const write = rawDb.transaction((rows: unknown[][]) => {
    for (const row of rows) insert.run(...row);
  });
  const store = new SqliteStore({ file });
  let api: Api;
  try {
    await store.init();
    api = await startApi(store);
  } catch (error) {
    rawDb.close();
    await store.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const reader = new Database(file, { readonly: true });
  const statements = new Map<string, Database.Statement>();
  return {
    adapter: 'SQLite',
    api,
    rawWriter: (batch, now) => {
      const rows = batch.map((input) => itemRow(prepareItem(input, now)));
      return async () => {
        write(rows);
      };
    },
    runRaw: async (q) => {
      const { sql, params } = rawSql(q);
      let statement = statements.get(sql);
      if (!statement) {
        statement = reader.prepare(sql);
        statements.set(sql, statement);
      }
      statement.raw().all(...params);
      return {};
    },
    sync: async () => {},
    close: async () => {
      try {
        reader.close();
        await api.close();
        await store.close();
        rawDb.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
