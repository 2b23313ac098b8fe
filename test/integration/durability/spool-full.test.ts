/**
 * (c) The spool fills to its bound while the store is unreachable: new ingest gets 503 with
 * Retry-After, readiness fails, and every spooled (acknowledged) item is stored once the store returns.
 * The store is a real SQLite store whose writes are refused as unreachable while `down` is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/auth.js';
import { sqliteTestStore, withOutage } from '../../helpers/stores.js';
import { batches } from './helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

it('answers 503 with Retry-After once the spool is full and drops nothing it acknowledged', async () => {
  const test = await sqliteTestStore();
  const dir = mkdtempSync(join(tmpdir(), 'framewatch-spool-full-'));
  cleanup.push(test.dispose, async () => rmSync(dir, { recursive: true, force: true }));
  const outage = withOutage(test.store, true);
  const { app, inject } = await buildTestApp(outage.store, {
    spool: { dir, maxBytes: 256 * 1024, retryMinMs: 20, retryMaxMs: 100 },
  });
  cleanup.push(() => app.close());

  const acknowledged: string[] = [];
  let refused: { statusCode: number; retryAfter: unknown; code: unknown } | null = null;
  for (const batch of batches('full', 5_000, 100)) {
    const res = await inject({ method: 'POST', url: '/api/v1/items', payload: batch });
    if (res.statusCode === 202) {
      acknowledged.push(...(res.json() as { results: { id: string }[] }).results.map((r) => r.id));
      continue;
    }
    refused = { statusCode: res.statusCode, retryAfter: res.headers['retry-after'], code: res.json().error?.code };
    break;
  }
  expect(acknowledged.length).toBeGreaterThan(0);
  expect(refused).toEqual({ statusCode: 503, retryAfter: '30', code: 'store_unavailable' });
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  expect(ready.statusCode).toBe(503);
  expect(ready.json()).toMatchObject({ ok: false, spool: { full: true, items: acknowledged.length } });
  expect(app.spool?.status().bytes).toBeLessThanOrEqual(256 * 1024);

  outage.state.down = false;
  await expect.poll(() => app.spool?.status().items, { timeout: 10_000, interval: 50 }).toBe(0);
  const stored = await test.store.getItems(acknowledged);
  expect(stored).toHaveLength(acknowledged.length);
  expect(await test.store.countItems()).toBe(acknowledged.length);
  // Room again: ingest goes straight to the store.
  const after = await inject({ method: 'POST', url: '/api/v1/items', payload: batches('after', 10, 10)[0] });
  expect(after.statusCode).toBe(200);
  expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({
    ok: true,
    spool: { items: 0, full: false },
  });
});
