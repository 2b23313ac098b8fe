/**
 * A source run end to end: the real fetcher against a local HTTP server serving recorded t.me
 * pages and a feed, enrichment, the real SQLite store, the run recorded on the source and its
 * status published on the bus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineStatus } from '../../../server/events/bus.js';
import { EventBus } from '../../../server/events/bus.js';
import { createFetcher, type Fetcher } from '../../../pipelines/fetch/index.js';
import { Pipeline } from '../../../pipelines/runner.js';
import { fixture, rssWindows1251 } from '../../fixtures/collectors/index.js';
import { aSource } from '../../helpers/factories.js';
import { sqliteTestStore, type TestStore } from '../../helpers/stores.js';
import { serve, startServer, type TestServer } from '../collectors/server.js';

let server: TestServer;
let test: TestStore;
let fetcher: Fetcher;
const statuses: PipelineStatus[] = [];
let pipeline: Pipeline;

beforeAll(async () => {
  server = await startServer();
  server.route('/s/fw_test', serve(fixture('telegram/channel-page.html'), { 'content-type': 'text/html; charset=utf-8' }));
  server.route('/s/fw_test?before=1201', serve(fixture('telegram/channel-page-older.html'), { 'content-type': 'text/html' }));
  server.route('/s/fw_test?before=1195', serve('<html><body><section class="tgme_channel_history"></section></body></html>'));
  server.route('/s/fw_gone', serve('', { location: '/fw_gone' }, 302));
  server.route('/fw_gone', serve(fixture('telegram/channel-info.html'), { 'content-type': 'text/html' }));
  server.route('/statements.rss', serve(rssWindows1251(), { 'content-type': 'application/rss+xml' }));
  test = await sqliteTestStore();
  fetcher = createFetcher({ allowPrivate: (host) => host === server.host, politenessDelayMs: 0, retries: 0 });
  const bus = new EventBus();
  bus.on('pipeline:status', (s) => statuses.push(s));
  pipeline = new Pipeline({ store: test.store, fetcher, bus });
  await test.store.createSource(
    aSource({
      id: 'ua-test-channel',
      platform: 'telegram',
      url: `${server.url}/s/fw_test`,
      side: 'UA',
      type: 'official',
      releaseSource: true,
    }),
  );
  await test.store.createSource(
    aSource({ id: 'gone-channel', platform: 'telegram', url: `${server.url}/s/fw_gone`, side: 'RU' }),
  );
  await test.store.createSource(
    aSource({
      id: 'ru-statements',
      platform: 'rss',
      url: `${server.url}/statements.rss`,
      side: 'RU',
      type: 'official',
      lang: 'ru',
    }),
  );
});

afterAll(async () => {
  await fetcher?.close();
  await server?.close();
  await test?.dispose();
});

describe('collection runs', () => {
  it('collects a channel, enriches and stores its posts, and records the run', async () => {
    const report = await pipeline.runSource('ua-test-channel');
    expect(report.state).toBe('succeeded');
    expect(report.counts.fetched).toBeGreaterThan(3);
    // Every collected post is stored; the fixture's post without a date is skipped with its reason.
    expect(report.counts.created).toBe(report.counts.fetched);
    expect(report.skipped).toContainEqual(expect.objectContaining({ reason: expect.stringMatching(/date/u) }));
    const stored = await test.store.searchItems({ filter: { sourceIds: ['ua-test-channel'] }, sort: 'time', limit: 50 });
    expect(stored.total).toBe(report.counts.created);
    const langs = new Set(stored.hits.map((h) => h.item.lang));
    expect([...langs].some((l) => ['uk', 'ru', 'ko'].includes(l))).toBe(true);
    expect(stored.hits.every((h) => h.item.side === 'UA')).toBe(true);
    // A release source opens releases with its posts.
    expect(stored.hits.some((h) => h.item.releaseId === h.item.id)).toBe(true);
    const source = await test.store.getSource('ua-test-channel');
    expect(source).toMatchObject({ lastRunStatus: 'succeeded', lastError: null, itemsCollected: report.counts.created });
    expect(statuses.filter((s) => s.sourceId === 'ua-test-channel').map((s) => s.state)).toEqual(['running', 'succeeded']);
  });

  it('stores nothing new when the channel has nothing new', async () => {
    const report = await pipeline.runSource('ua-test-channel');
    expect(report.state).toBe('succeeded');
    expect(report.counts.created).toBe(0);
  });

  it('records an unavailable channel as a failed run without throwing', async () => {
    const report = await pipeline.runSource('gone-channel');
    expect(report.state).toBe('failed');
    expect(report.error).toMatch(/unavailable or renamed/u);
    expect(await test.store.getSource('gone-channel')).toMatchObject({ lastRunStatus: 'failed', lastError: report.error });
    expect(statuses.at(-1)).toMatchObject({ sourceId: 'gone-channel', state: 'failed' });
  });

  it('collects a windows-1251 statement feed into Russian items', async () => {
    const report = await pipeline.runSource('ru-statements');
    expect(report.state).toBe('succeeded');
    const stored = await test.store.searchItems({ filter: { sourceIds: ['ru-statements'] }, sort: 'time', limit: 50 });
    expect(stored.total).toBeGreaterThan(0);
    expect(stored.hits.every((h) => /[а-яё]/iu.test(h.item.title + h.item.text))).toBe(true);
    expect(stored.hits.every((h) => h.item.kind === 'statement' || h.item.kind === 'article')).toBe(true);
  });

  it('runs one source at a time', async () => {
    const [a, b] = await Promise.all([pipeline.runSource('ru-statements'), pipeline.runSource('ru-statements')]);
    expect([a.state, b.state].sort()).toEqual(['skipped', 'succeeded']);
  });
});
