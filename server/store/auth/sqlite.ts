/** The auth repository on the embedded store: tables users, sessions, api_tokens, audit_log (migration 3). */
import type Database from 'better-sqlite3';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor } from '../shared.js';
import type {
  ApiToken,
  ApiTokenPatch,
  ApiTokenRecord,
  AuditEntry,
  AuditPage,
  AuditQuery,
  AuthRepository,
  SessionRecord,
  User,
  UserPatch,
  UserRecord,
} from './port.js';
import { decodeAuditCursor, publicToken, publicUser } from './port.js';

type Row = Record<string, unknown>;
type Run = <T>(fn: (db: Database.Database) => T) => T;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const USER_COLUMNS: Record<keyof UserPatch, string> = {
  role: 'role',
  disabled: 'disabled',
  passwordHash: 'password_hash',
  failedLogins: 'failed_logins',
  lockedUntil: 'locked_until',
  lastLoginAt: 'last_login_at',
  sessionsNotBefore: 'sessions_not_before',
  updatedAt: 'updated_at',
};

function rowToUser(row: Row): UserRecord {
  return {
    id: String(row.id),
    username: String(row.username),
    role: row.role as UserRecord['role'],
    disabled: row.disabled === 1,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    lastLoginAt: str(row.last_login_at),
    passwordHash: String(row.password_hash),
    failedLogins: Number(row.failed_logins),
    lockedUntil: str(row.locked_until),
    sessionsNotBefore: String(row.sessions_not_before),
  };
}

function rowToToken(row: Row): ApiTokenRecord {
  return {
    id: String(row.id),
    label: String(row.label),
    scopes: JSON.parse(String(row.scopes)) as ApiTokenRecord['scopes'],
    createdBy: str(row.created_by),
    createdAt: String(row.created_at),
    expiresAt: str(row.expires_at),
    revokedAt: str(row.revoked_at),
    lastUsedAt: str(row.last_used_at),
    secretHash: String(row.secret_hash),
  };
}

function rowToAudit(row: Row): AuditEntry {
  return {
    id: String(row.id),
    at: String(row.at),
    actor:
      row.actor_id === null
        ? null
        : { kind: row.actor_kind as 'user' | 'token' | 'system', id: String(row.actor_id), name: String(row.actor_name) },
    action: String(row.action),
    target: row.target_id === null ? null : { type: String(row.target_type), id: String(row.target_id) },
    detail: JSON.parse(String(row.detail)) as Record<string, unknown>,
    ip: str(row.ip),
  };
}

const isUniqueViolation = (error: unknown) => String((error as { code?: string }).code ?? '').startsWith('SQLITE_CONSTRAINT');

export class SqliteAuthRepository implements AuthRepository {
  constructor(private readonly run: Run) {}

