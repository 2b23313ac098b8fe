/**
 * The embedded store: one SQLite file (better-sqlite3, WAL, FTS5). The default for a single
 * machine; `npm start` runs on it with no other service.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ConflictError, NotFoundError, StoreUnavailableError } from '../../domain/errors.js';
import type { EngagementSnapshot, Item, ItemInput, Source, SourceInput, SourcePatch, SourceRun } from '../../domain/schemas.js';
import type {
  BriefingPage,
  BriefingRecord,
  FramingMatrix,
  FramingTimeline,
  FramingTimelineRequest,
  Interval,
  ItemFilter,
  ListReleasesRequest,
  ReleasePage,
  ReleaseSpread,
  ReleaseSpreadRequest,
  SearchPage,
  SearchRequest,
  SplitField,
  Store,
  StoreCapabilities,
  StoreHealth,
  StoredCodebook,
  TermsRequest,
  TermsResult,
  Timeline,
  TimelineRequest,
  UpsertResult,
} from '../port.js';
import {
  prepareItem,
  rawJsonText,
  type IndexedForms,
  snapshotSeries,
  supersededSnapshot,
  withoutRaw,
  type PreparedItem,
} from '../prepare.js';
import {
  computeSpread,
  decodeCursor,
  densify,
  encodeCursor,
  framingFromCounts,
  framingTimelineFromCounts,
  framingTimelineQueryFilter,
  newSource,
  patchSource,
  rankReleases,
  releaseCandidateFilters,
  withRun,
  type ReleaseGroup,
  type SparseBucket,
  type SpreadRow,
} from '../shared.js';
import { snippets } from '../text.js';
import { SqliteAuthRepository } from '../auth/sqlite.js';
import { SqliteAlertRepository } from '../alerts/sqlite.js';
import { SqliteTeamRepository } from '../team/sqlite.js';
import { ftsExpression, whereClause } from './filter.js';
import { MIGRATIONS } from './migrations.js';

type Row = Record<string, unknown>;

const HOUR = 3_600_000;
const BUCKET_SQL: Record<Interval, string> = {
  hour: `(i.published_ms / ${HOUR}) * ${HOUR}`,
  day: `(i.published_ms / ${24 * HOUR}) * ${24 * HOUR}`,
  // Weeks start on Monday; 1970-01-05 was one (see store/shared.ts).
  week: `((i.published_ms - ${96 * HOUR}) / ${168 * HOUR}) * ${168 * HOUR} + ${96 * HOUR}`,
};
const SPLIT_COLUMN: Record<Exclude<SplitField, 'frame'>, string> = {
  side: 'i.side',
  platform: 'i.platform',
  kind: 'i.kind',
};
const TERMS_COLUMN = { source: 'i.source_id', side: 'i.side', lang: 'i.lang', platform: 'i.platform', kind: 'i.kind' };

/** Sort keys, all descending; the last one (id) makes the order total so cursors never skip. */
const SORT_KEYS = {
  time: ['published_ms', 'id'],
  views: ['views', 'published_ms', 'id'],
  relevance: ['score', 'published_ms', 'id'],
} as const;

const parse = <T>(text: unknown): T => JSON.parse(String(text)) as T;

function rowToItem(row: Row): Item {
  return {
    id: String(row.id),
    platform: row.platform as Item['platform'],
    sourceId: String(row.source_id),
    externalId: String(row.external_id),
    kind: row.kind as Item['kind'],
    side: row.side as Item['side'],
    url: (row.url as string | null) ?? null,
    title: String(row.title),
    text: String(row.text),
    lang: String(row.lang),
    publishedAt: String(row.published_at),
    collectedAt: String(row.collected_at),
    editedAt: (row.edited_at as string | null) ?? null,
    media: parse(row.media),
    engagement: {
      views: Number(row.views),
      forwards: Number(row.forwards),
      reactions: Number(row.reactions),
      comments: Number(row.comments),
    },
    frames: parse(row.frames),
    entities: parse(row.entities),
    releaseId: (row.release_id as string | null) ?? null,
    forwardedFrom: (row.forwarded_from as string | null) ?? null,
    sensitive: row.sensitive === 1,
    demo: row.demo === 1,
    contentHash: String(row.content_hash),
    links: row.links === undefined ? [] : parse(row.links),
    ...(row.raw === null || row.raw === undefined ? {} : { raw: parse(row.raw) }),
  };
}

