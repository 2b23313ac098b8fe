/** The alerts API refuses bad rules with clear 400s, and viewers read alerts but cannot change rules or acknowledge. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type TestApp } from '../../helpers/auth.js';
import { sqliteTestStore, type TestStore } from '../../helpers/stores.js';

describe('alerts API', () => {
  let test: TestStore;
  let t: TestApp;
  beforeAll(async () => {
    test = await sqliteTestStore();
    t = await buildTestApp(test.store);
  });
  afterAll(async () => {
    await t?.app.close();
    await test?.dispose();
  });

  const post = (payload: unknown) =>
    t.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: payload as Record<string, unknown> });

  it.each([
    ['an unknown field', { name: 'x', type: 'keyword', filter: { query: 'a' }, colour: 'red' }, /colour: unknown field/u],
    [
      'an unknown param',
      { name: 'x', type: 'volume_spike', params: { ratio: 2, pickups: [1] } },
      /params\/pickups: does not apply/u,
    ],
    ['a ratio below 1', { name: 'x', type: 'volume_spike', params: { ratio: 0.5 } }, /ratio/u],
    ['a zero window', { name: 'x', type: 'spread_threshold', params: { windowHours: 0, pickups: [3] } }, /windowHours/u],
    ['a negative threshold', { name: 'x', type: 'spread_threshold', params: { pickups: [-1] } }, /pickups/u],
    ['descending thresholds', { name: 'x', type: 'spread_threshold', params: { pickups: [10, 5] } }, /strictly ascending/u],
    ['no threshold', { name: 'x', type: 'spread_threshold', params: { windowHours: 6 } }, /at least one threshold/u],
    ['a frame shift without points', { name: 'x', type: 'frame_shift', params: {} }, /params\/points: required/u],
    [
      'a query that does not parse',
      { name: 'x', type: 'keyword', filter: { query: '"unclosed' } },
      /filter\/query: the quote opened/u,
    ],
    ['a keyword rule without a query', { name: 'x', type: 'keyword' }, /keyword rules need a query/u],
    ['a negative cooldown', { name: 'x', type: 'new_release', cooldownSec: -5 }, /cooldownSec/u],
  ])('refuses %s', async (_what, payload, message) => {
    const res = await post(payload);
    expect(res.statusCode, res.body).toBe(400);
    expect((res.json() as { error: { message: string } }).error.message).toMatch(message);
  });

  it('lets viewers read but not change rules or acknowledge alerts', async () => {
    const created = await post({ name: 'ok', type: 'new_release' });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    const viewer = await signIn(t.app, 'viewer');
    expect((await viewer.inject({ method: 'GET', url: '/api/v1/alerts/rules' })).statusCode).toBe(200);
    expect((await viewer.inject({ method: 'GET', url: '/api/v1/alerts' })).statusCode).toBe(200);
    for (const [method, url, payload] of [
      ['POST', '/api/v1/alerts/rules', { name: 'v', type: 'new_release' }],
      ['PATCH', `/api/v1/alerts/rules/${id}`, { name: 'v' }],
      ['DELETE', `/api/v1/alerts/rules/${id}`, undefined],
      ['POST', `/api/v1/alerts/rules/${id}/mute`, { minutes: 5 }],
      ['POST', `/api/v1/alerts/rules/${id}/dry-run`, undefined],
      ['POST', '/api/v1/alerts/x/acknowledge', undefined],
      ['POST', '/api/v1/alerts/x/resolve', undefined],
    ] as const) {
      const res = await viewer.inject({ method, url, ...(payload && { payload }) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    const analyst = await signIn(t.app, 'analyst');
    const patched = await analyst.inject({ method: 'PATCH', url: `/api/v1/alerts/rules/${id}`, payload: { name: 'renamed' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await analyst.inject({ method: 'DELETE', url: `/api/v1/alerts/rules/${id}` })).statusCode).toBe(204);
    expect((await analyst.inject({ method: 'GET', url: `/api/v1/alerts/rules/${id}` })).statusCode).toBe(404);
  });
});