  async countUsers(): Promise<number> {
    return this.run((db) => (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n);
  }

  async listUsers(): Promise<User[]> {
    const rows = this.run((db) => db.prepare('SELECT * FROM users ORDER BY username').all()) as Row[];
    return rows.map((r) => publicUser(rowToUser(r)));
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const row = this.run((db) => db.prepare('SELECT * FROM users WHERE id = ?').get(id)) as Row | undefined;
    return row ? rowToUser(row) : null;
  }

  async createUser(user: UserRecord): Promise<void> {
    try {
      this.run((db) =>
        db
          .prepare(
            `INSERT INTO users (id, username, role, disabled, password_hash, failed_logins, locked_until, sessions_not_before, created_at, updated_at, last_login_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            user.id,
            user.username,
            user.role,
            user.disabled ? 1 : 0,
            user.passwordHash,
            user.failedLogins,
            user.lockedUntil,
            user.sessionsNotBefore,
            user.createdAt,
            user.updatedAt,
            user.lastLoginAt,
          ),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`user "${user.username}" already exists`);
      throw error;
    }
  }

  async updateUser(id: string, patch: UserPatch): Promise<UserRecord> {
    const entries = (Object.keys(USER_COLUMNS) as (keyof UserPatch)[]).filter((k) => patch[k] !== undefined);
    if (entries.length > 0) {
      const values = entries.map((k) => {
        const v = patch[k];
        return typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null);
      });
      const info = this.run((db) =>
        db.prepare(`UPDATE users SET ${entries.map((k) => `${USER_COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`).run(...values, id),
      );
      if (info.changes === 0) throw new NotFoundError('user', id);
    }
    const user = await this.getUser(id);
    if (!user) throw new NotFoundError('user', id);
    return user;
  }

  async deleteUser(id: string): Promise<void> {
    const changes = this.run((db) =>
      db.transaction(() => {
        db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
        db.prepare('DELETE FROM api_tokens WHERE created_by = ?').run(id);
        return db.prepare('DELETE FROM users WHERE id = ?').run(id).changes;
      })(),
    );
    if (changes === 0) throw new NotFoundError('user', id);
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.run((db) =>
      db
        .prepare('INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
        .run(s.id, s.userId, s.csrfToken, s.createdAt, s.expiresAt),
    );
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const row = this.run((db) => db.prepare('SELECT * FROM sessions WHERE id = ?').get(id)) as Row | undefined;
    if (!row) return null;
    return {
      id: String(row.id),
      userId: String(row.user_id),
      csrfToken: String(row.csrf_token),
      createdAt: String(row.created_at),
      expiresAt: String(row.expires_at),
    };
  }

  async deleteSession(id: string): Promise<void> {
    this.run((db) => db.prepare('DELETE FROM sessions WHERE id = ?').run(id));
  }

  async deleteUserSessions(userId: string): Promise<number> {
    return this.run((db) => db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes);
  }

  async deleteExpiredSessions(now: Date): Promise<number> {
    return this.run((db) => db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now.toISOString()).changes);
  }

  async createToken(t: ApiTokenRecord): Promise<void> {
    try {
      this.run((db) =>
        db
          .prepare(
            `INSERT INTO api_tokens (id, label, scopes, secret_hash, created_by, created_at, expires_at, revoked_at, last_used_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            t.id,
            t.label,
            JSON.stringify(t.scopes),
            t.secretHash,
            t.createdBy,
            t.createdAt,
            t.expiresAt,
            t.revokedAt,
            t.lastUsedAt,
          ),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`token "${t.id}" already exists`);
      throw error;
    }
  }

  async getToken(id: string): Promise<ApiTokenRecord | null> {
    const row = this.run((db) => db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id)) as Row | undefined;
    return row ? rowToToken(row) : null;
  }

  async listTokens(): Promise<ApiToken[]> {
    const rows = this.run((db) => db.prepare('SELECT * FROM api_tokens ORDER BY created_at DESC, id DESC').all()) as Row[];
    return rows.map((r) => publicToken(rowToToken(r)));
  }

  async updateToken(id: string, patch: ApiTokenPatch): Promise<ApiToken> {
    const sets: string[] = [];
    const values: (string | null)[] = [];
    if (patch.revokedAt !== undefined) {
      sets.push('revoked_at = ?');
      values.push(patch.revokedAt);
    }
    if (patch.lastUsedAt !== undefined) {
      sets.push('last_used_at = ?');
      values.push(patch.lastUsedAt);
    }
    if (sets.length > 0) {
      const info = this.run((db) => db.prepare(`UPDATE api_tokens SET ${sets.join(', ')} WHERE id = ?`).run(...values, id));
      if (info.changes === 0) throw new NotFoundError('token', id);
    }
    const token = await this.getToken(id);
    if (!token) throw new NotFoundError('token', id);
    return publicToken(token);
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    this.run((db) =>
      db
        .prepare(
          `INSERT INTO audit_log (id, at, actor_kind, actor_id, actor_name, action, target_type, target_id, detail, ip)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          e.id,
          e.at,
          e.actor?.kind ?? null,
          e.actor?.id ?? null,
          e.actor?.name ?? null,
          e.action,
          e.target?.type ?? null,
          e.target?.id ?? null,
          JSON.stringify(e.detail),
          e.ip,
        ),
    );
  }

  async listAudit(query: AuditQuery): Promise<AuditPage> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.action) {
      where.push('action = ?');
      params.push(query.action);
    }
    if (query.actorId) {
      where.push('actor_id = ?');
      params.push(query.actorId);
    }
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.run(
      (db) => (db.prepare(`SELECT count(*) AS n FROM audit_log ${filter}`).get(...params) as { n: number }).n,
    );
    const pageWhere = [...where];
    const pageParams = [...params];
    if (query.cursor) {
      const [at, id] = decodeAuditCursor(query.cursor, decodeCursor);
      pageWhere.push('(at < ? OR (at = ? AND id < ?))');
      pageParams.push(at, at, id);
    }
    const rows = this.run((db) =>
      db
        .prepare(
          `SELECT * FROM audit_log ${pageWhere.length > 0 ? `WHERE ${pageWhere.join(' AND ')}` : ''}
           ORDER BY at DESC, id DESC LIMIT ?`,
        )
        .all(...pageParams, query.limit + 1),
    ) as Row[];
    const entries = rows.slice(0, query.limit).map(rowToAudit);
    const last = entries.at(-1);
    return { total, entries, nextCursor: rows.length > query.limit && last ? encodeCursor([last.at, last.id]) : null };
  }
}
