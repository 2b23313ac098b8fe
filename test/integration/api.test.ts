/**
 * The HTTP API over real stores: ingest (JSON and NDJSON, bad input), item lookup, search,
 * analytics, sources, health. Runs against SQLite and against the Elasticsearch test node.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemInput } from '../../server/domain/schemas.js';
import { buildTestApp, type Inject } from '../helpers/auth.js';
import { anItem, aSource, idOf } from '../helpers/factories.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../helpers/stores.js';

const ndjson = (items: unknown[]) => items.map((i) => JSON.stringify(i)).join('\n');

describe.each([
  ['sqlite', sqliteTestStore],
  ['elasticsearch', elasticsearchTestStore],
] as const)('API on %s', (backend, makeStore) => {
  let test: TestStore;
  let app: FastifyInstance;
  let inject: Inject;
  const post = (payload: unknown, contentType = 'application/json') =>
    inject({
      method: 'POST',
      url: '/api/v1/items',
      headers: { 'content-type': contentType },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const get = async (url: string) => {
    await test.store.sync();
    return inject({ method: 'GET', url });
  };

  beforeAll(async () => {
    test = await makeStore();
    ({ app, inject } = await buildTestApp(test.store));
  });
  afterAll(async () => {
    await app?.close();
    await test?.dispose();
  });

  it('stores a JSON array and reports a result per item; posting it again stores nothing new', async () => {
    const items = [anItem({ lang: 'uk', text: 'Перше повідомлення' }), anItem({ lang: 'ru', text: 'Второе сообщение' })];
    const first = await post(items);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ received: 2, stored: { created: 2, updated: 0, unchanged: 0 }, errors: [] });
    expect(first.json().results.map((r: { id: string }) => r.id)).toEqual(items.map(idOf));
    const again = await post(items);
    expect(again.json().stored).toEqual({ created: 0, updated: 0, unchanged: 2 });
    const changed = await post([{ ...items[0], engagement: { views: 1200 } }]);
    expect(changed.json().stored).toEqual({ created: 0, updated: 1, unchanged: 0 });
    const item = await get(`/api/v1/items/${idOf(items[0] as ItemInput)}`);
    expect(item.statusCode).toBe(200);
    expect(item.json()).toMatchObject({ text: 'Перше повідомлення', engagement: { views: 1200 } });
  });

  it('stores the valid lines of NDJSON and names the bad ones by index and field', async () => {
    const good = anItem({ text: 'good neighbour one' });
    const good2 = anItem({ text: 'good neighbour two' });
    const body = [
      JSON.stringify(good),
      '{"platform": "telegram", "sourceId": ', // malformed JSON
      JSON.stringify({ ...anItem(), publishedAt: '21/01/2026' }), // invalid date
      JSON.stringify({ ...anItem(), colour: 'red' }), // unknown field
      JSON.stringify({ ...anItem(), kind: 'tweet' }), // wrong enum
      JSON.stringify({ ...anItem(), engagement: { views: 'many' } }), // wrong type
      JSON.stringify(good2),
    ].join('\n');
    const res = await post(body, 'application/x-ndjson');
    expect(res.statusCode).toBe(422);
    const json = res.json();
    expect(json.error.code).toBe('invalid_items');
    expect(json.error.message).toMatch(/5 of 7 items are invalid.*other 2 were stored/u);
    expect(json.results.map((r: { index: number }) => r.index)).toEqual([0, 6]);
    const errors = json.errors.map((e: { index: number; field: string }) => `${e.index}:${e.field}`);
    expect(errors).toEqual(['1:(item)', '2:publishedAt', '3:colour', '4:kind', '5:engagement/views']);
    expect(json.errors[0].message).toMatch(/line 2 is not valid JSON/u);
    expect(json.errors[1].message).toMatch(/ISO-8601/u);
    expect(json.errors[2].message).toBe('unknown field');
    expect(json.errors[3].message).toMatch(/one of video, post, statement, article/u);
    const found = await get('/api/v1/search?q=neighbour');
    expect(found.json().total).toBe(2);
  });

  it('refuses broken bodies with a 4xx in the one error shape, never a 500', async () => {
    const cases: [unknown, string, number, RegExp][] = [
      ['[{"platform": "telegram",', 'application/json', 400, /json/iu],
      ['{"not": "an array"}', 'application/json', 400, /expected a JSON array/u],
      ['[]', 'application/json', 400, /no items/u],
      ['plain text', 'text/plain', 415, /content-type|media type/iu],
    ];
    for (const [payload, type, status, message] of cases) {
      const res = await post(payload, type);
      expect(res.statusCode, String(payload)).toBe(status);
      expect(res.json().error).toMatchObject({ statusCode: status, message: expect.stringMatching(message) });
    }
  });

  it('refuses more than 10,000 items or 20 MB in one request', async () => {
    const many = Array.from({ length: 10_001 }, () => ({}));
    const tooMany = await post(many);
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().error.message).toMatch(/10001 items.*at most 10000/u);
    const huge = await post(ndjson([anItem({ text: 'x'.repeat(21 * 1024 * 1024) })]), 'application/x-ndjson');
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('body_too_large');
  });

  it('stores markup and control characters as plain text', async () => {
    const hostile = anItem({
      title: '<img src=x onerror=alert(1)>Breaking\u0007 news',
      text: '<p>Statement<script>alert("x")</script> by the <b>ministry</b></p>\u0000\u202e',
    });
    expect((await post([hostile])).statusCode).toBe(200);
    const item = (await get(`/api/v1/items/${idOf(hostile)}`)).json();
    expect(item.title).toBe('Breaking news');
    expect(item.text).toBe('Statement by the ministry');
  });

  it('takes the side from the source registry when an item does not say it', async () => {
    const source = aSource({ id: `kcna-like-${backend}`, side: 'KP', type: 'state_media' });
    expect((await inject({ method: 'POST', url: '/api/v1/sources', payload: source })).statusCode).toBe(201);
    const item = anItem({ sourceId: source.id, side: undefined });
    delete (item as Partial<ItemInput>).side;
    await post([item]);
    expect((await get(`/api/v1/items/${idOf(item)}`)).json().side).toBe('KP');
  });

  it('searches with filters, snippets and paging, and explains bad queries', async () => {
    const items = Array.from({ length: 5 }, (_, n) =>
      anItem({ side: 'RU', text: `Заявление номер ${n} о военнопленных`, publishedAt: `2026-01-1${n}T10:00:00Z` }),
    );
    await post(items);
    const page1 = await get('/api/v1/search?q=военнопленных&side=RU&limit=3');
    expect(page1.statusCode).toBe(200);
    const body = page1.json();
    expect(body.total).toBe(5);
    expect(body.hits).toHaveLength(3);
    expect(body.hits[0].item.publishedAt).toBe('2026-01-14T10:00:00.000Z');
    expect(body.hits[0].snippets[0].segments).toContainEqual({ text: 'военнопленных', match: true });
    const page2 = (await get(`/api/v1/search?q=военнопленных&side=RU&limit=3&cursor=${body.nextCursor}`)).json();
    expect(page2.hits).toHaveLength(2);
    expect(page2.nextCursor).toBeNull();

    const bad: [string, RegExp][] = [
      ['q=%22unclosed', /q: the quote opened at character 1 is never closed/u],
      ['q=-only', /only excludes/u],
      ['side=XX', /side: "XX" is not one of UA, RU/u],
      ['from=yesterday', /from/u],
      ['limit=5000', /limit/u],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', /to: must be later than from/u],
    ];
    for (const [query, message] of bad) {
      const res = await get(`/api/v1/search?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message, query).toMatch(message);
    }
  });

  it('answers the analytics the dashboard charts', async () => {
    const base = { publishedAt: '2026-01-05T10:00:00Z' };
    const original = anItem({
      ...base,
      externalId: 'release-original',
      kind: 'video',
      side: 'UA',
      frames: [{ frameId: 'exchange_offer', evidence: ['exchange'] }],
    });
    const releaseId = idOf(original);
    const copies = [
      anItem({
        releaseId,
        side: 'RU',
        lang: 'ru',
        publishedAt: '2026-01-05T12:00:00Z',
        engagement: { views: 500 },
        frames: [{ frameId: 'denial_fabrication', evidence: ['fake'] }],
      }),
      anItem({ releaseId, side: 'KR', lang: 'ko', publishedAt: '2026-01-06T09:00:00Z', engagement: { views: 300 } }),
    ];
    await post([{ ...original, releaseId }, ...copies]);
    const range = 'from=2026-01-05T00:00:00Z&to=2026-01-07T00:00:00Z';
    const timeline = (await get(`/api/v1/analytics/timeline?${range}&interval=day&split=side`)).json();
    expect(timeline.timeZone).toBe('UTC');
    expect(timeline.buckets).toEqual([
      { start: '2026-01-05T00:00:00.000Z', total: 2, split: { UA: 1, RU: 1 } },
      { start: '2026-01-06T00:00:00.000Z', total: 1, split: { KR: 1 } },
    ]);
    const terms = (await get(`/api/v1/analytics/terms?${range}&field=lang`)).json();
    expect(terms.buckets).toEqual([
      { key: 'en', count: 1 },
      { key: 'ko', count: 1 },
      { key: 'ru', count: 1 },
    ]);
    const framing = (await get(`/api/v1/analytics/framing?${range}`)).json();
    expect(framing.cells).toEqual([
      { side: 'RU', frame: 'denial_fabrication', count: 1, share: 1 },
      { side: 'UA', frame: 'exchange_offer', count: 1, share: 1 },
    ]);
    const spread = (await get(`/api/v1/releases/${releaseId}/spread?interval=day`)).json();
    expect(spread).toMatchObject({ pickups: 2, distinctSides: 3, distinctLangs: 3, summedViews: 800 });
    expect(spread.firstSeenPerSide.map((f: { side: string; delaySec: number }) => [f.side, f.delaySec])).toEqual([
      ['UA', 0],
      ['RU', 7200],
      ['KR', 82800],
    ]);
    expect((await get('/api/v1/releases/unknown/spread')).statusCode).toBe(404);
    const tooFine = await get('/api/v1/analytics/timeline?from=2000-01-01T00:00:00Z&interval=hour');
    expect(tooFine.statusCode).toBe(400);
    expect(tooFine.json().error.message).toMatch(/buckets/u);
  });

  it('manages sources and refuses unknown fields', async () => {
    const source = aSource({ id: `src-${backend}` });
    const created = await inject({ method: 'POST', url: '/api/v1/sources', payload: source });
    expect(created.statusCode).toBe(201);
    expect((await inject({ method: 'POST', url: '/api/v1/sources', payload: source })).statusCode).toBe(409);
    const unknown = await inject({ method: 'POST', url: '/api/v1/sources', payload: { ...aSource(), secret: 1 } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/secret: unknown field/u);
    const patched = await inject({ method: 'PATCH', url: `/api/v1/sources/${source.id}`, payload: { enabled: false } });
    expect(patched.json().enabled).toBe(false);
    expect((await inject({ method: 'DELETE', url: `/api/v1/sources/${source.id}` })).statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: `/api/v1/sources/${source.id}` })).statusCode).toBe(404);
  });

  it('reports health, readiness and the OpenAPI document', async () => {
    expect((await get('/healthz')).json()).toEqual({ ok: true });
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().store.backend).toBe(backend);
    const docs = await get('/docs/json');
    expect(Object.keys(docs.json().paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/items',
        '/api/v1/search',
        '/api/v1/analytics/timeline',
        '/api/v1/releases/{id}/spread',
        '/api/v1/sources/{id}',
      ]),
    );
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Framewatch');
  });
});
