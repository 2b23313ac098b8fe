/** The alert repository on the embedded store: tables alert_rules, alerts, alert_deliveries (migration 4). */
import type Database from 'better-sqlite3';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor } from '../shared.js';
import type { Alert, AlertDelivery, AlertPage, AlertQuery, AlertRepository, AlertRule } from './port.js';

type Run = <T>(fn: (db: Database.Database) => T) => T;
type DocRow = { doc: string };

export const ALERTS_MIGRATION_SQL = `
  CREATE TABLE alert_rules (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    rule_id TEXT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    release_id TEXT,
    updated_at TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX alerts_updated ON alerts (updated_at, id);
  CREATE INDEX alerts_rule ON alerts (rule_id, updated_at);
  CREATE TABLE alert_deliveries (
    id TEXT PRIMARY KEY,
    alert_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX alert_deliveries_alert ON alert_deliveries (alert_id, created_at, id);
`;

const parse = <T>(row: DocRow | undefined): T | null => (row ? (JSON.parse(row.doc) as T) : null);

export class SqliteAlertRepository implements AlertRepository {
  constructor(private readonly run: Run) {}

  async listRules(): Promise<AlertRule[]> {
    const rows = this.run((db) => db.prepare('SELECT doc FROM alert_rules ORDER BY created_at, id').all()) as DocRow[];
    return rows.map((r) => JSON.parse(r.doc) as AlertRule);
  }

  async getRule(id: string): Promise<AlertRule | null> {
    return parse<AlertRule>(
      this.run((db) => db.prepare('SELECT doc FROM alert_rules WHERE id = ?').get(id)) as DocRow | undefined,
    );
  }

  async createRule(rule: AlertRule): Promise<void> {
    const inserted = this.run((db) =>
      db
        .prepare('INSERT INTO alert_rules (id, created_at, doc) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING')
        .run(rule.id, rule.createdAt, JSON.stringify(rule)),
    );
    if (inserted.changes === 0) throw new ConflictError(`alert rule "${rule.id}" already exists`);
  }

  async updateRule(rule: AlertRule): Promise<void> {
    const r = this.run((db) => db.prepare('UPDATE alert_rules SET doc = ? WHERE id = ?').run(JSON.stringify(rule), rule.id));
    if (r.changes === 0) throw new NotFoundError('alert rule', rule.id);
  }

  async deleteRule(id: string): Promise<void> {
    const r = this.run((db) => db.prepare('DELETE FROM alert_rules WHERE id = ?').run(id));
    if (r.changes === 0) throw new NotFoundError('alert rule', id);
  }

  async getAlert(id: string): Promise<Alert | null> {
    return parse<Alert>(this.run((db) => db.prepare('SELECT doc FROM alerts WHERE id = ?').get(id)) as DocRow | undefined);
  }

  async saveAlert(alert: Alert): Promise<void> {
    this.run((db) =>
      db
        .prepare(
          `INSERT INTO alerts (id, rule_id, status, severity, release_id, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status, severity = excluded.severity,
             updated_at = excluded.updated_at, doc = excluded.doc`,
        )
        .run(alert.id, alert.ruleId, alert.status, alert.severity, alert.releaseId, alert.updatedAt, JSON.stringify(alert)),
    );
  }

  async listAlerts(query: AlertQuery): Promise<AlertPage> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const conditions: [string, string | undefined][] = [
      ['rule_id', query.ruleId],
      ['status', query.status],
      ['severity', query.severity],
      ['release_id', query.releaseId],
    ];
    for (const [column, value] of conditions) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    const filterSql = where.length > 0 ? where.join(' AND ') : '1';
    const total = (
      this.run((db) => db.prepare(`SELECT count(*) AS n FROM alerts WHERE ${filterSql}`).get(...params)) as { n: number }
    ).n;
    let pageSql = filterSql;
    const pageParams = [...params];
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      pageSql += ' AND (updated_at < ? OR (updated_at = ? AND id < ?))';
      pageParams.push(String(at), String(at), String(id));
    }
    const rows = this.run((db) =>
      db
        .prepare(`SELECT doc FROM alerts WHERE ${pageSql} ORDER BY updated_at DESC, id DESC LIMIT ?`)
        .all(...pageParams, query.limit + 1),
    ) as DocRow[];
    const alerts = rows.slice(0, query.limit).map((r) => JSON.parse(r.doc) as Alert);
    const last = alerts.at(-1);
    return { total, alerts, nextCursor: rows.length > query.limit && last ? encodeCursor([last.updatedAt, last.id]) : null };
  }

  async saveDelivery(delivery: AlertDelivery): Promise<void> {
    this.run((db) =>
      db
        .prepare(
          `INSERT INTO alert_deliveries (id, alert_id, created_at, doc) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`,
        )
        .run(delivery.id, delivery.alertId, delivery.createdAt, JSON.stringify(delivery)),
    );
  }

  async listDeliveries(alertId: string): Promise<AlertDelivery[]> {
    const rows = this.run((db) =>
      db.prepare('SELECT doc FROM alert_deliveries WHERE alert_id = ? ORDER BY created_at, id').all(alertId),
    ) as DocRow[];
    return rows.map((r) => JSON.parse(r.doc) as AlertDelivery);
  }
}
