/**
 * A bulk write that the cluster refuses in part as overloaded (429 for some operations, the rest
 * applied) is retried for exactly the refused operations, and every item ends up stored. The
 * Elasticsearch node is real; an HTTP proxy in front of it refuses one operation of the first bulk
 * (it keeps that operation from the node and answers 429 for it, as a full write queue does).
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ElasticsearchStore } from '../../server/store/elasticsearch/elasticsearch-store.js';
import { anItem, idOf } from '../helpers/factories.js';
import { elasticsearchTestStore, type TestStore } from '../helpers/stores.js';

let test: TestStore & { prefix: string; url: string };
let proxy: Server;
let proxied: ElasticsearchStore;
/** Operations (action and document lines) of each bulk that reached the proxy. */
const bulks: string[][][] = [];
const REFUSED = 2;

function body(req: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function forward(
  target: URL,
  method: string,
  path: string,
  headers: Record<string, unknown>,
  data: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; data: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method,
        path,
        headers: { ...headers, host: target.host, 'content-length': data.length },
      },
      (res) => void body(res).then((d) => resolve({ status: res.statusCode ?? 502, headers: res.headers, data: d }), reject),
    );
    out.on('error', reject);
    out.end(data);
  });
}

beforeAll(async () => {
  test = await elasticsearchTestStore();
  const target = new URL(test.url);
  proxy = createServer((req, res) => {
    void (async () => {
      const data = await body(req);
      const path = req.url ?? '/';
      const { 'content-length': _length, ...headers } = req.headers;
      if (!path.includes('_bulk')) {
        const answer = await forward(target, req.method ?? 'GET', path, headers, data);
        res.writeHead(answer.status, answer.headers as Record<string, string>).end(answer.data);
        return;
      }
      const lines = data
        .toString('utf8')
        .split('\n')
        .filter((l) => l.length > 0);
      const operations = [];
      for (let i = 0; i < lines.length; i += 2) operations.push([lines[i] as string, lines[i + 1] as string]);
      bulks.push(operations);
      const refuse = bulks.length === 1 ? REFUSED : -1;
      const sent = operations.filter((_, n) => n !== refuse);
      const answer = await forward(target, 'POST', path, headers, Buffer.from(`${sent.flat().join('\n')}\n`));
      const parsed = JSON.parse(answer.data.toString('utf8')) as { errors?: boolean; items: unknown[] };
      if (refuse >= 0) {
        parsed.items.splice(refuse, 0, {
          create: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'write queue is full' } },
        });
        parsed.errors = true;
      }
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' })
        .end(JSON.stringify(parsed));
    })().catch((error: unknown) => res.writeHead(502).end(String(error)));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as AddressInfo).port;
  proxied = new ElasticsearchStore({
    url: `http://127.0.0.1:${port}`,
    indexPrefix: test.prefix,
    shards: 1,
    replicas: 0,
    retryBaseMs: 5,
  });
});

afterAll(async () => {
  await proxied?.close();
  await new Promise((resolve) => proxy?.close(resolve));
  await test?.dispose();
});

it('resends exactly the operations refused as overloaded, and stores every item', async () => {
  const inputs = Array.from({ length: 5 }, (_, n) => anItem({ externalId: `retry-${n}`, text: `Пункт ${n}: обмін полоненими` }));
  const results = await proxied.upsertItems(inputs);
  expect(results.map((r) => r.status)).toEqual(['created', 'created', 'created', 'created', 'created']);
  // The first bulk carried all five creates; the second only the refused one, byte for byte.
  expect(bulks).toHaveLength(2);
  expect(bulks[0]).toHaveLength(5);
  expect(bulks[1]).toEqual([bulks[0]?.[REFUSED]]);
  const stored = await test.store.getItems(inputs.map(idOf));
  expect(stored.map((i) => i.externalId).sort()).toEqual(inputs.map((i) => i.externalId).sort());
  expect(stored.find((i) => i.externalId === `retry-${REFUSED}`)?.text).toBe(`Пункт ${REFUSED}: обмін полоненими`);
});
