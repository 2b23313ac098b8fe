/**
 * The auth repository on Elasticsearch: one index per record kind behind an alias, created by the
 * store's init() like the others. Reads by id are real-time GETs; lists are searches, so writes
 * that change a list wait for a refresh.
 */
import { errors, type Client, type estypes } from '@elastic/elasticsearch';
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

type Call = <T>(fn: () => Promise<T>) => Promise<T>;

const keyword = { type: 'keyword' } as const;
const secret = { type: 'keyword', index: false, doc_values: false } as const;
const date = { type: 'date', format: 'strict_date_optional_time' } as const;

const USER_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: keyword,
    username: keyword,
    role: keyword,
    disabled: { type: 'boolean' },
    passwordHash: secret,
    failedLogins: { type: 'integer' },
    lockedUntil: date,
    sessionsNotBefore: date,
    createdAt: date,
    updatedAt: date,
    lastLoginAt: date,
  },
};

const SESSION_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: { id: keyword, userId: keyword, csrfToken: secret, createdAt: date, expiresAt: date },
};

const TOKEN_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: keyword,
    label: keyword,
    scopes: keyword,
    secretHash: secret,
    createdBy: keyword,
    createdAt: date,
    expiresAt: date,
    revokedAt: date,
    lastUsedAt: date,
  },
};

const AUDIT_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: keyword,
    at: date,
    actor: { properties: { kind: keyword, id: keyword, name: keyword } },
    action: keyword,
    target: { properties: { type: keyword, id: keyword } },
    detail: { type: 'object', enabled: false },
    ip: keyword,
  },
};

/** Login bookkeeping changes no list an admin reads, so it does not wait for a refresh. */
const BOOKKEEPING = new Set<keyof UserPatch>(['failedLogins', 'lockedUntil', 'lastLoginAt', 'updatedAt']);

const isStatus = (error: unknown, status: number) => error instanceof errors.ResponseError && error.statusCode === status;

export class ElasticsearchAuthRepository implements AuthRepository {
  private readonly users: string;
  private readonly sessions: string;
  private readonly tokens: string;
  private readonly audit: string;

  constructor(
    private readonly client: Client,
    indexPrefix: string,
    private readonly call: Call,
  ) {
    this.users = `${indexPrefix}-users`;
    this.sessions = `${indexPrefix}-sessions`;
    this.tokens = `${indexPrefix}-tokens`;
    this.audit = `${indexPrefix}-audit`;
  }

  /** Aliases and mappings the store's init() creates. */
  indices(): [string, estypes.MappingTypeMapping][] {
    return [
      [this.users, USER_MAPPINGS],
      [this.sessions, SESSION_MAPPINGS],
      [this.tokens, TOKEN_MAPPINGS],
      [this.audit, AUDIT_MAPPINGS],
    ];
  }

  private async searchAll<T>(index: string, query: estypes.QueryDslQueryContainer, sort: estypes.Sort): Promise<T[]> {
    const r = await this.call(() => this.client.search<T>({ index, query, sort, size: 10_000 }));
    return r.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
  }

  private async deleteMatching(index: string, query: estypes.QueryDslQueryContainer): Promise<number> {
    // No delete-by-query on a core-only node: refresh, find the ids, delete them in bulk.
    let deleted = 0;
    await this.call(() => this.client.indices.refresh({ index }));
    for (let round = 0; round < 100; round++) {
      const r = await this.call(() => this.client.search({ index, query, size: 1000, _source: false }));
      const ids = r.hits.hits.flatMap((h) => (h._id ? [h._id] : []));
      if (ids.length === 0) break;
      await this.call(() =>
        this.client.bulk({ operations: ids.map((id) => ({ delete: { _index: index, _id: id } })), refresh: 'wait_for' }),
      );
      deleted += ids.length;
      if (ids.length < 1000) break;
    }
    return deleted;
  }

  async countUsers(): Promise<number> {
    const r = await this.call(() => this.client.count({ index: this.users }));
    return r.count;
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.searchAll<UserRecord>(this.users, { match_all: {} }, [{ username: 'asc' }]);
    return rows.map(publicUser);
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const r = await this.call(() => this.client.get<UserRecord>({ index: this.users, id }, { ignore: [404] }));
    return r.found && r._source ? r._source : null;
  }

  async createUser(user: UserRecord): Promise<void> {
    try {
      await this.call(() => this.client.create({ index: this.users, id: user.id, document: user, refresh: 'wait_for' }));
    } catch (error) {
      if (isStatus(error, 409)) throw new ConflictError(`user "${user.username}" already exists`);
      throw error;
    }
  }

