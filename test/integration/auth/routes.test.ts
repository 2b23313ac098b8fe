/**
 * Every registered route refuses anonymous requests with 401 in the one error shape, except the
 * public list: probes, sign-in, the API description and the static client.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../../helpers/stores.js';

/** The only routes anyone may call without credentials. */
const PUBLIC = [/^\/healthz$/u, /^\/readyz$/u, /^\/api\/v1\/auth\/login$/u, /^\/docs(\/.*)?$/u, /^\/\*?$/u];
const isPublic = (url: string) => PUBLIC.some((p) => p.test(url));

describe.each([
  ['sqlite', sqliteTestStore],
  ['elasticsearch', elasticsearchTestStore],
] as const)('route protection on %s', (_backend, makeStore) => {
  let test: TestStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    test = await makeStore();
    app = await buildApp({ store: test.store });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await test?.dispose();
  });

  it('knows every route fastify registered', () => {
    // printRoutes lists each path once; every one of them has a policy.
    const printed = app.printRoutes({ commonPrefix: false });
    for (const { url } of app.routePolicies) expect(printed).toContain(url.split('/').filter(Boolean).at(-1) ?? '/');
    expect(app.routePolicies.length).toBeGreaterThan(30);
    expect(app.routePolicies.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['POST /api/v1/items', 'GET /api/v1/users', 'GET /api/v1/audit', 'DELETE /api/v1/sources/:id']),
    );
  });

  it('refuses anonymous requests on every non-public route with 401, and only the public list is public', async () => {
    const checked: string[] = [];
    for (const { method, url, policy } of app.routePolicies) {
      expect(policy.public === true, `${method} ${url} public?`).toBe(isPublic(url));
      if (isPublic(url)) continue;
      const path = url.replace(/:[A-Za-z]+/gu, 'x').replace(/\*/gu, 'x');
      const res = await app.inject({
        method: method as 'GET',
        url: path,
        ...(method !== 'GET' && method !== 'HEAD' && method !== 'DELETE' && { payload: {} }),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      if (method !== 'HEAD') {
        expect(res.json(), `${method} ${url}`).toEqual({
          error: { code: 'unauthenticated', message: expect.any(String), statusCode: 401 },
        });
      }
      checked.push(`${method} ${url}`);
    }
    expect(checked.length).toBeGreaterThan(25);
  });

  it('refuses anonymous probing of unknown API paths, and serves the public ones', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/no-such-thing' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/no-such-thing', payload: {} })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    // Whichever client is served (the built dashboard or the placeholder), its script loads anonymously.
    const script = /<script[^>]+src="([^"]+)"/u.exec(page.body)?.[1];
    expect(script).toBeDefined();
    expect((await app.inject({ method: 'GET', url: script ?? '' })).statusCode).toBe(200);
  });
});
