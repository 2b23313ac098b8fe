import { ALERTS_MIGRATION_SQL } from '../alerts/sqlite.js';

/**
 * Versioned schema migrations for the embedded store. Each runs once, in order, in a transaction;
 * the applied versions are recorded in schema_migrations.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'items, frames, full-text index, snapshots, sources',
    sql: `
      CREATE TABLE items (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        platform TEXT NOT NULL,
        source_id TEXT NOT NULL,
        external_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        side TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        lang TEXT NOT NULL,
        published_at TEXT NOT NULL,
        published_ms INTEGER NOT NULL,
        collected_at TEXT NOT NULL,
        edited_at TEXT,
        media TEXT NOT NULL,
        views INTEGER NOT NULL,
        forwards INTEGER NOT NULL,
        reactions INTEGER NOT NULL,
        comments INTEGER NOT NULL,
        frames TEXT NOT NULL,
        entities TEXT NOT NULL,
        release_id TEXT,
        forwarded_from TEXT,
        sensitive INTEGER NOT NULL,
        demo INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        revision TEXT NOT NULL,
        raw TEXT
      );
      CREATE INDEX items_published ON items (published_ms, id);
      CREATE INDEX items_side_published ON items (side, published_ms);
      CREATE INDEX items_source ON items (source_id, published_ms);
      CREATE INDEX items_release ON items (release_id) WHERE release_id IS NOT NULL;
      CREATE INDEX items_views ON items (views, published_ms, id);
      CREATE INDEX items_content_hash ON items (content_hash);

      CREATE TABLE item_frames (
        frame_id TEXT NOT NULL,
        item_rowid INTEGER NOT NULL REFERENCES items (rowid) ON DELETE CASCADE,
        PRIMARY KEY (frame_id, item_rowid)
      ) WITHOUT ROWID;
      CREATE INDEX item_frames_item ON item_frames (item_rowid);

      -- Contentless: the indexed text is the folded token stream (see store/text.ts); snippets are
      -- cut from items.text, so the index need not keep a second copy of every text.
      CREATE VIRTUAL TABLE items_fts USING fts5 (
        title, text,
        content = '',
        contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
      );

      CREATE TABLE snapshots (
        item_id TEXT NOT NULL,
        at TEXT NOT NULL,
        views INTEGER,
        forwards INTEGER,
        reactions INTEGER,
        comments INTEGER,
        PRIMARY KEY (item_id, at)
      ) WITHOUT ROWID;

      CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        handle TEXT,
        url TEXT,
        name TEXT NOT NULL,
        side TEXT NOT NULL,
        type TEXT NOT NULL,
        country TEXT,
        lang TEXT,
        schedule TEXT,
        enabled INTEGER NOT NULL,
        demo INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'source flags, run status and collector state',
    sql: `
      ALTER TABLE sources ADD COLUMN release_source INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sources ADD COLUMN sensitive INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sources ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sources ADD COLUMN last_run_at TEXT;
      ALTER TABLE sources ADD COLUMN last_run_status TEXT;
      ALTER TABLE sources ADD COLUMN last_error TEXT;
      ALTER TABLE sources ADD COLUMN items_collected INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sources ADD COLUMN collector_state TEXT NOT NULL DEFAULT '{}';
    `,
  },
  {
    version: 3,
    name: 'users, sessions, API tokens, audit log',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        disabled INTEGER NOT NULL,
        password_hash TEXT NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        sessions_not_before TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_login_at TEXT
      );
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX sessions_user ON sessions (user_id);
      CREATE INDEX sessions_expires ON sessions (expires_at);
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        scopes TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_by TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        last_used_at TEXT
      );
      CREATE TABLE audit_log (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        actor_kind TEXT,
        actor_id TEXT,
        actor_name TEXT,
        action TEXT NOT NULL,
        target_type TEXT,
        target_id TEXT,
        detail TEXT NOT NULL,
        ip TEXT
      );
      CREATE INDEX audit_at ON audit_log (at, id);
      CREATE INDEX audit_action ON audit_log (action, at, id);
      CREATE INDEX audit_actor ON audit_log (actor_id, at, id);
    `,
  },
  { version: 4, name: 'alert rules, alerts, alert deliveries', sql: ALERTS_MIGRATION_SQL },
  {
    version: 7,
    name: 'framing codebook versions',
    sql: `
      CREATE TABLE codebooks (
        version TEXT PRIMARY KEY,
        codebook TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        saved_by TEXT NOT NULL
      );
      CREATE INDEX codebooks_saved ON codebooks (saved_at);
    `,
  },
  {
    version: 5,
    name: 'saved views and event markers',
    sql: `
      CREATE TABLE saved_views (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        query TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        owner_name TEXT NOT NULL,
        shared INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX saved_views_owner ON saved_views (owner_id);
      CREATE TABLE event_markers (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        label TEXT NOT NULL,
        description TEXT,
        sides TEXT NOT NULL,
        created_by_id TEXT NOT NULL,
        created_by_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX event_markers_at ON event_markers (at, id);
    `,
  },
  {
    version: 6,
    name: 'briefings',
    sql: `
      CREATE TABLE briefings (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX briefings_created ON briefings (created_at, id);
    `,
  },
  {
    version: 8,
    name: 'locks shared by instances (scheduled ticks)',
    sql: `
      CREATE TABLE locks (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_ms INTEGER NOT NULL,
        acquired_at TEXT NOT NULL
      );
      CREATE INDEX locks_expires ON locks (expires_ms);
    `,
  },
  {
    version: 9,
    name: 'links of items',
    sql: `ALTER TABLE items ADD COLUMN links TEXT NOT NULL DEFAULT '[]';`,
  },
];
