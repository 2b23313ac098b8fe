/**
 * Sensitive media over the real HTTP app on SQLite and Elasticsearch: hidden from every answer by
 * default, revealed only to analysts and admins with an audit entry, thumbnails fetched from a
 * local origin server, checked, cached on disk and served with strict headers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemInput } from '../../../server/domain/schemas.js';
import { buildTestApp, signIn, type Inject, type SignedIn } from '../../helpers/auth.js';
import { anItem, idOf } from '../../helpers/factories.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../../helpers/stores.js';
import { serve, startServer, type TestServer } from '../collectors/server.js';

// The smallest valid PNG: signature, IHDR, IDAT, IEND.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e5270ade0000000049454e44ae426082',
  'hex',
);
const HIDDEN = { type: 'video', sensitive: true, hidden: true };

describe.each([
  ['sqlite', sqliteTestStore],
  ['elasticsearch', elasticsearchTestStore],
] as const)('sensitive media on %s', (_backend, makeStore) => {
  let test: TestStore;
  let app: FastifyInstance;
  let admin: Inject;
  let origin: TestServer;
  let cacheDir: string;
  let analyst: SignedIn;
  let viewer: SignedIn;
  let sensitive: ItemInput;
  let plain: ItemInput;
  let notImage: ItemInput;

  beforeAll(async () => {
    origin = await startServer();
    origin.route('/thumb.png', serve(PNG, { 'content-type': 'image/png' }));
    origin.route('/plain.png', serve(PNG, { 'content-type': 'image/png' }));
    origin.route('/page.html', serve('<html><script>alert(1)</script></html>', { 'content-type': 'text/html' }));
    origin.route(
      '/icon.svg',
      serve('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', { 'content-type': 'image/svg+xml' }),
    );
    origin.route('/fake.png', serve('<html>not a png</html>', { 'content-type': 'image/png' }));
    cacheDir = mkdtempSync(join(tmpdir(), 'framewatch-media-test-'));
    test = await makeStore();
    ({ app, inject: admin } = await buildTestApp(test.store, {
      media: { cacheDir, cacheMaxBytes: 1024 * 1024, allowPrivate: (host) => host === origin.host },
    }));
    sensitive = anItem({
      title: 'prisoner footage',
      kind: 'video',
      sensitive: true,
      media: [{ type: 'video', url: `${origin.url}/video.mp4`, thumbnailUrl: `${origin.url}/thumb.png`, durationSec: 60 }],
      links: [`${origin.url}/watch?v=1`],
    });
    plain = anItem({
      title: 'plain photo',
      kind: 'post',
      media: [{ type: 'photo', thumbnailUrl: `${origin.url}/plain.png` }],
      links: [`${origin.url}/article`],
    });
    notImage = anItem({
      title: 'odd media',
      media: [
        { type: 'photo', thumbnailUrl: `${origin.url}/page.html` },
        { type: 'photo', thumbnailUrl: `${origin.url}/icon.svg` },
        { type: 'photo', thumbnailUrl: `${origin.url}/fake.png` },
      ],
    });
    await test.store.upsertItems([{ ...sensitive, releaseId: idOf(sensitive) }, plain, notImage]);
    await test.store.sync();
    analyst = await signIn(app, 'analyst');
    viewer = await signIn(app, 'viewer');
  });
  afterAll(async () => {
    await app?.close();
    await test?.dispose();
    await origin?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const thumbnailOf = (item: ItemInput, n = 0) => `/api/v1/media/${idOf(item)}/${n}/thumbnail`;

  it('hides sensitive media links from item, search, release and export answers, for every role', async () => {
    const urls = [
      `/api/v1/items/${idOf(sensitive)}`,
      '/api/v1/search?q=prisoner',
      `/api/v1/releases/${idOf(sensitive)}`,
      '/api/v1/releases',
      '/api/v1/exports/search.ndjson?q=prisoner',
      '/api/v1/exports/search.csv?q=prisoner',
    ];
    for (const who of [admin, analyst.inject, viewer.inject]) {
      for (const url of urls) {
        const res = await who({ method: 'GET', url });
        if (url.includes('exports') && who === viewer.inject) {
          expect(res.statusCode, url).toBe(403);
          continue;
        }
        expect(res.statusCode, url).toBe(200);
        expect(res.body, url).not.toContain(origin.host);
      }
    }
    const item = (await viewer.inject({ method: 'GET', url: `/api/v1/items/${idOf(sensitive)}` })).json();
    expect(item.media).toEqual([HIDDEN]);
    expect(item.links).toEqual([]);
    const hit = (await viewer.inject({ method: 'GET', url: '/api/v1/search?q=prisoner' })).json().hits[0];
    expect(hit.item.media).toEqual([HIDDEN]);
    expect(hit.item.links).toEqual([]);
    // Media and links of items not marked sensitive are untouched.
    const other = (await viewer.inject({ method: 'GET', url: `/api/v1/items/${idOf(plain)}` })).json();
    expect(other.media[0].thumbnailUrl).toBe(`${origin.url}/plain.png`);
    expect(other.links).toEqual([`${origin.url}/article`]);
  });

  it('refuses reveals by viewers and thumbnails of unrevealed sensitive items', async () => {
    const reveal = await viewer.inject({ method: 'POST', url: `/api/v1/items/${idOf(sensitive)}/reveal` });
    expect(reveal.statusCode).toBe(403);
    expect(reveal.json().error.code).toBe('forbidden');
    for (const who of [viewer, analyst]) {
      const res = await who.inject({ method: 'GET', url: thumbnailOf(sensitive) });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('reveal_required');
    }
    expect(origin.requests.filter((r) => r.path === '/thumb.png')).toHaveLength(0);
  });

  it('reveals to an analyst, audited, with thumbnails served by Framewatch from its cache', async () => {
    const res = await analyst.inject({ method: 'POST', url: `/api/v1/items/${idOf(sensitive)}/reveal` });
    expect(res.statusCode).toBe(200);
    const revealed = res.json();
    expect(revealed).toMatchObject({ itemId: idOf(sensitive), sensitive: true });
    expect(revealed.media).toEqual([
      { index: 0, type: 'video', url: `${origin.url}/video.mp4`, thumbnailUrl: thumbnailOf(sensitive), durationSec: 60 },
    ]);
    expect(Date.parse(revealed.revealedUntil) - Date.now()).toBeGreaterThan(14 * 60_000);
    // The item itself now shows the analyst its links too.
    const item = (await analyst.inject({ method: 'GET', url: `/api/v1/items/${idOf(sensitive)}` })).json();
    expect(item.links).toEqual([`${origin.url}/watch?v=1`]);

    await test.store.sync();
    const audit = (await admin({ method: 'GET', url: '/api/v1/audit?action=media.reveal' })).json();
    expect(audit.entries[0]).toMatchObject({
      action: 'media.reveal',
      actor: { kind: 'user', id: analyst.userId },
      target: { type: 'item', id: idOf(sensitive) },
      detail: { sensitive: true },
    });

    const thumb = await analyst.inject({ method: 'GET', url: thumbnailOf(sensitive) });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.rawPayload.equals(PNG)).toBe(true);
    expect(thumb.headers).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-disposition': 'inline; filename="thumbnail"',
      'cache-control': 'private, no-store',
    });
    expect(String(thumb.headers['content-security-policy'])).toContain("default-src 'none'");
    // The reveal is the analyst's alone: the viewer and other analysts still see placeholders.
    const other = await signIn(app, 'analyst');
    expect((await other.inject({ method: 'GET', url: thumbnailOf(sensitive) })).statusCode).toBe(403);
    expect((await viewer.inject({ method: 'GET', url: '/api/v1/search?q=prisoner' })).body).not.toContain(origin.host);
    // The analyst's own answers now carry the server-relative thumbnail, never the origin's.
    const mine = (await analyst.inject({ method: 'GET', url: `/api/v1/items/${idOf(sensitive)}` })).json();
    expect(mine.media).toEqual([
      {
        type: 'video',
        url: `${origin.url}/video.mp4`,
        thumbnailUrl: thumbnailOf(sensitive),
        durationSec: 60,
        sensitive: true,
        hidden: false,
      },
    ]);
  });

  it('serves a cached thumbnail after its origin went away', async () => {
    const before = origin.requests.filter((r) => r.path === '/plain.png').length;
    const first = await viewer.inject({ method: 'GET', url: thumbnailOf(plain) });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('private, max-age=3600');
    expect(origin.requests.filter((r) => r.path === '/plain.png').length).toBe(before + 1);
    await origin.close();
    const again = await viewer.inject({ method: 'GET', url: thumbnailOf(plain) });
    expect(again.statusCode).toBe(200);
    expect(again.rawPayload.equals(PNG)).toBe(true);
    const sensitiveAgain = await analyst.inject({ method: 'GET', url: thumbnailOf(sensitive) });
    expect(sensitiveAgain.statusCode).toBe(200);
    // Not cached and the origin is gone: a clean 502, no internals.
    const gone = await viewer.inject({ method: 'GET', url: thumbnailOf(notImage, 0) });
    expect(gone.statusCode).toBe(502);
    expect(gone.json().error.code).toBe('media_refused');
  });
});

describe('thumbnails that are not images', () => {
  let test: TestStore;
  let app: FastifyInstance;
  let inject: Inject;
  let origin: TestServer;
  let cacheDir: string;
  let item: ItemInput;

  beforeAll(async () => {
    origin = await startServer();
    origin.route('/page.html', serve('<html><script>alert(1)</script></html>', { 'content-type': 'text/html' }));
    origin.route(
      '/icon.svg',
      serve('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', { 'content-type': 'image/svg+xml' }),
    );
    origin.route('/fake.png', serve('<html>not a png</html>', { 'content-type': 'image/png' }));
    cacheDir = mkdtempSync(join(tmpdir(), 'framewatch-media-test-'));
    test = await sqliteTestStore();
    ({ app, inject } = await buildTestApp(test.store, {
      media: { cacheDir, cacheMaxBytes: 1024 * 1024, allowPrivate: (host) => host === origin.host },
    }));
    item = anItem({
      media: [
        { type: 'photo', thumbnailUrl: `${origin.url}/page.html` },
        { type: 'photo', thumbnailUrl: `${origin.url}/icon.svg` },
        { type: 'photo', thumbnailUrl: `${origin.url}/fake.png` },
        { type: 'photo', thumbnailUrl: 'http://169.254.169.254/latest/meta-data.png' },
      ],
    });
    await test.store.upsertItems([item]);
  });
  afterAll(async () => {
    await app?.close();
    await test?.dispose();
    await origin?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it.each([
    [0, 'HTML'],
    [1, 'SVG (it can carry script)'],
    [2, 'bytes that are not what the content type claims'],
    [3, 'a cloud metadata address'],
  ])('refuses %s: %s', async (n) => {
    const res = await inject({ method: 'GET', url: `/api/v1/media/${idOf(item)}/${n}/thumbnail` });
    expect(res.statusCode).toBe(502);
    expect(res.json().error).toMatchObject({ code: 'media_refused', statusCode: 502 });
    expect(res.headers['content-type']).toMatch(/application\/json/u);
  });

  it('answers 404 for media that do not exist', async () => {
    expect((await inject({ method: 'GET', url: `/api/v1/media/${idOf(item)}/9/thumbnail` })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: '/api/v1/media/nope/0/thumbnail' })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: `/api/v1/media/${idOf(item)}/-1/thumbnail` })).statusCode).toBe(400);
  });
});
