/**
 * Sign-in, roles, API tokens, users administration, the audit log and the security headers, over
 * the real HTTP app on both stores.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { anItem, aSource } from '../../helpers/factories.js';
import { sessionCookie, signIn, TEST_PASSWORD, tokenHeaders, withHeaders, type SignedIn } from '../../helpers/auth.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../../helpers/stores.js';

describe.each([
  ['sqlite', sqliteTestStore],
  ['elasticsearch', elasticsearchTestStore],
] as const)('auth on %s', (_backend, makeStore) => {
  let test: TestStore;
  let app: FastifyInstance;
  let admin: SignedIn;

  beforeAll(async () => {
    test = await makeStore();
    app = await buildApp({ store: test.store });
    admin = await signIn(app, 'admin');
  });
  afterAll(async () => {
    await app?.close();
    await test?.dispose();
  });

  it('signs in with a signed httpOnly SameSite=Strict cookie, says who is asking, and signs out', async () => {
    const viewer = await signIn(app, 'viewer');
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: viewer.username.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^fw_session=[^;]+\.[^;]+;/u);
    expect(setCookie).toMatch(/HttpOnly/u);
    expect(setCookie).toMatch(/SameSite=Strict/u);
    expect(login.json()).toMatchObject({ user: { username: viewer.username, role: 'viewer' }, csrfToken: expect.any(String) });
    expect(login.json().user).not.toHaveProperty('passwordHash');

    const me = await viewer.inject({ method: 'GET', url: '/api/v1/auth/me' });
    expect(me.json()).toMatchObject({ principal: { kind: 'user', name: viewer.username, role: 'viewer', scopes: ['read'] } });
    expect(me.json().csrfToken).toBe(viewer.csrfToken);

    expect((await viewer.inject({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expect((await viewer.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });

  it('rotates the session on sign-in: the cookie sent along stops working', async () => {
    const user = await signIn(app, 'analyst');
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { cookie: user.cookie },
      payload: { username: user.username, password: TEST_PASSWORD },
    });
    expect(again.statusCode).toBe(200);
    expect(sessionCookie(again)).not.toBe(user.cookie);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: user.cookie } })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: sessionCookie(again) } })).statusCode,
    ).toBe(200);
  });

  it('lets viewers read, analysts change sources and items, and only admins manage users', async () => {
    const viewer = await signIn(app, 'viewer');
    const analyst = await signIn(app, 'analyst');
    expect((await viewer.inject({ method: 'GET', url: '/api/v1/sources' })).statusCode).toBe(200);
    const denied = await viewer.inject({ method: 'POST', url: '/api/v1/sources', payload: aSource() });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'forbidden', statusCode: 403 });
    expect((await viewer.inject({ method: 'POST', url: '/api/v1/items', payload: [anItem()] })).statusCode).toBe(403);
    expect((await analyst.inject({ method: 'POST', url: '/api/v1/sources', payload: aSource() })).statusCode).toBe(201);
    expect((await analyst.inject({ method: 'POST', url: '/api/v1/items', payload: [anItem()] })).statusCode).toBe(200);
    for (const who of [viewer, analyst]) {
      expect((await who.inject({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(403);
      expect((await who.inject({ method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(403);
      expect(
        (await who.inject({ method: 'POST', url: '/api/v1/auth/tokens', payload: { label: 'x', scopes: ['read'] } })).statusCode,
      ).toBe(403);
    }
  });

  it('issues API tokens shown once, limited by scope, listed without secrets, and revocable', async () => {
    const created = await admin.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      payload: { label: 'pipeline', scopes: ['ingest'] },
    });
    expect(created.statusCode).toBe(201);
    const { token, secret } = created.json();
    expect(secret).toMatch(/^fw_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/u);
    const ingest = withHeaders(app, { authorization: `Bearer ${secret}` });
    expect((await ingest({ method: 'POST', url: '/api/v1/items', payload: [anItem()] })).statusCode).toBe(200);
    expect((await ingest({ method: 'GET', url: '/api/v1/search' })).statusCode).toBe(403);
    expect((await ingest({ method: 'POST', url: '/api/v1/sources', payload: aSource() })).statusCode).toBe(403);

    const read = withHeaders(app, await tokenHeaders(app, ['read']));
    expect((await read({ method: 'GET', url: '/api/v1/search' })).statusCode).toBe(200);
    expect((await read({ method: 'POST', url: '/api/v1/items', payload: [anItem()] })).statusCode).toBe(403);
    expect((await read({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(403);

    const adminToken = withHeaders(app, await tokenHeaders(app, ['admin']));
    expect((await adminToken({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(200);
    // Token requests need no CSRF header: no browser sends them on its own.
    expect((await adminToken({ method: 'POST', url: '/api/v1/sources', payload: aSource() })).statusCode).toBe(201);

    await test.store.sync();
    const list = (await admin.inject({ method: 'GET', url: '/api/v1/auth/tokens' })).json();
    const listed = list.tokens.find((t: { id: string }) => t.id === token.id);
    expect(listed).toMatchObject({ label: 'pipeline', scopes: ['ingest'], revokedAt: null, lastUsedAt: expect.any(String) });
    expect(JSON.stringify(list)).not.toContain(secret.slice(28));
    expect(JSON.stringify(list)).not.toMatch(/secretHash/u);

    const revoked = await admin.inject({ method: 'DELETE', url: `/api/v1/auth/tokens/${token.id}` });
    expect(revoked.json().revokedAt).toEqual(expect.any(String));
    expect((await ingest({ method: 'POST', url: '/api/v1/items', payload: [anItem()] })).statusCode).toBe(401);
  });

  it('accepts one fresh token on many concurrent requests (a script opening many sockets at once)', async () => {
    const read = withHeaders(app, await tokenHeaders(app, ['read']));
    const answers = await Promise.all(Array.from({ length: 30 }, () => read({ method: 'GET', url: '/api/v1/sources' })));
    expect(answers.map((a) => a.statusCode)).toEqual(answers.map(() => 200));
    await test.store.sync();
    const list = (await admin.inject({ method: 'GET', url: '/api/v1/auth/tokens' })).json();
    expect(list.tokens.some((t: { lastUsedAt: string | null }) => t.lastUsedAt !== null)).toBe(true);
  });

  it('administers users: create with a generated password, change role, disable, reset, delete', async () => {
    const created = await admin.inject({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'Dana.Analyst', role: 'viewer' },
    });
    expect(created.statusCode).toBe(201);
    const { user, password } = created.json();
    expect(user).toMatchObject({ username: 'dana.analyst', role: 'viewer', disabled: false });
    expect(password).toHaveLength(24);
    expect(
      (await admin.inject({ method: 'POST', url: '/api/v1/users', payload: { username: 'dana.analyst', role: 'viewer' } }))
        .statusCode,
    ).toBe(409);
    expect(
      (
        await admin.inject({
          method: 'POST',
          url: '/api/v1/users',
          payload: { username: 'short', role: 'viewer', password: 'short' },
        })
      ).statusCode,
    ).toBe(400);

    const login = () =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'dana.analyst', password } });
    const first = await login();
    expect(first.statusCode).toBe(200);
    const dana = { cookie: sessionCookie(first) };

    const promoted = await admin.inject({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { role: 'analyst' } });
    expect(promoted.json().role).toBe('analyst');
    // Roles are read per request: the open session acts as analyst at once.
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: dana })).json().principal.role).toBe('analyst');

    await admin.inject({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { disabled: true } });
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: dana })).statusCode).toBe(401);
    expect((await login()).statusCode).toBe(401);
    await admin.inject({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { disabled: false } });

    const reset = await admin.inject({ method: 'POST', url: `/api/v1/users/${user.id}/password`, payload: {} });
    expect(reset.json().password).toHaveLength(24);
    expect((await login()).statusCode).toBe(401);
    const withNew = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'dana.analyst', password: reset.json().password },
    });
    expect(withNew.statusCode).toBe(200);

    await test.store.sync();
    const users = (await admin.inject({ method: 'GET', url: '/api/v1/users' })).json().users;
    expect(users.map((u: { username: string }) => u.username)).toContain('dana.analyst');
    expect(JSON.stringify(users)).not.toMatch(/scrypt|passwordHash/u);

    expect((await admin.inject({ method: 'DELETE', url: `/api/v1/users/${user.id}` })).statusCode).toBe(204);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: sessionCookie(withNew) } })).statusCode,
    ).toBe(401);
    expect((await admin.inject({ method: 'GET', url: `/api/v1/users/${user.id}` })).statusCode).toBe(404);
  });

  it('keeps at least one active admin', async () => {
    await test.store.sync();
    const admins = (await admin.inject({ method: 'GET', url: '/api/v1/users' }))
      .json()
      .users.filter((u: { role: string; disabled: boolean }) => u.role === 'admin' && !u.disabled);
    for (const other of admins.filter((u: { id: string }) => u.id !== admin.userId)) {
      await admin.inject({ method: 'DELETE', url: `/api/v1/users/${other.id}` });
    }
    const demote = await admin.inject({ method: 'PATCH', url: `/api/v1/users/${admin.userId}`, payload: { role: 'viewer' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.message).toMatch(/last active admin/u);
  });

  it('audits sign-ins, failures, user, token and source changes, newest first with paging', async () => {
    const source = aSource();
    await admin.inject({ method: 'POST', url: '/api/v1/sources', payload: source });
    await admin.inject({ method: 'PATCH', url: `/api/v1/sources/${source.id}`, payload: { enabled: false } });
    await admin.inject({ method: 'DELETE', url: `/api/v1/sources/${source.id}` });
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: admin.username, password: 'wrong password!' },
    });
    await test.store.sync();

    const all = (await admin.inject({ method: 'GET', url: '/api/v1/audit?limit=500' })).json();
    const actions = new Set(all.entries.map((e: { action: string }) => e.action));
    for (const action of [
      'auth.login',
      'auth.login_failed',
      'auth.logout',
      'user.create',
      'user.update',
      'user.password_reset',
      'user.delete',
      'token.create',
      'token.revoke',
      'source.create',
      'source.update',
      'source.delete',
    ]) {
      expect(actions, action).toContain(action);
    }
    const sourceEntries = (await admin.inject({ method: 'GET', url: '/api/v1/audit?action=source.update' })).json().entries;
    expect(sourceEntries[0]).toMatchObject({
      actor: { kind: 'user', id: admin.userId, name: admin.username },
      target: { type: 'source', id: source.id },
      detail: { fields: ['enabled'] },
      ip: expect.any(String),
    });
    const failed = (await admin.inject({ method: 'GET', url: '/api/v1/audit?action=auth.login_failed' })).json().entries[0];
    expect(failed).toMatchObject({ actor: null, detail: { username: admin.username, reason: 'wrong_password' } });
    expect(JSON.stringify(failed)).not.toContain('wrong password!');

    const ids: string[] = [];
    let cursor = '';
    do {
      const page = (await admin.inject({ method: 'GET', url: `/api/v1/audit?limit=7${cursor && `&cursor=${cursor}`}` })).json();
      expect(page.total).toBe(all.total);
      ids.push(...page.entries.map((e: { id: string }) => e.id));
      cursor = page.nextCursor ?? '';
    } while (cursor);
    expect(ids).toEqual(all.entries.map((e: { id: string }) => e.id));
    const ats = all.entries.map((e: { at: string }) => e.at);
    expect([...ats].sort().reverse()).toEqual(ats);
  });

  it('sends security headers with a strict Content-Security-Policy, and the page uses no inline script', async () => {
    for (const url of ['/', '/api/v1/auth/me', '/healthz']) {
      const res = await app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toMatch(/default-src 'self'/u);
      expect(csp).toMatch(/script-src 'self'(;|$)/u);
      expect(csp).toMatch(/frame-ancestors 'none'/u);
      expect(csp).toMatch(/object-src 'none'/u);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/u);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    const docs = await app.inject({ method: 'GET', url: '/docs/static/index.html' });
    expect(String(docs.headers['content-security-policy'])).toMatch(/script-src 'self'(;|$)/u);

    const html = readFileSync(new URL('../../../client/public/index.html', import.meta.url), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gu)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\/[^"]+"/u);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/u);
    expect(html).not.toMatch(/style=/u);
  });
});