/** Source columns in the order they are written, with the Source field each holds. */
const SOURCE_COLUMNS: [string, keyof Source][] = [
  ['id', 'id'],
  ['platform', 'platform'],
  ['handle', 'handle'],
  ['url', 'url'],
  ['name', 'name'],
  ['side', 'side'],
  ['type', 'type'],
  ['country', 'country'],
  ['lang', 'lang'],
  ['schedule', 'schedule'],
  ['enabled', 'enabled'],
  ['release_source', 'releaseSource'],
  ['sensitive', 'sensitive'],
  ['verified', 'verified'],
  ['demo', 'demo'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
  ['last_run_at', 'lastRunAt'],
  ['last_run_status', 'lastRunStatus'],
  ['last_error', 'lastError'],
  ['items_collected', 'itemsCollected'],
];
const BOOLEAN_SOURCE_FIELDS = new Set<keyof Source>(['enabled', 'releaseSource', 'sensitive', 'verified', 'demo']);

function rowToSource(row: Row): Source {
  const source: Record<string, unknown> = {};
  for (const [column, key] of SOURCE_COLUMNS) {
    const value = row[column];
    source[key] = BOOLEAN_SOURCE_FIELDS.has(key) ? value === 1 : (value ?? null);
  }
  return source as Source;
}

const UNAVAILABLE = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
]);

/** Expired locks are kept this long before they are deleted (they already count as free). */
const LOCK_PRUNE_AFTER_MS = 60_000;

/** The columns of the items table in the order itemRow fills them. */
export const ITEM_COLUMNS = [
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
  'links',
  'raw',
] as const;

/** One prepared item as the values of an items row (ITEM_COLUMNS order). */
export function itemRow({ item: it, revision, rawJson: raw }: PreparedItem): unknown[] {
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
    JSON.stringify(it.links),
    raw === undefined ? null : rawJsonText(raw),
  ];
}

export interface SqliteStoreOptions {
  /** Path of the database file, or ':memory:'. */
  file: string;
}

