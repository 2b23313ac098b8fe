/**
 * The codebook through the API on real stores: the default in force, the test box, saving a new
 * version re-tags stored items in the background, bad codebooks explained, roles enforced.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCodebook } from '../../../pipelines/codebook/index.js';
import { buildTestApp, signIn, type Inject } from '../../helpers/auth.js';
import { anItem, idOf } from '../../helpers/factories.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../../helpers/stores.js';

describe.each([
  ['sqlite', sqliteTestStore],
  ['elasticsearch', elasticsearchTestStore],
] as const)('codebook on %s', (_backend, makeStore) => {
  let test: TestStore;
  let app: FastifyInstance;
  let inject: Inject;
  const zebra = anItem({
    externalId: 'zebra-1',
    lang: 'en',
    title: 'Zoo news',
    text: 'A zebra crossing was painted near the front.',
    raw: { id: 'keep-me' },
  });
  const other = anItem({ externalId: 'zebra-2', lang: 'en', text: 'Nothing striped here.' });

  beforeAll(async () => {
    test = await makeStore();
    ({ app, inject } = await buildTestApp(test.store));
    await test.store.upsertItems([zebra, other]);
    await test.store.sync();
  });
  afterAll(async () => {
    await app?.close();
    await test?.dispose();
  });

  it('has the shipped codebook in force until one is saved', async () => {
    const res = await inject({ method: 'GET', url: '/api/v1/codebook' });
    expect(res.json()).toMatchObject({ origin: 'default', version: defaultCodebook().version });
  });

  it('explains what matches in a text and why', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/v1/codebook/explain',
      payload: { text: 'Україна пропонує обмін полоненими: північнокорейських військових на українських захисників.' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.lang).toBe('uk');
    const exchange = body.frames.find((f: { frameId: string }) => f.frameId === 'exchange_offer');
    expect(exchange.matched).toBe(true);
    expect(exchange.matches[0].text.toLowerCase()).toContain('обмін');
  });

  it('saves a new version, puts it in force and re-tags the stored items', async () => {
    const codebook = defaultCodebook();
    const next = {
      ...codebook,
      version: 'test-zebra-1',
      frames: [
        ...codebook.frames,
        { id: 'zebra_stripes', label: 'Zebra', description: 'A test frame', patterns: { en: ['zebra*'] } },
      ],
    };
    const res = await inject({ method: 'PUT', url: '/api/v1/codebook', payload: next });
    expect(res.statusCode).toBe(202);
    const { job } = res.json();
    expect(job.total).toBe(2);
    await app.codebook.idle();
    const done = (await inject({ method: 'GET', url: `/api/v1/codebook/retag/${job.id}` })).json();
    expect(done).toMatchObject({ state: 'succeeded', processed: 2, changed: 1 });
    const [item] = await test.store.getItems([idOf(zebra)]);
    expect(item?.frames).toContainEqual({ frameId: 'zebra_stripes', evidence: ['zebra'] });
    // Re-tagging rewrites frames only: the raw payload and collection time stay.
    expect(item?.raw).toEqual({ id: 'keep-me' });
    expect((await inject({ method: 'GET', url: '/api/v1/codebook' })).json()).toMatchObject({
      origin: 'stored',
      version: 'test-zebra-1',
    });
    expect((await inject({ method: 'GET', url: '/api/v1/codebook/history' })).json().versions[0].version).toBe('test-zebra-1');
    // The same version again is refused.
    expect((await inject({ method: 'PUT', url: '/api/v1/codebook', payload: next })).statusCode).toBe(409);
  });

  it('explains a bad codebook and keeps the one in force', async () => {
    const bad = { version: 'broken', frames: [{ id: 'Bad Id', label: '', description: 'x', patterns: { en: ['a ~ b ~'] } }] };
    const res = await inject({ method: 'PUT', url: '/api/v1/codebook', payload: bad });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/frames\[0\]/u);
    expect((await inject({ method: 'GET', url: '/api/v1/codebook' })).json().version).toBe('test-zebra-1');
  });

  it('lets viewers read and test but not change the codebook', async () => {
    const viewer = await signIn(app, 'viewer');
    expect((await viewer.inject({ method: 'GET', url: '/api/v1/codebook' })).statusCode).toBe(200);
    expect((await viewer.inject({ method: 'POST', url: '/api/v1/codebook/explain', payload: { text: 'swap' } })).statusCode).toBe(
      200,
    );
    expect((await viewer.inject({ method: 'PUT', url: '/api/v1/codebook', payload: defaultCodebook() })).statusCode).toBe(403);
  });
});
