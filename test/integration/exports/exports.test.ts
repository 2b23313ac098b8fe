/**
 * Search exports over the real HTTP app on SQLite and Elasticsearch: streamed page by page (the
 * store is read as the client reads), counted first, CSV-injection-safe, audited, never carrying
 * raw payloads or unrevealed sensitive media links.
 */
import { get as httpGet, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemInput } from '../../../server/domain/schemas.js';
import type { Store } from '../../../server/store/port.js';
import { buildTestApp, signIn, type Inject } from '../../helpers/auth.js';
import { anItem, idOf } from '../../helpers/factories.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../../helpers/stores.js';

const BULK = 20_000;
const filler = 'Statement on the exchange of prisoners, repeated for volume. '.repeat(12);

/** The store with a count of searchItems calls, to see how far the export has read. */
function counting(store: Store): { store: Store; calls: () => number } {
  let calls = 0;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'searchItems') {
        return (...args: unknown[]) => {
          calls++;
          return method.apply(target, args);
        };
      }
      return method.bind(target);
    },
  });
  return { store: proxy, calls: () => calls };
}

function open(url: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => httpGet(url, { headers }, resolve).on('error', reject));
}

describe.each([
  ['sqlite', sqliteTestStore],
  ['elasticsearch', elasticsearchTestStore],
] as const)('search exports on %s', (_backend, makeStore) => {
  let test: TestStore;
  let app: FastifyInstance;
  let inject: Inject;
  let headers: Record<string, string>;
  let calls: () => number;
  let base: string;
  const hostile: ItemInput[] = [
    anItem({
      sourceId: 'hostile',
      title: '=HYPERLINK("http://evil.example","click")',
      text: 'plain',
      links: ['https://evil.example/a?b=1,2', 'https://t.me/fw_test/7'],
    }),
    anItem({ sourceId: 'hostile', title: '+1+2', text: '-3+4' }),
    anItem({ sourceId: 'hostile', title: '@SUM(A1:A9)', text: 'a, "quoted", and\nmultiline text' }),
    anItem({ sourceId: 'hostile', title: 'tab', text: '\tstarts with a tab' }),
    anItem({ sourceId: 'hostile', title: 'Київ, «лапки» і 북한군', text: 'Unicode stays UTF-8' }),
  ];
  const withRaw = anItem({ sourceId: 'hostile', title: 'raw carrier', raw: { secret: 'RAW-PAYLOAD-MARKER' } });
  const sensitive = anItem({
    sourceId: 'hostile',
    title: 'sensitive carrier',
    sensitive: true,
    media: [{ type: 'video', url: 'https://cdn.hostile.example/v.mp4', thumbnailUrl: 'https://cdn.hostile.example/t.jpg' }],
    links: ['https://cdn.hostile.example/watch?v=1'],
  });

  beforeAll(async () => {
    test = await makeStore();
    const counted = counting(test.store);
    calls = counted.calls;
    ({ app, inject, headers } = await buildTestApp(counted.store));
    const bulk = Array.from({ length: BULK }, (_, n) =>
      anItem({
        sourceId: 'bulk',
        externalId: `bulk-${n}`,
        text: `${filler} #${n}`,
        publishedAt: new Date(Date.parse('2026-01-01T00:00:00Z') + n * 60_000).toISOString(),
      }),
    );
    for (let i = 0; i < bulk.length; i += 2000) await test.store.upsertItems(bulk.slice(i, i + 2000));
    await test.store.upsertItems([...hostile, withRaw, sensitive]);
    await test.store.sync();
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await test?.dispose();
  });

  it(`streams ${BULK} rows as NDJSON, total first, reading the store only as the client reads`, async () => {
    const start = calls();
    const res = await open(`${base}/api/v1/exports/search.ndjson?source=bulk`, headers);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-total-count']).toBe(String(BULK));
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="framewatch-search-.*\.ndjson"$/u);
    const before = calls();
    const first = await new Promise<Buffer>((resolve) =>
      res.once('data', (chunk: Buffer) => {
        res.pause();
        resolve(chunk);
      }),
    );
    // A client that stops reading stops the export: the store is not read ahead to the end. Socket
    // buffers take a few pages (slowly on a busy machine); wait until reading settles, then check
    // that it stays settled and stopped well short of the end.
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let readSoFar = calls() - start;
    for (let waited = 0; waited < 10_000; waited += 400) {
      await sleep(400);
      const now = calls() - start;
      if (now === readSoFar) break;
      readSoFar = now;
    }
    await sleep(400);
    const pages = BULK / 500;
    expect(calls() - start, 'pages read while the client stays paused').toBe(readSoFar);
    expect(readSoFar).toBeLessThan(pages / 2);
    expect(calls()).toBeGreaterThanOrEqual(before);
    let text = first.toString('utf8');
    let lines = 0;
    let firstLine = '';
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    res.setEncoding('utf8');
    for await (const chunk of res) {
      text += chunk as string;
      const parts = text.split('\n');
      text = parts.pop() ?? '';
      for (const line of parts) {
        if (lines === 0) firstLine = line;
        lines++;
      }
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
    expect(JSON.parse(firstLine)).toEqual({ total: BULK, matches: BULK });
    expect(lines).toBe(BULK + 1);
    // The whole export is about 15 MB of text; the server never holds more than a few pages of it.
    expect(heapPeak - heapBefore).toBeLessThan(120 * 1024 * 1024);
    // One store page per 500 rows, each fetched once.
    expect(calls() - start).toBe(pages);
  });

  it(`streams ${BULK} CSV rows with the header first and X-Total-Count`, async () => {
    const res = await open(`${base}/api/v1/exports/search.csv?source=bulk&sort=time`, headers);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-total-count']).toBe(String(BULK));
    let rows = 0;
    let head = '';
    let rest = '';
    res.setEncoding('utf8');
    for await (const chunk of res) {
      if (!head) head = (chunk as string).slice(0, 200);
      rest += chunk as string;
      const parts = rest.split('\r\n');
      rest = parts.pop() ?? '';
      rows += parts.length;
    }
    expect(head.startsWith('id,publishedAt,collectedAt,platform,sourceId,side')).toBe(true);
    expect(rows).toBe(BULK + 1);
  });

  it('defuses formula cells, quotes commas, quotes and newlines, and adds a BOM on request', async () => {
    const res = await inject({ method: 'GET', url: '/api/v1/exports/search.csv?source=hostile&bom=true' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.body.startsWith('\uFEFFid,')).toBe(true);
    const records = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(hostile.length + 2);
    const byId = new Map(records.map((r) => [r.id, r]));
    const row = (item: ItemInput) => byId.get(idOf(item)) ?? {};
    expect(row(hostile[0] as ItemInput).title).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(row(hostile[0] as ItemInput).links).toBe('https://evil.example/a?b=1,2 https://t.me/fw_test/7');
    expect(row(hostile[1] as ItemInput)).toMatchObject({ title: "'+1+2", text: "'-3+4" });
    expect(row(hostile[2] as ItemInput)).toMatchObject({ title: "'@SUM(A1:A9)", text: 'a, "quoted", and\nmultiline text' });
    expect(row(hostile[3] as ItemInput).text).toBe("'\tstarts with a tab");
    expect(row(hostile[4] as ItemInput).title).toBe('Київ, «лапки» і 북한군');
    expect(row(sensitive)).toMatchObject({ sensitive: 'true', mediaTypes: 'video', mediaUrls: 'hidden', links: '' });
    expect(res.body).not.toContain('cdn.hostile.example');
    expect(res.body).not.toContain('RAW-PAYLOAD-MARKER');
    const noBom = await inject({ method: 'GET', url: '/api/v1/exports/search.csv?source=hostile' });
    expect(noBom.body.startsWith('id,')).toBe(true);
  });

  it('limits rows, never exports raw payloads or unrevealed sensitive links, and audits who exported what', async () => {
    const analyst = await signIn(app, 'analyst');
    const res = await analyst.inject({ method: 'GET', url: '/api/v1/exports/search.ndjson?source=hostile&limit=3' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-total-count']).toBe('3');
    const lines = res.body.trim().split('\n');
    expect(JSON.parse(lines[0] ?? '')).toEqual({ total: 3, matches: hostile.length + 2 });
    expect(lines).toHaveLength(4);
    const all = await analyst.inject({ method: 'GET', url: '/api/v1/exports/search.ndjson?source=hostile' });
    const items = all.body
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l) as { id: string; raw?: unknown; media: unknown[] });
    expect(items).toHaveLength(hostile.length + 2);
    expect(items.every((i) => !('raw' in i))).toBe(true);
    expect(all.body).not.toContain('RAW-PAYLOAD-MARKER');
    expect(items.find((i) => i.id === idOf(sensitive))?.media).toEqual([{ type: 'video', sensitive: true, hidden: true }]);
    expect(all.body).not.toContain('cdn.hostile.example');

    await test.store.sync();
    const audit = (await inject({ method: 'GET', url: `/api/v1/audit?action=export.search&actor=${analyst.userId}` })).json();
    expect(audit.entries.map((e: { detail: { format: string; rows: number } }) => [e.detail.format, e.detail.rows])).toEqual([
      ['ndjson', hostile.length + 2],
      ['ndjson', 3],
    ]);
    expect(audit.entries[1]).toMatchObject({
      actor: { kind: 'user', id: analyst.userId },
      detail: { filter: { source: 'hostile' }, limit: 3, matches: hostile.length + 2 },
    });
  });

  it('lets analysts and admins export, not viewers, and refuses limits out of range', async () => {
    const viewer = await signIn(app, 'viewer');
    const refused = await viewer.inject({ method: 'GET', url: '/api/v1/exports/search.csv' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    for (const limit of ['0', '1000001', 'many']) {
      const res = await inject({ method: 'GET', url: `/api/v1/exports/search.csv?limit=${limit}` });
      expect(res.statusCode, limit).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    expect((await inject({ method: 'GET', url: '/api/v1/exports/search.csv?q=%22unclosed' })).statusCode).toBeLessThan(500);
  });
});