export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities = {
    distributed: false,
    concurrentWrites: false,
    immediateVisibility: true,
    maxCursorDepth: Number.POSITIVE_INFINITY,
  };
  private db: Database.Database | null = null;
  readonly auth = new SqliteAuthRepository((fn) => this.run(fn));
  readonly alerts = new SqliteAlertRepository((fn) => this.run(fn));
  readonly team = new SqliteTeamRepository((fn) => this.run(fn));

  constructor(private readonly options: SqliteStoreOptions) {}

  private get conn(): Database.Database {
    if (!this.db) throw new StoreUnavailableError('the embedded store is closed');
    return this.db;
  }

  /** Runs fn, turning engine-level outages (locked, full, I/O) into StoreUnavailableError. */
  private run<T>(fn: (db: Database.Database) => T): T {
    try {
      return fn(this.conn);
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if ([...UNAVAILABLE].some((c) => code.startsWith(c))) {
        throw new StoreUnavailableError(`the embedded store cannot write right now (${code})`);
      }
      throw error;
    }
  }

  async init(): Promise<void> {
    if (this.options.file !== ':memory:') mkdirSync(dirname(this.options.file), { recursive: true });
    const db = new Database(this.options.file);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode keeps committed transactions across process crashes; FULL adds power-loss
    // durability, which an acknowledged ingest promises.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)');
    const applied = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
    );
    // Versions are appended by different features; apply them in version order whatever the list's order.
    for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      })();
    }
    this.db = db;
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
    this.writer = null;
  }

  async health(): Promise<StoreHealth> {
    const started = performance.now();
    try {
      const row = this.conn.prepare('SELECT count(*) AS n FROM items').get() as { n: number };
      return { ok: true, backend: 'sqlite', latencyMs: performance.now() - started, items: row.n };
    } catch (error) {
      return { ok: false, backend: 'sqlite', latencyMs: performance.now() - started, detail: (error as Error).message };
    }
  }

  async sync(): Promise<void> {
    // Committed transactions are visible immediately.
  }

  /**
   * Item writes are committed in groups: the calls made in one turn of the event loop (concurrent
   * ingest requests, say) share one transaction, each call in a savepoint of its own, so a failing
   * call fails alone and every call sees the ones before it. With synchronous = FULL each commit
   * waits for the disk, and the event loop with it; a group waits once, not once per request.
   * A call's promise settles after its group's commit.
   */
  async upsertItems(inputs: ItemInput[], now = new Date(), indexed?: (IndexedForms | undefined)[]): Promise<UpsertResult[]> {
    const prepared = inputs.map((input, n) => prepareItem(input, now, undefined, indexed?.[n]));
    return new Promise((resolve, reject) => {
      if (this.upsertQueue.push({ prepared, resolve, reject }) === 1) setImmediate(() => this.commitUpserts());
    });
  }

  private upsertQueue: {
    prepared: PreparedItem[];
    resolve: (results: UpsertResult[]) => void;
    reject: (error: unknown) => void;
  }[] = [];

  private commitUpserts(): void {
    const calls = this.upsertQueue;
    this.upsertQueue = [];
    const outcomes: ({ ok: true; results: UpsertResult[] } | { ok: false; error: unknown })[] = [];
    try {
      this.run((db) => {
        const write = this.itemWriterFor(db);
        db.transaction(() => {
          for (const call of calls) {
            try {
              outcomes.push({ ok: true, results: this.run(() => write(call.prepared)) });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        })();
      });
    } catch (error) {
      // The group's commit failed: none of its calls was stored.
      for (const call of calls) call.reject(error);
      return;
    }
    calls.forEach((call, n) => {
      const outcome = outcomes[n];
      if (outcome?.ok) call.resolve(outcome.results);
      else call.reject(outcome?.error);
    });
  }

  /** The connection's item writer, its statements prepared once (every group commit uses it). */
  private itemWriterFor(db: Database.Database): (prepared: PreparedItem[]) => UpsertResult[] {
    if (this.writer?.db !== db) this.writer = { db, write: this.itemWriter(db) };
    return this.writer.write;
  }

  private writer: { db: Database.Database; write: (prepared: PreparedItem[]) => UpsertResult[] } | null = null;

  /** Writes one call's items in a transaction of its own (a savepoint inside a group's). */
  private itemWriter(db: Database.Database): (prepared: PreparedItem[]) => UpsertResult[] {
    const find = db.prepare('SELECT rowid, revision, views, forwards, reactions, comments, collected_at FROM items WHERE id = ?');
    const columns = ITEM_COLUMNS.join(', ');
    const insert = db.prepare(
      `INSERT INTO items (${columns}) VALUES (${columns
        .split(', ')
        .map(() => '?')
        .join(', ')})`,
    );
    const update = db.prepare(
      `UPDATE items SET ${columns
        .split(', ')
        .slice(1)
        .map((c) => `${c} = ?`)
        .join(', ')} WHERE rowid = ?`,
    );
    const ftsDelete = db.prepare('DELETE FROM items_fts WHERE rowid = ?');
    const ftsInsert = db.prepare('INSERT INTO items_fts (rowid, title, text) VALUES (?, ?, ?)');
    const framesDelete = db.prepare('DELETE FROM item_frames WHERE item_rowid = ?');
    const frameInsert = db.prepare('INSERT OR IGNORE INTO item_frames (frame_id, item_rowid) VALUES (?, ?)');
    const snapshotInsert = db.prepare(
      'INSERT OR REPLACE INTO snapshots (item_id, at, views, forwards, reactions, comments) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const values = itemRow;
    const index = (rowid: number | bigint, p: PreparedItem) => {
      ftsInsert.run(rowid, p.searchTitle, p.searchText);
      for (const f of p.item.frames) frameInsert.run(f.frameId, rowid);
    };
    const upsert = db.transaction((prepared: PreparedItem[]) =>
      prepared.map((p, i): UpsertResult => {
        const it = p.item;
        const existing = find.get(it.id) as Row | undefined;
        if (!existing) {
          const info = insert.run(...values(p));
          index(info.lastInsertRowid, p);
          return { index: i, id: it.id, status: 'created', item: withoutRaw(it) };
        }
        if (existing.revision === p.revision) return { index: i, id: it.id, status: 'unchanged' };
        const rowid = Number(existing.rowid);
        update.run(...values(p).slice(1), rowid);
        ftsDelete.run(rowid);
        framesDelete.run(rowid);
        index(rowid, p);
        const superseded = supersededSnapshot(
          {
            engagement: {
              views: Number(existing.views),
              forwards: Number(existing.forwards),
              reactions: Number(existing.reactions),
              comments: Number(existing.comments),
            },
            collectedAt: String(existing.collected_at),
          },
          it,
        );
        if (superseded) {
          snapshotInsert.run(
            superseded.itemId,
            superseded.at,
            superseded.views,
            superseded.forwards,
            superseded.reactions,
            superseded.comments,
          );
        }
        return { index: i, id: it.id, status: 'updated', item: withoutRaw(it) };
      }),
    );
    return upsert;
  }

  async getItems(ids: string[]): Promise<Item[]> {
    if (ids.length === 0) return [];
    const rows = this.run((db) =>
      db.prepare(`SELECT * FROM items WHERE id IN (${ids.map(() => '?').join(', ')})`).all(...ids),
    ) as Row[];
    const byId = new Map(rows.map((r) => [String(r.id), rowToItem(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async countItems(filter: ItemFilter = {}): Promise<number> {
    const where = whereClause(filter);
    const row = this.run((db) => db.prepare(`SELECT count(*) AS n FROM items i WHERE ${where.sql}`).get(...where.params)) as {
      n: number;
    };
    return row.n;
  }

  async appendSnapshots(snapshots: EngagementSnapshot[]): Promise<number> {
    return this.run((db) => {
      const upsert = db.prepare(
        'INSERT OR REPLACE INTO snapshots (item_id, at, views, forwards, reactions, comments) VALUES (?, ?, ?, ?, ?, ?)',
      );
      return db.transaction(() => {
        for (const s of snapshots) {
          upsert.run(
            s.itemId,
            new Date(s.at).toISOString(),
            s.views ?? null,
            s.forwards ?? null,
            s.reactions ?? null,
            s.comments ?? null,
          );
        }
        return snapshots.length;
      })();
    });
  }

  async getSnapshots(itemId: string): Promise<EngagementSnapshot[]> {
    const rows = this.run((db) => db.prepare('SELECT * FROM snapshots WHERE item_id = ? ORDER BY at').all(itemId)) as Row[];
    const [item] = await this.getItems([itemId]);
    const stored = rows.map((r) => {
      const s: EngagementSnapshot = { itemId: String(r.item_id), at: String(r.at) };
      for (const k of ['views', 'forwards', 'reactions', 'comments'] as const) {
        if (r[k] !== null && r[k] !== undefined) s[k] = Number(r[k]);
      }
      return s;
    });
    return snapshotSeries(stored, item);
  }

  async searchItems(request: SearchRequest): Promise<SearchPage> {
    const { filter } = request;
    const sort = request.sort === 'relevance' && !filter.query ? 'time' : request.sort;
    const keys = SORT_KEYS[sort];
    const relevance = sort === 'relevance' && filter.query !== undefined;
    const where = whereClause(filter, { fullText: !relevance });
    const from = relevance ? `items i JOIN items_fts ON items_fts.rowid = i.rowid AND items_fts MATCH ?` : 'items i';
    const fromParams = relevance && filter.query ? [ftsExpression(filter.query)] : [];
    // Title matches weigh twice as much as text matches (as in the Elasticsearch adapter).
    const score = relevance ? '-bm25(items_fts, 2.0, 1.0)' : 'NULL';
    // Sort keys only: a common word matches tens of thousands of rows, and carrying whole rows
    // (texts, JSON) through the sort cost most of the query. The page's rows are read afterwards.
    const inner = `SELECT i.rowid AS rid, i.published_ms, i.id, i.views, ${score} AS score FROM ${from} WHERE ${where.sql}`;
    const params: unknown[] = [...fromParams, ...where.params];
    let cursorSql = '';
    if (request.cursor) {
      const values = decodeCursor(request.cursor, keys.length);
      // Lexicographic "after" for descending keys: k1 < v1 OR (k1 = v1 AND k2 < v2) OR ...
      const ors: string[] = [];
      keys.forEach((key, n) => {
        const eqs = keys.slice(0, n).map((k) => `${k} = ?`);
        ors.push([...eqs, `${key} < ?`].join(' AND '));
        params.push(...values.slice(0, n + 1));
      });
      cursorSql = `WHERE (${ors.map((o) => `(${o})`).join(' OR ')})`;
    }
    const order = keys.map((k) => `${k} DESC`).join(', ');
    const keyRows = this.run((db) =>
      db.prepare(`SELECT * FROM (${inner}) ${cursorSql} ORDER BY ${order} LIMIT ?`).all(...params, request.limit + 1),
    ) as Row[];
    const pageKeys = keyRows.slice(0, request.limit);
    const fullRows = pageKeys.length
      ? (this.run((db) =>
          db
            .prepare(`SELECT * FROM items WHERE rowid IN (${pageKeys.map(() => '?').join(', ')})`)
            .all(...pageKeys.map((r) => r.rid)),
        ) as Row[])
      : [];
    const byRowid = new Map(fullRows.map((r) => [Number(r.rowid), r]));
    const rows = keyRows.map((k) => ({ ...byRowid.get(Number(k.rid)), score: k.score, rid: k.rid }) as Row);
    const total = relevance
      ? (
          this.run((db) =>
            db.prepare(`SELECT count(*) AS n FROM ${from} WHERE ${where.sql}`).get(...fromParams, ...where.params),
          ) as {
            n: number;
          }
        ).n
      : await this.countItems(filter);
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      total,
      hits: page.map((row) => {
        const item = rowToItem(row);
        return {
          item: withoutRaw(item),
          score: relevance ? Number(row.score) : null,
          snippets: snippets(item.title, item.text, filter.query),
        };
      }),
      nextCursor: rows.length > request.limit && last ? encodeCursor(keys.map((k) => last[k] as string | number)) : null,
    };
  }

  async timeline(request: TimelineRequest): Promise<Timeline> {
    const where = whereClause(request.filter);
    const bucket = BUCKET_SQL[request.interval];
    const totals = this.run((db) =>
      db.prepare(`SELECT ${bucket} AS b, count(*) AS n FROM items i WHERE ${where.sql} GROUP BY b`).all(...where.params),
    ) as { b: number; n: number }[];
    const sparse = new Map<number, SparseBucket>(totals.map((t) => [t.b, { startMs: t.b, total: t.n, split: {} }]));
    if (request.split) {
      const sql =
        request.split === 'frame'
          ? `SELECT ${bucket} AS b, f.frame_id AS k, count(*) AS n FROM items i JOIN item_frames f ON f.item_rowid = i.rowid WHERE ${where.sql} GROUP BY b, k`
          : `SELECT ${bucket} AS b, ${SPLIT_COLUMN[request.split]} AS k, count(*) AS n FROM items i WHERE ${where.sql} GROUP BY b, k`;
      const rows = this.run((db) => db.prepare(sql).all(...where.params)) as { b: number; k: string; n: number }[];
      for (const r of rows) {
        const b = sparse.get(r.b);
        if (b) b.split[r.k] = r.n;
      }
    }
    return {
      interval: request.interval,
      split: request.split ?? null,
      buckets: densify([...sparse.values()], request.interval, request.filter),
    };
  }

  async terms(request: TermsRequest): Promise<TermsResult> {
    const where = whereClause(request.filter);
    const sql =
      request.field === 'frame'
        ? `SELECT f.frame_id AS k, count(*) AS n FROM items i JOIN item_frames f ON f.item_rowid = i.rowid WHERE ${where.sql} GROUP BY k`
        : `SELECT ${TERMS_COLUMN[request.field]} AS k, count(*) AS n FROM items i WHERE ${where.sql} GROUP BY k`;
    const rows = this.run((db) => db.prepare(`${sql} ORDER BY n DESC, k ASC LIMIT ?`).all(...where.params, request.size)) as {
      k: string;
      n: number;
    }[];
    return {
      field: request.field,
      total: await this.countItems(request.filter),
      buckets: rows.map((r) => ({ key: r.k, count: r.n })),
    };
  }

  async framingMatrix(filter: ItemFilter): Promise<FramingMatrix> {
    const where = whereClause(filter);
    const sides = this.run((db) =>
      db.prepare(`SELECT i.side AS side, count(*) AS n FROM items i WHERE ${where.sql} GROUP BY i.side`).all(...where.params),
    ) as { side: string; n: number }[];
    const cells = this.run((db) =>
      db
        .prepare(
          `SELECT i.side AS side, f.frame_id AS frame, count(*) AS count FROM items i JOIN item_frames f ON f.item_rowid = i.rowid WHERE ${where.sql} GROUP BY i.side, f.frame_id`,
        )
        .all(...where.params),
    ) as { side: string; frame: string; count: number }[];
    return framingFromCounts(new Map(sides.map((s) => [s.side, s.n])), cells);
  }

  async releaseSpread(request: ReleaseSpreadRequest): Promise<ReleaseSpread> {
    const [original] = await this.getItems([request.releaseId]);
    const rows = this.run((db) =>
      db
        .prepare(
          `SELECT id, source_id AS sourceId, side, lang, published_at AS publishedAt, views FROM items WHERE (release_id = ? OR id = ?)${request.collectedBefore ? ' AND collected_at <= ?' : ''}`,
        )
        .all(
          request.releaseId,
          request.releaseId,
          ...(request.collectedBefore ? [new Date(request.collectedBefore).toISOString()] : []),
        ),
    ) as SpreadRow[];
    if (rows.length === 0) throw new NotFoundError('release', request.releaseId);
    return computeSpread(request.releaseId, original ? withoutRaw(original) : null, rows, request.interval);
  }

  async listReleases(request: ListReleasesRequest): Promise<ReleasePage> {
    const { member, range } = releaseCandidateFilters(request.filter);
    const parts = ['g.release_id IS NOT NULL'];
    const params: unknown[] = [];
    for (const f of [member, range]) {
      if (!f) continue;
      const where = whereClause(f);
      parts.push(`g.release_id IN (SELECT i.release_id FROM items i WHERE ${where.sql} AND i.release_id IS NOT NULL)`);
      params.push(...where.params);
    }
    if (request.filter.collectedBefore) {
      parts.push('g.collected_at <= ?');
      params.push(new Date(request.filter.collectedBefore).toISOString());
    }
    const rows = this.run((db) =>
      db
        .prepare(
          `SELECT g.release_id AS releaseId, g.side AS side, g.lang AS lang, g.source_id AS sourceId, count(*) AS items,
             sum(g.views) AS views, min(g.published_ms) AS firstMs, max(g.published_ms) AS lastMs, max(g.id = g.release_id) AS hasOriginal
           FROM items g WHERE ${parts.join(' AND ')} GROUP BY g.release_id, g.side, g.lang, g.source_id`,
        )
        .all(...params),
    ) as (ReleaseGroup & { hasOriginal: number })[];
    const originals = new Set(rows.filter((r) => r.hasOriginal === 1).map((r) => r.releaseId));
    const ranked = rankReleases(rows, originals, request);
    const items = new Map((await this.getItems(ranked.page.map((r) => r.id))).map((i) => [i.id, withoutRaw(i)]));
    return {
      total: ranked.total,
      releases: ranked.page.map((r) => ({ ...r, original: items.get(r.id) ?? null })),
      nextCursor: ranked.nextCursor,
    };
  }

  async framingTimeline(request: FramingTimelineRequest): Promise<FramingTimeline> {
    const where = whereClause(framingTimelineQueryFilter(request.filter, request.interval));
    const bucket = BUCKET_SQL[request.interval];
    const sides = this.run((db) =>
      db
        .prepare(
          `SELECT ${bucket} AS startMs, i.side AS side, count(*) AS items FROM items i WHERE ${where.sql} GROUP BY startMs, side`,
        )
        .all(...where.params),
    ) as { startMs: number; side: string; items: number }[];
    const cells = this.run((db) =>
      db
        .prepare(
          `SELECT ${bucket} AS startMs, i.side AS side, f.frame_id AS frame, count(*) AS count FROM items i JOIN item_frames f ON f.item_rowid = i.rowid WHERE ${where.sql} GROUP BY startMs, side, frame`,
        )
        .all(...where.params),
    ) as { startMs: number; side: string; frame: string; count: number }[];
    return framingTimelineFromCounts(sides, cells, request);
  }

  async listSources(): Promise<Source[]> {
    return (this.run((db) => db.prepare('SELECT * FROM sources ORDER BY name, id').all()) as Row[]).map(rowToSource);
  }

  async getSource(id: string): Promise<Source | null> {
    const row = this.run((db) => db.prepare('SELECT * FROM sources WHERE id = ?').get(id)) as Row | undefined;
    return row ? rowToSource(row) : null;
  }

  private writeSource(source: Source, mode: 'insert' | 'update'): void {
    const values = SOURCE_COLUMNS.map(([, key]) => {
      const v = source[key];
      return typeof v === 'boolean' ? (v ? 1 : 0) : v;
    });
    const columns = SOURCE_COLUMNS.map(([c]) => c);
    this.run((db) =>
      mode === 'insert'
        ? db.prepare(`INSERT INTO sources (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...values)
        : db.prepare(`UPDATE sources SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...values, source.id),
    );
  }

  async createSource(input: SourceInput, now = new Date()): Promise<Source> {
    const source = newSource(input, now);
    try {
      this.writeSource(source, 'insert');
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new ConflictError(`source "${input.id}" already exists`);
      }
      throw error;
    }
    return source;
  }

  async updateSource(id: string, patch: SourcePatch, now = new Date()): Promise<Source> {
    const current = await this.getSource(id);
    if (!current) throw new NotFoundError('source', id);
    const next = patchSource(current, patch, now);
    this.writeSource(next, 'update');
    return next;
  }

  async deleteSource(id: string): Promise<void> {
    const info = this.run((db) => db.prepare('DELETE FROM sources WHERE id = ?').run(id));
    if (info.changes === 0) throw new NotFoundError('source', id);
  }

  async recordSourceRun(id: string, run: SourceRun): Promise<Source> {
    const current = await this.getSource(id);
    if (!current) throw new NotFoundError('source', id);
    const next = withRun(current, run);
    this.run((db) =>
      db.transaction(() => {
        this.writeSource(next, 'update');
        if (run.state) db.prepare('UPDATE sources SET collector_state = ? WHERE id = ?').run(JSON.stringify(run.state), id);
      })(),
    );
    return next;
  }

  async saveCodebook(record: StoredCodebook): Promise<void> {
    try {
      this.run((db) =>
        db
          .prepare('INSERT INTO codebooks (version, codebook, saved_at, saved_by) VALUES (?, ?, ?, ?)')
          .run(record.version, JSON.stringify(record.codebook), record.savedAt, record.savedBy),
      );
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new ConflictError(`codebook version "${record.version}" already exists; give the new codebook a new version`);
      }
      throw error;
    }
  }

  async listCodebooks(limit: number): Promise<StoredCodebook[]> {
    const rows = this.run((db) =>
      db.prepare('SELECT * FROM codebooks ORDER BY saved_at DESC, version DESC LIMIT ?').all(limit),
    ) as Row[];
    return rows.map((r) => ({
      version: String(r.version),
      codebook: parse(r.codebook),
      savedAt: String(r.saved_at),
      savedBy: String(r.saved_by),
    }));
  }

  async createBriefing(record: BriefingRecord): Promise<void> {
    try {
      this.run((db) =>
        db
          .prepare('INSERT INTO briefings (id, status, created_at, updated_at, record) VALUES (?, ?, ?, ?, ?)')
          .run(record.id, record.status, record.createdAt, record.updatedAt, JSON.stringify(record)),
      );
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new ConflictError(`briefing "${record.id}" already exists`);
      }
      throw error;
    }
  }

  async getBriefing(id: string): Promise<BriefingRecord | null> {
    const row = this.run((db) => db.prepare('SELECT record FROM briefings WHERE id = ?').get(id)) as
      { record: string } | undefined;
    return row ? (JSON.parse(row.record) as BriefingRecord) : null;
  }

  async listBriefings(request: { limit: number; offset: number }): Promise<BriefingPage> {
    const total = this.run((db) => db.prepare('SELECT count(*) AS n FROM briefings').get()) as { n: number };
    const rows = this.run((db) =>
      db
        .prepare('SELECT record FROM briefings ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?')
        .all(request.limit, request.offset),
    ) as { record: string }[];
    return { total: total.n, briefings: rows.map((r) => JSON.parse(r.record) as BriefingRecord) };
  }

  async replaceBriefing(record: BriefingRecord, expectedUpdatedAt: string): Promise<boolean> {
    const info = this.run((db) =>
      db
        .prepare('UPDATE briefings SET status = ?, updated_at = ?, record = ? WHERE id = ? AND updated_at = ?')
        .run(record.status, record.updatedAt, JSON.stringify(record), record.id, expectedUpdatedAt),
    );
    return info.changes === 1;
  }

  async tryLock(name: string, owner: string, ttlMs: number, now = new Date()): Promise<boolean> {
    const at = now.getTime();
    return this.run((db) =>
      // IMMEDIATE: the write lock is taken first, so two processes on the file cannot both read the
      // lock as free. The upsert only replaces a row that expired or is the caller's own.
      db
        .transaction(() => {
          const taken = db
            .prepare(
              `INSERT INTO locks (name, owner, expires_ms, acquired_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_ms = excluded.expires_ms,
                 acquired_at = excluded.acquired_at
               WHERE locks.expires_ms <= ? OR locks.owner = excluded.owner`,
            )
            .run(name, owner, at + ttlMs, now.toISOString(), at).changes;
          // Tick locks are never released; expired ones are dropped as new ones are taken.
          db.prepare('DELETE FROM locks WHERE expires_ms < ?').run(at - LOCK_PRUNE_AFTER_MS);
          return taken === 1;
        })
        .immediate(),
    );
  }

  async releaseLock(name: string, owner: string): Promise<boolean> {
    const info = this.run((db) => db.prepare('DELETE FROM locks WHERE name = ? AND owner = ?').run(name, owner));
    return info.changes === 1;
  }

  async getSourceState(id: string): Promise<Record<string, string | number | null>> {
    const row = this.run((db) => db.prepare('SELECT collector_state FROM sources WHERE id = ?').get(id)) as
      { collector_state: string } | undefined;
    if (!row) throw new NotFoundError('source', id);
    return parse(row.collector_state);
  }
}
