/**
 * (b) kill -9 of the server process in the middle of an ingest, then a restart on the same data:
 * every acknowledged item is stored exactly once. The killed run also leaves a spool behind (as a
 * process killed during a store outage would, with a torn last append): the restarted process
 * replays it. 10,000 items in batches of 1,000 (DURABILITY_ITEMS=50000 for the full run).
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { Spool, frameRecord } from '../../../server/spool/spool.js';
import { itemId } from '../../../server/store/prepare.js';
import { batches, postItems, spawnServer, tokenOverHttp, type ServerProcess } from './helpers.js';

const TOTAL = Number(process.env['DURABILITY_ITEMS'] ?? 10_000);
const dataDir = mkdtempSync(join(tmpdir(), 'framewatch-durability-kill-'));
const env = {
  DATA_DIR: dataDir,
  ADMIN_USERNAME: 'durability',
  ADMIN_PASSWORD: 'a durability test password',
  RATE_LIMIT_API_MAX: '100000',
};
const servers: ServerProcess[] = [];
afterAll(() => {
  for (const s of servers) s.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

it('keeps every acknowledged item exactly once across kill -9 and a restart', async () => {
  const all = batches('kill', TOTAL, 1_000);
  const acknowledged = new Set<string>();
  const ack = (res: Awaited<ReturnType<typeof postItems>>) => {
    if (res.status === 200 || res.status === 202) for (const r of res.body.results ?? []) acknowledged.add(r.id);
  };

  const first = await spawnServer(env);
  servers.push(first);
  const headers = await tokenOverHttp(first.url, env.ADMIN_USERNAME, env.ADMIN_PASSWORD);
  const killAt = Math.floor(all.length * 0.4);
  for (let n = 0; n < killAt; n++) ack(await postItems(first.url, headers, all[n] ?? []));
  // Two requests in flight, then SIGKILL: whatever they did not acknowledge is not counted.
  const inFlight = [all[killAt] ?? [], all[killAt + 1] ?? []].map((batch) =>
    postItems(first.url, headers, batch).then(ack, () => undefined),
  );
  await new Promise((r) => setTimeout(r, 150));
  first.child.kill('SIGKILL');
  await Promise.all(inFlight);
  expect(await first.exited).toBeNull();

  // What a process killed during a store outage leaves: an acknowledged spooled batch and a torn append.
  const spooled = batches('killspool', 300, 300)[0] ?? [];
  const spool = new Spool({ dir: join(dataDir, 'spool'), maxBytes: 64 * 1024 * 1024 });
  spool.append({ at: new Date().toISOString(), items: spooled });
  spool.close();
  const segment = readdirSync(join(dataDir, 'spool')).sort().at(-1) ?? '';
  appendFileSync(join(dataDir, 'spool', segment), frameRecord({ at: new Date().toISOString(), items: spooled }).subarray(0, 99));
  for (const item of spooled) acknowledged.add(itemId(item.platform, item.sourceId, item.externalId));

  // The restarted process replays the spool and takes the rest (a client retries what was not acknowledged).
  const second = await spawnServer(env);
  servers.push(second);
  for (let n = killAt; n < all.length; n++) ack(await postItems(second.url, headers, all[n] ?? []));
  const ready = async () => ((await (await fetch(`${second.url}/readyz`)).json()) as { spool?: { items: number } }).spool?.items;
  await expect.poll(ready, { timeout: 20_000, interval: 200 }).toBe(0);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);

  const db = new Database(join(dataDir, 'framewatch.sqlite'), { readonly: true });
  const rows = db.prepare("SELECT id FROM items WHERE source_id IN ('durability-kill', 'durability-killspool')").all() as {
    id: string;
  }[];
  db.close();
  const ids = rows.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(acknowledged.size).toBe(TOTAL + spooled.length);
  expect(ids.filter((id) => acknowledged.has(id))).toHaveLength(acknowledged.size);
  expect(ids).toHaveLength(acknowledged.size);
}, 120_000);