  async updateUser(id: string, patch: UserPatch): Promise<UserRecord> {
    const doc = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const quiet = Object.keys(doc).every((k) => BOOKKEEPING.has(k as keyof UserPatch));
    try {
      const r = await this.call(() =>
        this.client.update<UserRecord, UserPatch, UserRecord>({
          index: this.users,
          id,
          doc,
          _source: true,
          refresh: quiet ? false : 'wait_for',
        }),
      );
      if (!r.get?._source) throw new NotFoundError('user', id);
      return r.get._source;
    } catch (error) {
      if (isStatus(error, 404)) throw new NotFoundError('user', id);
      throw error;
    }
  }

  async deleteUser(id: string): Promise<void> {
    const r = await this.call(() => this.client.delete({ index: this.users, id, refresh: 'wait_for' }, { ignore: [404] }));
    if (r.result === 'not_found') throw new NotFoundError('user', id);
    await this.deleteMatching(this.sessions, { term: { userId: id } });
    await this.deleteMatching(this.tokens, { term: { createdBy: id } });
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.call(() => this.client.create({ index: this.sessions, id: session.id, document: session }));
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const r = await this.call(() => this.client.get<SessionRecord>({ index: this.sessions, id }, { ignore: [404] }));
    return r.found && r._source ? r._source : null;
  }

  async deleteSession(id: string): Promise<void> {
    await this.call(() => this.client.delete({ index: this.sessions, id }, { ignore: [404] }));
  }

  async deleteUserSessions(userId: string): Promise<number> {
    return this.deleteMatching(this.sessions, { term: { userId } });
  }

  async deleteExpiredSessions(now: Date): Promise<number> {
    return this.deleteMatching(this.sessions, { range: { expiresAt: { lte: now.toISOString() } } });
  }

  async createToken(token: ApiTokenRecord): Promise<void> {
    try {
      await this.call(() => this.client.create({ index: this.tokens, id: token.id, document: token, refresh: 'wait_for' }));
    } catch (error) {
      if (isStatus(error, 409)) throw new ConflictError(`token "${token.id}" already exists`);
      throw error;
    }
  }

  async getToken(id: string): Promise<ApiTokenRecord | null> {
    const r = await this.call(() => this.client.get<ApiTokenRecord>({ index: this.tokens, id }, { ignore: [404] }));
    return r.found && r._source ? r._source : null;
  }

  async listTokens(): Promise<ApiToken[]> {
    const rows = await this.searchAll<ApiTokenRecord>(this.tokens, { match_all: {} }, [{ createdAt: 'desc' }, { id: 'desc' }]);
    return rows.map(publicToken);
  }

  async updateToken(id: string, patch: ApiTokenPatch): Promise<ApiToken> {
    const doc = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    try {
      const r = await this.call(() =>
        this.client.update<ApiTokenRecord, ApiTokenPatch, ApiTokenRecord>({
          index: this.tokens,
          id,
          doc,
          _source: true,
          refresh: patch.revokedAt !== undefined ? 'wait_for' : false,
        }),
      );
      if (!r.get?._source) throw new NotFoundError('token', id);
      return publicToken(r.get._source);
    } catch (error) {
      if (isStatus(error, 404)) throw new NotFoundError('token', id);
      throw error;
    }
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.call(() => this.client.index({ index: this.audit, id: entry.id, document: entry }));
  }

  async listAudit(query: AuditQuery): Promise<AuditPage> {
    const filter: estypes.QueryDslQueryContainer[] = [];
    if (query.action) filter.push({ term: { action: query.action } });
    if (query.actorId) filter.push({ term: { 'actor.id': query.actorId } });
    const searchAfter = query.cursor ? decodeAuditCursor(query.cursor, decodeCursor) : null;
    const r = await this.call(() =>
      this.client.search<AuditEntry>({
        index: this.audit,
        query: { bool: { filter } },
        sort: [{ at: 'desc' }, { id: 'desc' }],
        size: query.limit + 1,
        track_total_hits: true,
        ...(searchAfter && { search_after: [Date.parse(searchAfter[0]), searchAfter[1]] }),
      }),
    );
    const rows = r.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
    const entries = rows.slice(0, query.limit);
    const last = entries.at(-1);
    const total = typeof r.hits.total === 'number' ? r.hits.total : (r.hits.total?.value ?? 0);
    return { total, entries, nextCursor: rows.length > query.limit && last ? encodeCursor([last.at, last.id]) : null };
  }

  /** Makes every acknowledged auth write visible to lists (tests, the store's sync()). */
  async sync(): Promise<void> {
    await this.call(() => this.client.indices.refresh({ index: [this.users, this.sessions, this.tokens, this.audit] }));
  }
}
