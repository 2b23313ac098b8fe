/**
 * The auth repository: users, sessions, API tokens and the audit log, behind the store port like
 * every other piece of data. One implementation per adapter (SQLite, Elasticsearch); the contract
 * suite pins that both give the same answers.
 */
import { createHash } from 'node:crypto';
import type { Role, TokenScope } from '../../auth/types.js';

export interface User {
  /** Derived from the username (see userIdFor), so lookups by name are direct reads. */
  id: string;
  /** Lower-case; usernames are case-insensitive. */
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

export interface UserRecord extends User {
  /** scrypt$N$r$p$salt$hash (see auth/passwords.ts). */
  passwordHash: string;
  failedLogins: number;
  lockedUntil: string | null;
  /** Sessions created before this instant are void (password reset, disable, role change). */
  sessionsNotBefore: string;
}

export type UserPatch = Partial<
  Pick<
    UserRecord,
    'role' | 'disabled' | 'passwordHash' | 'failedLogins' | 'lockedUntil' | 'lastLoginAt' | 'sessionsNotBefore' | 'updatedAt'
  >
>;

export interface SessionRecord {
  /** SHA-256 of the secret carried by the cookie; the secret itself is never stored. */
  id: string;
  userId: string;
  /** Synchronizer token a cookie-authenticated change must echo in X-CSRF-Token. */
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

export interface ApiToken {
  id: string;
  label: string;
  scopes: TokenScope[];
  /** User id of the admin who created it, or null for tokens created by the CLI or the system. */
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface ApiTokenRecord extends ApiToken {
  /** SHA-256 (hex) of the token's secret part. */
  secretHash: string;
}

export type ApiTokenPatch = Partial<Pick<ApiTokenRecord, 'revokedAt' | 'lastUsedAt'>>;

export interface AuditActor {
  kind: 'user' | 'token' | 'system';
  id: string;
  name: string;
}

/**
 * One audited event. `action` is dotted (auth.login, user.create, source.update, later
 * export.search, media.reveal); `detail` holds what the action needs to be understood later.
 */
export interface AuditEntry {
  id: string;
  at: string;
  actor: AuditActor | null;
  action: string;
  target: { type: string; id: string } | null;
  detail: Record<string, unknown>;
  ip: string | null;
}

export interface AuditQuery {
  limit: number;
  /** Opaque cursor from a previous page's nextCursor. */
  cursor?: string;
  action?: string;
  actorId?: string;
}

export interface AuditPage {
  total: number;
  /** Newest first (at desc, id desc). */
  entries: AuditEntry[];
  nextCursor: string | null;
}

export interface AuthRepository {
  countUsers(): Promise<number>;
  /** Sorted by username. */
  listUsers(): Promise<User[]>;
  getUser(id: string): Promise<UserRecord | null>;
  /** ConflictError when the username is taken. */
  createUser(user: UserRecord): Promise<void>;
  /** NotFoundError when the user does not exist. */
  updateUser(id: string, patch: UserPatch): Promise<UserRecord>;
  /** Deletes the user with their sessions and the tokens they created; NotFoundError when absent. */
  deleteUser(id: string): Promise<void>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  /** Idempotent. */
  deleteSession(id: string): Promise<void>;
  deleteUserSessions(userId: string): Promise<number>;
  deleteExpiredSessions(now: Date): Promise<number>;

  createToken(token: ApiTokenRecord): Promise<void>;
  getToken(id: string): Promise<ApiTokenRecord | null>;
  /** Newest first. */
  listTokens(): Promise<ApiToken[]>;
  /** NotFoundError when the token does not exist. */
  updateToken(id: string, patch: ApiTokenPatch): Promise<ApiToken>;

  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(query: AuditQuery): Promise<AuditPage>;
}

export const USERNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$';

export function normalizeUsername(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}

/** A user's id follows from the name: direct reads by name on both engines, and names stay unique. */
export function userIdFor(username: string): string {
  return `u_${createHash('sha256').update(normalizeUsername(username)).digest('hex').slice(0, 24)}`;
}

export function publicUser(record: UserRecord): User {
  return {
    id: record.id,
    username: record.username,
    role: record.role,
    disabled: record.disabled,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    lastLoginAt: record.lastLoginAt,
  };
}

export function publicToken(record: ApiTokenRecord): ApiToken {
  const { secretHash: _secretHash, ...token } = record;
  return token;
}

/** The audit page cursor: the (at, id) of the last entry of a page. */
export function decodeAuditCursor(cursor: string, decode: (c: string, n: number) => (string | number)[]): [string, string] {
  const [at, id] = decode(cursor, 2).map(String) as [string, string];
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/u.test(at) || Number.isNaN(Date.parse(at))) {
    // Same message as a malformed cursor: the client only needs to start again.
    decode('', 2);
  }
  return [at, id];
}
