/**
 * (d) SIGTERM in the middle of an ingest: the request in flight completes (200) and its items are
 * stored, a connected live client is told to come back later (`server:shutdown` with retryAfterMs)
 * before it is disconnected, and the process exits 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { io } from 'socket.io-client';
import { afterAll, expect, it } from 'vitest';
import { batches, spawnServer, tokenOverHttp, type ServerProcess } from './helpers.js';

const dataDir = mkdtempSync(join(tmpdir(), 'framewatch-durability-term-'));
const env = { DATA_DIR: dataDir, ADMIN_USERNAME: 'durability', ADMIN_PASSWORD: 'a durability test password' };
let server: ServerProcess | null = null;
afterAll(() => {
  server?.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

it('finishes the request in flight, tells live clients to reconnect later, and exits 0 on SIGTERM', async () => {
  server = await spawnServer(env);
  const { url } = server;
  const headers = await tokenOverHttp(url, env.ADMIN_USERNAME, env.ADMIN_PASSWORD);
  const token = (headers['authorization'] ?? '').replace(/^Bearer /u, '');

  const socket = io(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, auth: { token } });
  const hint = new Promise<unknown>((resolve) => socket.on('server:shutdown' as never, resolve));
  const disconnected = new Promise<void>((resolve) => socket.on('disconnect', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', () => resolve());
    socket.on('connect_error', reject);
  });

  // The largest request the API takes, in flight when SIGTERM arrives: half its body is sent
  // before the signal and the rest after it (a fixed delay raced a fast machine's store).
  const body = Buffer.from(JSON.stringify(batches('term', 10_000, 10_000)[0] ?? []));
  const post = httpRequest(`${url}/api/v1/items`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': body.length },
  });
  const request = new Promise<{ res: { status: number | undefined }; at: number }>((resolve, reject) => {
    post.on('response', (answer) => {
      answer.resume();
      answer.on('end', () => resolve({ res: { status: answer.statusCode }, at: Date.now() }));
    });
    post.on('error', reject);
  });
  post.write(body.subarray(0, body.length >> 1));
  await new Promise((r) => setTimeout(r, 200));
  const killedAt = Date.now();
  server.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 100));
  post.end(body.subarray(body.length >> 1));

  const { res, at } = await request;
  expect(res.status).toBe(200);
  // It was answered after the signal: it was in flight.
  expect(at).toBeGreaterThan(killedAt);
  expect(await hint).toEqual({ retryAfterMs: 5_000 });
  await disconnected;
  expect(await server.exited).toBe(0);
  socket.close();

  const db = new Database(join(dataDir, 'framewatch.sqlite'), { readonly: true });
  const { n } = db.prepare("SELECT count(*) AS n FROM items WHERE source_id = 'durability-term'").get() as { n: number };
  db.close();
  expect(n).toBe(10_000);
}, 60_000);
