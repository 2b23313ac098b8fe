/**
 * Rate limits beyond the sign-in and per-token cases of auth/bad-input: sessions of one user share
 * one budget (signing in again does not reset it), writes count like reads, a budget comes back
 * after its window, anonymous requests cannot spend a principal's budget, and limits are announced
 * in headers. (Socket messages have their own limit, tested in live/live.test.)
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { SYSTEM } from '../../../server/auth/service.js';
import { sessionCookie, TEST_PASSWORD, tokenHeaders, withHeaders } from '../../helpers/auth.js';
import { anItem } from '../../helpers/factories.js';
import { sqliteTestStore, type TestStore } from '../../helpers/stores.js';

const LIMIT = 4;
const WINDOW_MS = 1_500;
let test: TestStore;
let app: FastifyInstance;

beforeAll(async () => {
  test = await sqliteTestStore();
  app = await buildApp({
    store: test.store,
    auth: { apiRateLimit: LIMIT, rateLimitWindowMs: WINDOW_MS, loginRateLimit: 50, lockoutThreshold: 100 },
  });
  await app.auth.createUser({ username: 'limited-analyst', role: 'analyst', password: TEST_PASSWORD }, SYSTEM);
});
afterAll(async () => {
  await app?.close();
  await test?.dispose();
});

async function session(): Promise<Record<string, string>> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'limited-analyst', password: TEST_PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: sessionCookie(res), 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('API rate limits', () => {
  it('counts every session of one user against one budget, announces it, and restores it after the window', async () => {
    const first = withHeaders(app, await session());
    const res = await first({ method: 'GET', url: '/api/v1/sources' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeLessThan(LIMIT);
    let status = 200;
    for (let n = 0; n < LIMIT && status === 200; n++)
      status = (await first({ method: 'GET', url: '/api/v1/sources' })).statusCode;
    expect(status).toBe(429);
    // A second sign-in of the same user does not get a fresh budget.
    const second = withHeaders(app, await session());
    const blocked = await second({ method: 'GET', url: '/api/v1/sources' });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ error: { code: 'rate_limited', statusCode: 429 } });
    expect(blocked.headers['retry-after']).toBeDefined();
    await sleep(WINDOW_MS + 200);
    expect((await second({ method: 'GET', url: '/api/v1/sources' })).statusCode).toBe(200);
  });

  it('counts writes (ingest) like reads', async () => {
    const writer = withHeaders(app, await tokenHeaders(app, ['admin']));
    const statuses: number[] = [];
    for (let n = 0; n <= LIMIT; n++) {
      statuses.push((await writer({ method: 'POST', url: '/api/v1/items', payload: [anItem()] })).statusCode);
    }
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(200));
    expect(statuses[LIMIT]).toBe(429);
  });

  it('keeps anonymous requests from spending a principal’s budget', async () => {
    const reader = withHeaders(app, await tokenHeaders(app, ['read']));
    for (let n = 0; n < LIMIT * 3; n++) {
      const anonymous = await app.inject({ method: 'GET', url: '/api/v1/sources' });
      expect([401, 429]).toContain(anonymous.statusCode);
    }
    // Forged credentials are anonymous too.
    for (let n = 0; n < LIMIT; n++) {
      const forged = await app.inject({ method: 'GET', url: '/api/v1/sources', headers: { authorization: 'Bearer fw_forged' } });
      expect([401, 429]).toContain(forged.statusCode);
    }
    expect((await reader({ method: 'GET', url: '/api/v1/sources' })).statusCode).toBe(200);
  });
});
