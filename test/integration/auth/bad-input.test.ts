/**
 * Bad credentials, one test per category: forged, expired and replayed cookies; revoked, expired
 * and malformed tokens; wrong scope; CSRF; brute force; rate limits; path traversal in ids.
 * Always a clear 4xx in the one error shape, never a 500, never a stack or internal detail.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { SYSTEM } from '../../../server/auth/service.js';
import { anItem } from '../../helpers/factories.js';
import { signIn, TEST_PASSWORD, tokenHeaders, withHeaders } from '../../helpers/auth.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../../helpers/stores.js';

function expectClean(res: LightMyRequestResponse, status: number, code?: string): void {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json();
  expect(body).toEqual({ error: { code: code ?? expect.any(String), message: expect.any(String), statusCode: status } });
  expect(res.body).not.toMatch(/node_modules|\.ts:\d+|\bat [A-Za-z.]+ \(|stack|SQLITE|ResponseError/u);
}

describe.each([
  ['sqlite', sqliteTestStore],
  ['elasticsearch', elasticsearchTestStore],
] as const)('bad credentials on %s', (_backend, makeStore) => {
  let test: TestStore;
  let app: FastifyInstance;
  let now = Date.now();
  const me = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });

  beforeAll(async () => {
    test = await makeStore();
    app = await buildApp({ store: test.store, auth: { clock: () => new Date(now), sessionTtlMs: 3_600_000 } });
  });
  afterAll(async () => {
    await app?.close();
    await test?.dispose();
  });

  it('refuses forged cookies: a changed signature, an unsigned value, another secret', async () => {
    const user = await signIn(app, 'viewer');
    const [name, value] = user.cookie.split('=') as [string, string];
    const [secret, signature] = value.split('.') as [string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const other = await buildApp({ store: test.store, auth: { sessionSecret: 'another secret, thirty-two chars long!' } });
    try {
      const otherUser = await signIn(other, 'viewer');
      for (const cookie of [
        `${name}=${secret}.${flipped}`,
        `${name}=${secret}`,
        `${name}=${'A'.repeat(43)}.${signature}`,
        `${name}=`,
        `${name}=${'x'.repeat(5000)}`,
        otherUser.cookie,
      ]) {
        expectClean(await me({ cookie }), 401, 'unauthenticated');
      }
    } finally {
      await other.close();
    }
    expect((await me({ cookie: user.cookie })).statusCode).toBe(200);
  });

  it('refuses an expired session', async () => {
    const user = await signIn(app, 'viewer');
    expect((await me({ cookie: user.cookie })).statusCode).toBe(200);
    now += 3_600_001;
    try {
      expectClean(await me({ cookie: user.cookie }), 401, 'unauthenticated');
    } finally {
      now = Date.now();
    }
    // Once expired it is gone for good, even if the clock went back.
    expectClean(await me({ cookie: user.cookie }), 401, 'unauthenticated');
  });

  it('refuses a session cookie replayed after sign-out', async () => {
    const user = await signIn(app, 'analyst');
    expect((await user.inject({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expectClean(await me({ cookie: user.cookie }), 401, 'unauthenticated');
    expectClean(await user.inject({ method: 'POST', url: '/api/v1/items', payload: [anItem()] }), 401);
  });

  it('refuses revoked, expired and malformed tokens', async () => {
    const { token, secret } = await app.auth.createToken({ label: 'soon revoked', scopes: ['read'] }, SYSTEM);
    expect((await me({ authorization: `Bearer ${secret}` })).statusCode).toBe(200);
    await app.auth.revokeToken(token.id, SYSTEM);
    expectClean(await me({ authorization: `Bearer ${secret}` }), 401, 'unauthenticated');

    const expiring = await app.auth.createToken(
      { label: 'expiring', scopes: ['read'], expiresAt: new Date(now + 60_000).toISOString() },
      SYSTEM,
    );
    expect((await me({ authorization: `Bearer ${expiring.secret}` })).statusCode).toBe(200);
    now += 61_000;
    try {
      expectClean(await me({ authorization: `Bearer ${expiring.secret}` }), 401);
    } finally {
      now = Date.now();
    }

    const valid = (await tokenHeaders(app, ['read'])).authorization ?? '';
    const wrongSecret = `${valid.slice(0, -4)}${valid.endsWith('aaaa') ? 'bbbb' : 'aaaa'}`;
    for (const authorization of [
      wrongSecret,
      'Bearer fw_nothex_short',
      `Bearer fw_${'f'.repeat(24)}_${'A'.repeat(43)}`,
      'Bearer ',
      'Bearer',
      `Basic ${Buffer.from('admin:admin').toString('base64')}`,
      `Bearer ${'x'.repeat(10_000)}`,
      `Bearer fw_${'0'.repeat(24)}_${'A'.repeat(42)}'"; DROP TABLE users; --`,
    ]) {
      expectClean(await me({ authorization }), 401, 'unauthenticated');
    }
    // A bad bearer header is not rescued by a good cookie.
    const user = await signIn(app, 'viewer');
    expectClean(await me({ cookie: user.cookie, authorization: 'Bearer nope' }), 401);
  });

  it('refuses a token outside its scope with 403', async () => {
    const ingest = withHeaders(app, await tokenHeaders(app, ['ingest']));
    expectClean(await ingest({ method: 'GET', url: '/api/v1/items/anything' }), 403, 'forbidden');
    expectClean(await ingest({ method: 'DELETE', url: '/api/v1/sources/x' }), 403, 'forbidden');
    expectClean(await ingest({ method: 'GET', url: '/api/v1/audit' }), 403, 'forbidden');
    const read = withHeaders(app, await tokenHeaders(app, ['read']));
    expectClean(
      await read({ method: 'POST', url: '/api/v1/auth/tokens', payload: { label: 'x', scopes: ['admin'] } }),
      403,
      'forbidden',
    );
    expectClean(await read({ method: 'POST', url: '/api/v1/auth/logout' }), 403, 'forbidden');
  });

  it('refuses cookie-authenticated changes without the CSRF token, with a wrong one, or from another origin', async () => {
    const user = await signIn(app, 'analyst');
    const post = (headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/api/v1/items', headers: { cookie: user.cookie, ...headers }, payload: [anItem()] });
    expectClean(await post({}), 403, 'csrf_failed');
    expectClean(await post({ 'x-csrf-token': 'not-the-token' }), 403, 'csrf_failed');
    expectClean(await post({ 'x-csrf-token': `${user.csrfToken}x` }), 403, 'csrf_failed');
    expectClean(await post({ 'x-csrf-token': user.csrfToken, origin: 'https://evil.example' }), 403, 'csrf_failed');
    expectClean(await post({ 'x-csrf-token': user.csrfToken, origin: 'null' }), 403, 'csrf_failed');
    expectClean(await post({ 'x-csrf-token': user.csrfToken, 'sec-fetch-site': 'cross-site' }), 403, 'csrf_failed');
    // Another session's token does not fit this session.
    const other = await signIn(app, 'analyst');
    expectClean(await post({ 'x-csrf-token': other.csrfToken }), 403, 'csrf_failed');
    expect(
      (await post({ 'x-csrf-token': user.csrfToken, origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' })).statusCode,
    ).toBe(200);
    // Reads need no token; cross-site sign-in (login CSRF) is refused.
    expect((await app.inject({ method: 'GET', url: '/api/v1/sources', headers: { cookie: user.cookie } })).statusCode).toBe(200);
    const crossLogin = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'sec-fetch-site': 'cross-site' },
      payload: { username: user.username, password: TEST_PASSWORD },
    });
    expectClean(crossLogin, 403, 'csrf_failed');
  });

  it('locks a name after five failures without telling whether it exists, and unlocks after 15 minutes', async () => {
    const user = await signIn(app, 'viewer');
    const login = (username: string, password: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    for (const name of [user.username, `nobody-${Date.now()}`]) {
      const answers: string[] = [];
      for (let n = 0; n < 5; n++) {
        const res = await login(name, `wrong password ${n}`);
        expectClean(res, 401, 'invalid_credentials');
        answers.push(res.body);
      }
      expect(new Set(answers).size).toBe(1);
      const locked = await login(name, TEST_PASSWORD);
      expectClean(locked, 429, 'locked_out');
      expect(locked.json().error.message).toBe('too many failed sign-in attempts; try again later');
    }
    now += 15 * 60_000 + 1000;
    try {
      expect((await login(user.username, TEST_PASSWORD)).statusCode).toBe(200);
    } finally {
      now = Date.now();
    }
  });

  it('rate-limits sign-in per address and name, and the API per principal', async () => {
    const limited = await buildApp({ store: test.store, auth: { loginRateLimit: 3, lockoutThreshold: 100, apiRateLimit: 5 } });
    try {
      const login = (username: string) =>
        limited.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'wrong password!!' } });
      for (let n = 0; n < 3; n++) expect((await login('hammered')).statusCode).toBe(401);
      const blocked = await login('hammered');
      expectClean(blocked, 429, 'rate_limited');
      expect(blocked.headers['retry-after']).toBeDefined();
      expect((await login('someone-else')).statusCode).toBe(401);

      const a = withHeaders(limited, await tokenHeaders(limited, ['read']));
      const b = withHeaders(limited, await tokenHeaders(limited, ['read']));
      for (let n = 0; n < 5; n++) expect((await a({ method: 'GET', url: '/api/v1/sources' })).statusCode).toBe(200);
      expectClean(await a({ method: 'GET', url: '/api/v1/sources' }), 429, 'rate_limited');
      expect((await b({ method: 'GET', url: '/api/v1/sources' })).statusCode).toBe(200);
      expect((await limited.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('answers path traversal in ids with a clear 4xx', async () => {
    const admin = withHeaders(app, await tokenHeaders(app, ['admin']));
    for (const url of [
      '/api/v1/items/..%2F..%2Fetc',
      '/api/v1/items/..%2F..%2F..%2Fetc%2Fpasswd',
      '/api/v1/items/%2e%2e%2f%2e%2e%2fetc',
      '/api/v1/sources/..%2F..%2Fetc%2Fpasswd',
      '/api/v1/releases/..%2F..%2Fetc/spread',
      '/api/v1/users/..%2F..%2Fetc',
      '/api/v1/auth/tokens/..%2F..%2Fetc',
      '/api/v1/items/%00',
      '/api/v1/items/..%5C..%5Cwindows',
    ]) {
      const method = url.includes('/auth/tokens/') ? 'DELETE' : 'GET';
      const res = await admin({ method, url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expectClean(res, res.statusCode);
    }
    const traversal = await admin({ method: 'GET', url: '/api/v1/../../etc/passwd' });
    expect(traversal.statusCode).toBeLessThan(500);
    expect(traversal.body).not.toMatch(/root:/u);
  });
});
