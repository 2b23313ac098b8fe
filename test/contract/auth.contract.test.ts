/**
 * The auth repository gives the same answers on both adapters: users, sessions, tokens, audit
 * paging. Each backend answers the same script; the results are compared with each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuthRepository, UserRecord } from '../../server/store/auth/port.js';
import { userIdFor } from '../../server/store/auth/port.js';
import type { Store } from '../../server/store/port.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../helpers/stores.js';

const T0 = Date.parse('2026-02-01T10:00:00.000Z');
const at = (sec: number) => new Date(T0 + sec * 1000).toISOString();

function aUser(username: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: userIdFor(username),
    username,
    role: 'viewer',
    disabled: false,
    createdAt: at(0),
    updatedAt: at(0),
    lastLoginAt: null,
    passwordHash: 'scrypt$32768$8$1$c2FsdA$aGFzaA',
    failedLogins: 0,
    lockedUntil: null,
    sessionsNotBefore: at(0),
    ...overrides,
  };
}

function anEntry(n: number, action: string, actorId: string | null): AuditEntry {
  return {
    id: `entry-${String(n).padStart(3, '0')}`,
    // Pairs of entries share an instant so paging must break ties on id.
    at: at(Math.floor(n / 2)),
    actor: actorId ? { kind: 'user', id: actorId, name: actorId } : null,
    action,
    target: n % 3 === 0 ? { type: 'source', id: `s${n}` } : null,
    detail: { n, nested: { list: [1, 'two'] } },
    ip: n % 2 === 0 ? '127.0.0.1' : null,
  };
}

/** Runs one script of calls and returns everything it observed. */
async function script(store: Store): Promise<unknown[]> {
  const repo: AuthRepository = store.auth;
  const seen: unknown[] = [];
  const attempt = async (fn: () => Promise<unknown>) => {
    try {
      return await fn();
    } catch (error) {
      return { error: (error as { code?: string }).code };
    }
  };

  seen.push(await repo.countUsers());
  await repo.createUser(aUser('carol', { role: 'admin' }));
  await repo.createUser(aUser('alice'));
  await repo.createUser(aUser('bob', { role: 'analyst' }));
  seen.push(await attempt(() => repo.createUser(aUser('alice'))));
  seen.push(await repo.countUsers());
  seen.push((await repo.listUsers()).map((u) => [u.username, u.role]));
  seen.push(await repo.getUser(userIdFor('ALICE')));
  seen.push(await repo.updateUser(userIdFor('alice'), { role: 'analyst', failedLogins: 3, lockedUntil: at(900) }));
  seen.push(await repo.updateUser(userIdFor('alice'), { failedLogins: 0, lockedUntil: null }));
  seen.push(await attempt(() => repo.updateUser('u_missing', { role: 'admin' })));
  seen.push(await repo.getUser('u_missing'));

  const session = (id: string, user: string, expiresSec: number) => ({
    id,
    userId: userIdFor(user),
    csrfToken: `csrf-${id}`,
    createdAt: at(0),
    expiresAt: at(expiresSec),
  });
  await repo.createSession(session('s1', 'alice', 3600));
  await repo.createSession(session('s2', 'alice', 10));
  await repo.createSession(session('s3', 'bob', 3600));
  seen.push(await repo.getSession('s1'));
  seen.push(await repo.deleteExpiredSessions(new Date(T0 + 60_000)));
  seen.push(await repo.getSession('s2'));
  seen.push(await repo.deleteUserSessions(userIdFor('alice')));
  seen.push(await repo.getSession('s1'));
  await repo.deleteSession('s-none');

  const token = (id: string, createdSec: number, createdBy: string | null) => ({
    id,
    label: `label ${id}`,
    scopes: ['ingest' as const, 'read' as const],
    createdBy,
    createdAt: at(createdSec),
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    secretHash: `hash-${id}`,
  });
  await repo.createToken(token('a'.repeat(24), 1, userIdFor('bob')));
  await repo.createToken(token('b'.repeat(24), 2, null));
  seen.push(await attempt(() => repo.createToken(token('b'.repeat(24), 3, null))));
  seen.push(await repo.getToken('a'.repeat(24)));
  seen.push(await repo.updateToken('b'.repeat(24), { revokedAt: at(5) }));
  seen.push(await repo.updateToken('b'.repeat(24), { lastUsedAt: at(6) }));
  seen.push(await attempt(() => repo.updateToken('c'.repeat(24), { revokedAt: at(5) })));
  // lastUsedAt is bookkeeping: lists show it once writes are visible (immediately on SQLite, after sync on Elasticsearch).
  await store.sync();
  seen.push(await repo.listTokens());

  // Deleting bob removes his sessions and the tokens he created.
  await repo.deleteUser(userIdFor('bob'));
  seen.push(await attempt(() => repo.deleteUser(userIdFor('bob'))));
  seen.push(await repo.getSession('s3'));
  seen.push(await repo.getToken('a'.repeat(24)));
  await store.sync();
  seen.push((await repo.listTokens()).map((t) => t.id));
  seen.push((await repo.listUsers()).map((u) => u.username));

  for (let n = 0; n < 9; n++)
    await repo.appendAudit(anEntry(n, n % 2 === 0 ? 'auth.login' : 'source.update', n < 6 ? 'alice' : null));
  await store.sync();
  const pages: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await repo.listAudit({ limit: 4, ...(cursor && { cursor }) });
    pages.push({ total: page.total, ids: page.entries.map((e) => e.id) });
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  seen.push(pages);
  seen.push(await repo.listAudit({ limit: 2, action: 'source.update' }));
  seen.push((await repo.listAudit({ limit: 10, actorId: 'alice', action: 'auth.login' })).entries.map((e) => e.id));
  seen.push(await attempt(() => repo.listAudit({ limit: 2, cursor: 'bm90LWEtY3Vyc29y' })));
  return seen;
}

