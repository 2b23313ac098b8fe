/**
 * Releases over the real HTTP app on SQLite and Elasticsearch: the ranked list with filters and
 * cursors, a release's detail (cascade, framing, engagement, items), and framing over time.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemInput } from '../../../server/domain/schemas.js';
import { buildTestApp, signIn, type Inject } from '../../helpers/auth.js';
import { anItem, idOf } from '../../helpers/factories.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../../helpers/stores.js';

const NOW = new Date('2026-01-25T00:00:00Z');

function cascade(tag: string, day: string, copies: [string, ItemInput['side'], string][]): ItemInput[] {
  const original = anItem({
    externalId: `${tag}-original`,
    sourceId: `${tag}-ua-military`,
    side: 'UA',
    lang: 'uk',
    kind: 'video',
    title: `${tag} interrogation video`,
    publishedAt: `${day}T08:00:00Z`,
    collectedAt: `${day}T09:00:00Z`,
    engagement: { views: 1000 },
    frames: [{ frameId: 'exchange_offer', evidence: ['обмін'] }],
    sensitive: true,
    media: [{ type: 'video', url: 'https://cdn.hostile.example/v.mp4', thumbnailUrl: 'https://cdn.hostile.example/t.jpg' }],
  });
  const id = idOf(original);
  return [
    { ...original, releaseId: id },
    ...copies.map(([sourceId, side, at], n) =>
      anItem({
        externalId: `${tag}-copy-${n}`,
        sourceId,
        side,
        lang: side === 'RU' ? 'ru' : side === 'KR' || side === 'KP' ? 'ko' : 'en',
        publishedAt: at,
        releaseId: id,
        engagement: { views: 100 * (n + 1) },
        frames: side === 'RU' ? [{ frameId: 'denial_fabrication', evidence: ['фейк'] }] : [],
      }),
    ),
  ];
}

const wide = cascade('wide', '2026-01-10', [
  ['wide-ru-1', 'RU', '2026-01-10T10:00:00Z'],
  ['wide-kr-1', 'KR', '2026-01-10T12:00:00Z'],
  ['wide-kp-1', 'KP', '2026-01-11T06:00:00Z'],
  ['wide-ru-2', 'RU', '2026-01-11T08:00:00Z'],
]);
const narrow = cascade('narrow', '2026-01-15', [
  ['narrow-ua-1', 'UA', '2026-01-15T09:00:00Z'],
  ['narrow-ua-2', 'UA', '2026-01-15T10:00:00Z'],
  ['narrow-ua-3', 'UA', '2026-01-15T11:00:00Z'],
  ['narrow-ua-4', 'UA', '2026-01-15T12:00:00Z'],
  ['narrow-ua-5', 'UA', '2026-01-15T13:00:00Z'],
]);
const wideId = idOf(wide[0] as ItemInput);
const narrowId = idOf(narrow[0] as ItemInput);

describe.each([
  ['sqlite', sqliteTestStore],
  ['elasticsearch', elasticsearchTestStore],
] as const)('releases API on %s', (_backend, makeStore) => {
  let test: TestStore;
  let app: FastifyInstance;
  let inject: Inject;
  const get = (url: string) => inject({ method: 'GET', url });

  beforeAll(async () => {
    test = await makeStore();
    ({ app, inject } = await buildTestApp(test.store));
    await test.store.upsertItems([...wide, ...narrow], NOW);
    // A later collection of the original with more views leaves a snapshot: the engagement curve.
    await test.store.upsertItems(
      [{ ...(wide[0] as ItemInput), engagement: { views: 5000 }, collectedAt: '2026-01-12T09:00:00Z' }],
      NOW,
    );
    await test.store.sync();
  });
  afterAll(async () => {
    await app?.close();
    await test?.dispose();
  });

  it('ranks releases by spread score: crossing sides and languages beats more copies on one side', async () => {
    const res = await get('/api/v1/releases?sort=spread');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(2);
    expect(body.releases.map((r: { id: string }) => r.id)).toEqual([wideId, narrowId]);
    expect(body.releases[0]).toMatchObject({
      pickups: 4,
      distinctSides: 4,
      distinctLangs: 3,
      distinctSources: 5,
      summedViews: 5000 + 100 + 200 + 300 + 400,
      firstSeenAt: '2026-01-10T08:00:00.000Z',
      lastSeenAt: '2026-01-11T08:00:00.000Z',
    });
    // log2(5) x 4 x (1 + log2(3))
    expect(body.releases[0].spreadScore).toBeCloseTo(Math.log2(5) * 4 * (1 + Math.log2(3)), 3);
    // Five copies, one side, two languages: log2(6) x 1 x (1 + log2(2)).
    expect(body.releases[1]).toMatchObject({
      pickups: 5,
      distinctSides: 1,
      distinctLangs: 2,
      spreadScore: Math.round(Math.log2(6) * 2 * 1e4) / 1e4,
    });
    const byPickups = (await get('/api/v1/releases?sort=pickups')).json();
    expect(byPickups.releases.map((r: { id: string }) => r.id)).toEqual([narrowId, wideId]);
    const byRecency = (await get('/api/v1/releases?sort=recency')).json();
    expect(byRecency.releases.map((r: { id: string }) => r.id)).toEqual([narrowId, wideId]);
  });

  it('filters by sides reached, first appearance and text, and pages with cursors', async () => {
    const kp = (await get('/api/v1/releases?side=KP')).json();
    expect(kp.releases.map((r: { id: string }) => r.id)).toEqual([wideId]);
    const january12 = (await get('/api/v1/releases?from=2026-01-12T00:00:00Z')).json();
    expect(january12.releases.map((r: { id: string }) => r.id)).toEqual([narrowId]);
    // An item of the wide release lies in this range, but the release first appeared before it.
    const eleventh = (await get('/api/v1/releases?from=2026-01-11T00:00:00Z&to=2026-01-12T00:00:00Z')).json();
    expect(eleventh.total).toBe(0);
    const text = (await get(`/api/v1/releases?q=${encodeURIComponent('narrow')}`)).json();
    expect(text.releases.map((r: { id: string }) => r.id)).toEqual([narrowId]);
    const first = (await get('/api/v1/releases?sort=views&limit=1')).json();
    expect(first.releases).toHaveLength(1);
    const second = (await get(`/api/v1/releases?sort=views&limit=1&cursor=${first.nextCursor}`)).json();
    expect([first.releases[0].id, second.releases[0].id].sort()).toEqual([wideId, narrowId].sort());
    expect(second.nextCursor).toBeNull();
    expect((await get('/api/v1/releases?sort=loudest')).statusCode).toBe(400);
    expect((await get('/api/v1/releases?cursor=garbage')).json().error.code).toBe('validation_failed');
  });

  it('details a release: cascade per side and source, framing, engagement curve and its items', async () => {
    const res = await get(`/api/v1/releases/${wideId}?interval=day&limit=2`);
    expect(res.statusCode).toBe(200);
    const d = res.json();
    expect(d.release).toMatchObject({ id: wideId, pickups: 4, original: { id: wideId } });
    expect(d.firstSeenPerSide.map((f: { side: string; delaySec: number }) => [f.side, f.delaySec])).toEqual([
      ['UA', 0],
      ['RU', 7200],
      ['KR', 14400],
      ['KP', 22 * 3600],
    ]);
    expect(d.firstSeenPerSource.map((f: { sourceId: string }) => f.sourceId)).toEqual([
      'wide-ua-military',
      'wide-ru-1',
      'wide-kr-1',
      'wide-kp-1',
      'wide-ru-2',
    ]);
    expect(d.curve.map((c: { pickups: number }) => c.pickups)).toEqual([2, 2]);
    const cell = (side: string, frame: string) =>
      d.framing.cells.find((c: { side: string; frame: string }) => c.side === side && c.frame === frame);
    expect(cell('RU', 'denial_fabrication')).toMatchObject({ count: 2, share: 1 });
    expect(cell('UA', 'exchange_offer')).toMatchObject({ count: 1, share: 1 });
    expect(d.engagement.map((s: { at: string; views: number }) => [s.at, s.views])).toEqual([
      ['2026-01-10T09:00:00.000Z', 1000],
      ['2026-01-12T09:00:00.000Z', 5000],
    ]);
    expect(d.items.total).toBe(5);
    expect(d.items.items).toHaveLength(2);
    const rest = (await get(`/api/v1/releases/${wideId}/items?limit=10&cursor=${d.items.nextCursor}`)).json();
    expect(rest.items).toHaveLength(3);
    expect(rest.nextCursor).toBeNull();
    // The sensitive original's media stay hidden here as everywhere.
    expect(d.release.original.media).toEqual([{ type: 'video', sensitive: true, hidden: true }]);
    const original = rest.items.find((i: { id: string }) => i.id === wideId);
    expect(original.media).toEqual([{ type: 'video', sensitive: true, hidden: true }]);
    expect(res.body).not.toContain('cdn.hostile.example');
  });

  it('answers 404 for an unknown release', async () => {
    const res = await get('/api/v1/releases/no-such-release');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('lets viewers read releases', async () => {
    const viewer = await signIn(app, 'viewer');
    expect((await viewer.inject({ method: 'GET', url: '/api/v1/releases' })).statusCode).toBe(200);
  });

  it('charts framing over time with shares and the change against the previous period', async () => {
    const res = await get('/api/v1/analytics/framing/timeline?interval=day&from=2026-01-10T00:00:00Z&to=2026-01-12T00:00:00Z');
    expect(res.statusCode).toBe(200);
    const t = res.json();
    expect(t).toMatchObject({ interval: 'day', timeZone: 'UTC' });
    expect(t.buckets.map((b: { start: string }) => b.start)).toEqual(['2026-01-10T00:00:00.000Z', '2026-01-11T00:00:00.000Z']);
    const [tenth, eleventh] = t.buckets;
    expect(tenth.cells.find((c: { side: string }) => c.side === 'RU')).toMatchObject({
      frame: 'denial_fabrication',
      count: 1,
      share: 1,
      previousShare: null,
    });
    expect(eleventh.cells.find((c: { side: string }) => c.side === 'RU')).toMatchObject({
      count: 1,
      share: 1,
      previousCount: 1,
      previousShare: 1,
      shareChange: 0,
    });
    // UA framed the offer on the 10th and said nothing on the 11th: the cell stays, at zero.
    expect(eleventh.cells.find((c: { side: string }) => c.side === 'UA')).toMatchObject({ count: 0, previousCount: 1 });
    expect((await get('/api/v1/analytics/framing/timeline?interval=hour')).statusCode).toBe(400);
  });
});
