/** SQLite figures: API ingest against raw prepared inserts, loading, and the query shapes against raw SQL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { prepareItem, type PreparedItem } from '../../server/store/prepare.js';
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.js';
import { postItems, startApi } from './api.js';
import { BATCH, itemBatches } from './data.js';
import { perSecond, type IngestFigures, type QueryFigures } from './figures.js';
import { alternating } from './measure.js';
import { runOps, type GroupKey, type RawQuery, type RunOptions } from './queries.js';

// The columns of the adapter's items table, so the raw baseline writes rows of the same width.
const COLUMNS = [
  'id',
  'platform',
  'source_id',
  'external_id',
  'kind',
  'side',
  'url',
  'title',
  'text',
  'lang',
  'published_at',
  'published_ms',
  'collected_at',
  'edited_at',
  'media',
  'views',
  'forwards',
  'reactions',
  'comments',
  'frames',
  'entities',
  'release_id',
  'forwarded_from',
  'sensitive',
  'demo',
  'content_hash',
  'revision',
  'raw',
];

function rowOf({ item: it, revision }: PreparedItem): unknown[] {
  return [
    it.id,
    it.platform,
    it.sourceId,
    it.externalId,
    it.kind,
    it.side,
    it.url,
    it.title,
    it.text,
    it.lang,
    it.publishedAt,
    Date.parse(it.publishedAt),
    it.collectedAt,
    it.editedAt,
    JSON.stringify(it.media),
    it.engagement.views,
    it.engagement.forwards,
    it.engagement.reactions,
    it.engagement.comments,
    JSON.stringify(it.frames),
    JSON.stringify(it.entities),
    it.releaseId,
    it.forwardedFrom,
    it.sensitive ? 1 : 0,
    it.demo ? 1 : 0,
    it.contentHash,
    revision,
    it.raw === undefined ? null : JSON.stringify(it.raw),
  ];
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'framewatch-bench-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Framewatch: JSON arrays POSTed over HTTP to a SqliteStore on a temp file. Baseline: the same rows,
 * prepared outside the clock, inserted with one prepared statement into a plain table (no indexes,
 * FTS, frames or snapshots), one transaction per batch, under the adapter's pragmas (WAL,
 * synchronous = FULL). The two alternate batch by batch.
 */
function measureIngest(count: number): Promise<IngestFigures> {
  return withTempDir(async (dir) => {
    const db = new Database(join(dir, 'raw.sqlite'));
    const store = new SqliteStore({ file: join(dir, 'framewatch.sqlite') });
    await store.init();
    const api = await startApi(store);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(`CREATE TABLE items (${COLUMNS.join(', ')})`);
      const insert = db.prepare(`INSERT INTO items VALUES (${COLUMNS.map(() => '?').join(', ')})`);
      const write = db.transaction((rows: unknown[][]) => {
        for (const row of rows) insert.run(...row);
      });
      const now = new Date();
      const rounds = function* () {
        for (const batch of itemBatches(count)) {
          const rows = batch.map((input) => rowOf(prepareItem(input, now)));
          const body = JSON.stringify(batch);
          yield [async () => postItems(api.url, body, batch.length), async () => write(rows)] as const;
        }
      };
      const [apiMs, rawMs] = await alternating(rounds());
      const framewatch = perSecond(count, apiMs);
      const raw = perSecond(count, rawMs);
      return { items: count, framewatch, raw, ratio: framewatch.perSec / raw.perSec };
    } finally {
      await api.close();
      await store.close();
      db.close();
    }
  });
}

export async function sqliteIngest(count: number): Promise<IngestFigures> {
  await measureIngest(2 * BATCH); // warm-up: JIT, page cache
  return measureIngest(count);
}

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

export async function sqliteQueries(count: number, options: RunOptions): Promise<QueryFigures> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'framewatch.sqlite');
    const store = new SqliteStore({ file });
    await store.init();
    let loadMs = 0;
    // Only the store calls are timed: generating the corpus is not the store's cost.
    for (const batch of itemBatches(count)) {
      const started = performance.now();
      await store.upsertItems(batch);
      loadMs += performance.now() - started;
    }
    const load = { items: count, ...perSecond(count, loadMs) };
    options.log(`  loaded ${count} items in ${(loadMs / 1000).toFixed(1)} s`);
    const api = await startApi(store);
    // A second, read-only connection for the baseline, as another reader of the same file would have.
    const db = new Database(file, { readonly: true });
    const statements = new Map<string, Database.Statement>();
    try {
      const ops = await runOps(
        api.url,
        async (q) => {
          const { sql, params } = rawSql(q);
          let statement = statements.get(sql);
          if (!statement) {
            statement = db.prepare(sql);
            statements.set(sql, statement);
          }
          statement.raw().all(...params);
          return {};
        },
        options,
      );
      return { load, ops };
    } finally {
      db.close();
      await api.close();
      await store.close();
    }
  });
}