describe('auth repository contract', () => {
  const stores: TestStore[] = [];
  const results: Record<string, unknown[]> = {};

  beforeAll(async () => {
    const sqlite = await sqliteTestStore();
    const elasticsearch = await elasticsearchTestStore();
    stores.push(sqlite, elasticsearch);
    results.sqlite = await script(sqlite.store);
    results.elasticsearch = await script(elasticsearch.store);
  });
  afterAll(async () => {
    for (const s of stores) await s.dispose();
  });

  it('answers the same on SQLite and Elasticsearch', () => {
    expect(results.elasticsearch).toEqual(results.sqlite);
  });

  it('answers what the port promises', () => {
    const r = results.sqlite as unknown[];
    expect(r[0]).toBe(0);
    expect(r[1]).toEqual({ error: 'conflict' });
    expect(r[2]).toBe(3);
    expect(r[3]).toEqual([
      ['alice', 'viewer'],
      ['bob', 'analyst'],
      ['carol', 'admin'],
    ]);
    expect(r[4]).toMatchObject({ username: 'alice', passwordHash: expect.stringMatching(/^scrypt\$/u) });
    expect(r[5]).toMatchObject({ role: 'analyst', failedLogins: 3, lockedUntil: at(900) });
    expect(r[6]).toMatchObject({ failedLogins: 0, lockedUntil: null });
    expect(r[7]).toEqual({ error: 'not_found' });
    expect(r[8]).toBeNull();
    expect(r[9]).toMatchObject({ id: 's1', csrfToken: 'csrf-s1' });
    expect(r[10]).toBe(1);
    expect(r[11]).toBeNull();
    expect(r[12]).toBe(1);
    expect(r[13]).toBeNull();
    expect(r[14]).toEqual({ error: 'conflict' });
    expect(r[15]).toMatchObject({ secretHash: `hash-${'a'.repeat(24)}`, scopes: ['ingest', 'read'] });
    expect(r[16]).toMatchObject({ revokedAt: at(5), lastUsedAt: null });
    expect(r[16]).not.toHaveProperty('secretHash');
    expect(r[17]).toMatchObject({ revokedAt: at(5), lastUsedAt: at(6) });
    expect(r[18]).toEqual({ error: 'not_found' });
    expect((r[19] as { id: string }[]).map((t) => t.id)).toEqual(['b'.repeat(24), 'a'.repeat(24)]);
    expect(r[20]).toEqual({ error: 'not_found' });
    expect(r[21]).toBeNull();
    expect(r[22]).toBeNull();
    expect(r[23]).toEqual(['b'.repeat(24)]);
    expect(r[24]).toEqual(['alice', 'carol']);
    expect(r[25]).toEqual([
      { total: 9, ids: ['entry-008', 'entry-007', 'entry-006', 'entry-005'] },
      { total: 9, ids: ['entry-004', 'entry-003', 'entry-002', 'entry-001'] },
      { total: 9, ids: ['entry-000'] },
    ]);
    expect(r[26]).toMatchObject({
      total: 4,
      entries: [{ id: 'entry-007', detail: { n: 7, nested: { list: [1, 'two'] } } }, { id: 'entry-005' }],
    });
    expect(r[27]).toEqual(['entry-004', 'entry-002', 'entry-000']);
    expect(r[28]).toEqual({ error: 'validation_failed' });
  });
});
