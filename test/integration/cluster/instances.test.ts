/**
 * Two Framewatch processes (`node server/main.ts`, as operators run them) on one SQLite file with
 * the collection scheduler on: a source scheduled every second is fetched once per tick, not once
 * per instance. The feed is served by a local HTTP server that counts its requests; the tick locks
 * the instances took are read back from the shared file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SqliteStore } from '../../../server/store/sqlite/sqlite-store.js';
import { aSource } from '../../helpers/factories.js';
import { serve, startServer, type TestServer } from '../collectors/server.js';
import { spawnServer, type ServerProcess } from '../durability/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'framewatch-instances-'));
const sourceId = `every-second-${process.pid}`;
const WINDOW_MS = 6_000;
let feed: TestServer;
const servers: ServerProcess[] = [];

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Ministry statements</title><link>https://example.org/</link>
<item><title>Statement on the exchange of prisoners</title><link>https://example.org/s/1</link>
<guid>statement-1</guid><pubDate>Wed, 21 Jan 2026 08:30:00 GMT</pubDate>
<description>The ministry repeats its offer to exchange the captured soldiers.</description></item>
</channel></rss>`;

beforeAll(async () => {
  feed = await startServer();
  feed.route('/feed.xml', serve(RSS, { 'content-type': 'application/rss+xml' }));
  // The source exists before the instances start: each schedules it at start-up.
  const store = new SqliteStore({ file: join(tmp, 'framewatch.sqlite') });
  await store.init();
  await store.createSource(
    aSource({
      id: sourceId,
      platform: 'rss',
      url: `${feed.url}/feed.xml`,
      side: 'UA',
      type: 'official',
      schedule: '* * * * * *',
    }),
  );
  await store.close();
  for (const name of ['a', 'b']) {
    servers.push(
      await spawnServer({
        DATA_DIR: tmp,
        SPOOL_DIR: join(tmp, `spool-${name}`),
        SCHEDULER_ENABLED: 'true',
        ALERTS_ENABLED: 'false',
        FETCH_ALLOW_PRIVATE: feed.host,
      }),
    );
  }
}, 180_000);

afterAll(async () => {
  for (const server of servers) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await feed?.close();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

it('fetches a source scheduled every second once per tick with two instances running', async () => {
  // Both instances are up: count the feed's requests over a window of whole seconds.
  const windowStart = Date.now();
  const before = feed.requests.length;
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const fetches = feed.requests.length - before;
  for (const server of servers) {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }

  const db = new Database(join(tmp, 'framewatch.sqlite'), { readonly: true });
  const ticks = db
    .prepare('SELECT name, owner FROM locks WHERE name LIKE ? AND acquired_at >= ? ORDER BY name')
    .all(`job:source:${sourceId}:%`, new Date(windowStart - 1_000).toISOString()) as { name: string; owner: string }[];
  db.close();

  process.stdout.write(
    `instances test: ${fetches} feed fetches in ${WINDOW_MS / 1000} s; ${ticks.length} tick locks, taken by ${new Set(ticks.map((t) => t.owner)).size} instance(s)\n`,
  );
  // The feed was fetched at most once per tick: two instances each running every tick would
  // have fetched it about twice per second.
  expect(fetches).toBeGreaterThanOrEqual(WINDOW_MS / 1000 - 2);
  expect(fetches).toBeLessThanOrEqual(WINDOW_MS / 1000 + 1);
  // Every second had its tick, and each tick was taken by one instance (one lock row per tick).
  expect(ticks.length).toBeGreaterThanOrEqual(WINDOW_MS / 1000 - 1);
}, 60_000);
