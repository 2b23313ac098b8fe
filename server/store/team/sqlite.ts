/** Saved views and event markers on the embedded store: tables saved_views and event_markers (migration 5). */
import type Database from 'better-sqlite3';
import { NotFoundError } from '../../domain/errors.js';
import {
  compareViews,
  normalizeInstant,
  type EventMarker,
  type EventMarkerPatch,
  type MarkerQuery,
  type SavedView,
  type SavedViewPatch,
  type TeamRepository,
} from './port.js';

type Row = Record<string, unknown>;
type Run = <T>(fn: (db: Database.Database) => T) => T;

function rowToView(row: Row): SavedView {
  return {
    id: String(row.id),
    name: String(row.name),
    kind: row.kind as SavedView['kind'],
    query: JSON.parse(String(row.query)) as Record<string, string>,
    owner: { id: String(row.owner_id), name: String(row.owner_name) },
    shared: row.shared === 1,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

function rowToMarker(row: Row): EventMarker {
  return {
    id: String(row.id),
    at: String(row.at),
    label: String(row.label),
    description: row.description === null ? null : String(row.description),
    sides: JSON.parse(String(row.sides)) as string[],
    createdBy: { id: String(row.created_by_id), name: String(row.created_by_name) },
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

export class SqliteTeamRepository implements TeamRepository {
  constructor(private readonly run: Run) {}

  private writeView(db: Database.Database, v: SavedView): void {
    db.prepare(
      `INSERT OR REPLACE INTO saved_views (id, name, kind, query, owner_id, owner_name, shared, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(v.id, v.name, v.kind, JSON.stringify(v.query), v.owner.id, v.owner.name, v.shared ? 1 : 0, v.createdAt, v.updatedAt);
  }

  private writeMarker(db: Database.Database, m: EventMarker): void {
    db.prepare(
      `INSERT OR REPLACE INTO event_markers (id, at, label, description, sides, created_by_id, created_by_name, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      m.id,
      normalizeInstant(m.at),
      m.label,
      m.description,
      JSON.stringify(m.sides),
      m.createdBy.id,
      m.createdBy.name,
      m.createdAt,
      m.updatedAt,
    );
  }

  async createView(view: SavedView): Promise<void> {
    this.run((db) => this.writeView(db, view));
  }

  async getView(id: string): Promise<SavedView | null> {
    const row = this.run((db) => db.prepare('SELECT * FROM saved_views WHERE id = ?').get(id)) as Row | undefined;
    return row ? rowToView(row) : null;
  }

  async listViews(viewerId: string): Promise<SavedView[]> {
    const rows = this.run((db) =>
      db.prepare('SELECT * FROM saved_views WHERE owner_id = ? OR shared = 1').all(viewerId),
    ) as Row[];
    return rows.map(rowToView).sort(compareViews);
  }

  async updateView(id: string, patch: SavedViewPatch): Promise<SavedView> {
    return this.run((db) =>
      db.transaction(() => {
        const row = db.prepare('SELECT * FROM saved_views WHERE id = ?').get(id) as Row | undefined;
        if (!row) throw new NotFoundError('saved view', id);
        const next = { ...rowToView(row), ...patch };
        this.writeView(db, next);
        return next;
      })(),
    );
  }

  async deleteView(id: string): Promise<void> {
    const { changes } = this.run((db) => db.prepare('DELETE FROM saved_views WHERE id = ?').run(id));
    if (changes === 0) throw new NotFoundError('saved view', id);
  }

  async createMarker(marker: EventMarker): Promise<void> {
    this.run((db) => this.writeMarker(db, marker));
  }

  async getMarker(id: string): Promise<EventMarker | null> {
    const row = this.run((db) => db.prepare('SELECT * FROM event_markers WHERE id = ?').get(id)) as Row | undefined;
    return row ? rowToMarker(row) : null;
  }

  async listMarkers(query: MarkerQuery): Promise<EventMarker[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.from) {
      where.push('at >= ?');
      params.push(normalizeInstant(query.from));
    }
    if (query.to) {
      where.push('at < ?');
      params.push(normalizeInstant(query.to));
    }
    const sql = `SELECT * FROM event_markers ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at, id LIMIT ?`;
    const rows = this.run((db) => db.prepare(sql).all(...params, query.limit)) as Row[];
    return rows.map(rowToMarker);
  }

  async updateMarker(id: string, patch: EventMarkerPatch): Promise<EventMarker> {
    return this.run((db) =>
      db.transaction(() => {
        const row = db.prepare('SELECT * FROM event_markers WHERE id = ?').get(id) as Row | undefined;
        if (!row) throw new NotFoundError('event marker', id);
        const next = { ...rowToMarker(row), ...patch };
        next.at = normalizeInstant(next.at);
        this.writeMarker(db, next);
        return next;
      })(),
    );
  }

  async deleteMarker(id: string): Promise<void> {
    const { changes } = this.run((db) => db.prepare('DELETE FROM event_markers WHERE id = ?').run(id));
    if (changes === 0) throw new NotFoundError('event marker', id);
  }
}
