import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, type Fetcher } from '../../../pipelines/fetch/index.js';
import { createFeedCollector } from '../../../pipelines/collectors/feeds.js';
import { createGdeltCollector } from '../../../pipelines/collectors/gdelt.js';
import { CollectorRegistry, createDefaultRegistry, getCollector } from '../../../pipelines/collectors/registry.js';
import { createTelegramCollector } from '../../../pipelines/collectors/telegram.js';
import { SourceError, type CollectContext, type RawItem } from '../../../pipelines/collectors/types.js';
import { createYoutubeCollector } from '../../../pipelines/collectors/youtube.js';
import type { Source } from '../../../server/domain/schemas.js';
import { itemId } from '../../../server/store/prepare.js';
import { aCollectorSource, fixture, hasRealdata, realdata, rssEucKr, rssWindows1251 } from '../../fixtures/collectors/index.js';
import { serve, startServer, type TestServer } from './server.js';

const NOW = new Date('2026-01-21T08:30:00Z');
if (!hasRealdata) console.warn('[collectors] ../shared/realdata is absent: real-capture checks are skipped');

describe('collectors through the real fetcher', () => {
  let server: TestServer;
  let fetcher: Fetcher;
  const context = (source: Partial<Source>, state: CollectContext['state'] = {}): CollectContext => ({
    source: aCollectorSource(source),
    fetcher,
    state,
    now: NOW,
  });
  const byId = (items: RawItem[], id: string) => items.find((i) => i.externalId === id);

  beforeAll(async () => {
    server = await startServer();
    fetcher = createFetcher({ allowPrivate: (host) => host === server.host, politenessDelayMs: 0, retries: 0, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await fetcher.close();
    await server.close();
  });

  describe('telegram web preview', () => {
    beforeAll(() => {
      server.route('/s/fw_test', serve(fixture('telegram/channel-page.html'), { 'content-type': 'text/html; charset=utf-8' }));
      server.route('/s/fw_test?before=1201', serve(fixture('telegram/channel-page-older.html'), { 'content-type': 'text/html' }));
      server.route(
        '/s/fw_test?before=1195',
        serve('<html><body><section class="tgme_channel_history js-message_history"></section></body></html>'),
      );
      server.route('/s/fw_renamed', serve('', { location: '/fw_renamed' }, 302));
      server.route('/fw_renamed', serve(fixture('telegram/channel-info.html'), { 'content-type': 'text/html' }));
      const page = fixture('telegram/channel-page.html');
      // Cut inside the Korean post, after its text and before its date.
      server.route('/s/fw_truncated', serve(page.subarray(0, page.indexOf('link_preview_title'))));
    });

    it('collects posts with views, forwards, media, previews and edits, paging back', async () => {
      const result = await createTelegramCollector().collect(context({ platform: 'telegram', url: `${server.url}/s/fw_test` }));
      expect(result.items.map((i) => i.externalId)).toEqual(['1195', '1198', '1201', '1202', '1204', '1205']);
      expect(result.skipped).toEqual([{ ref: 'fw_test/1206', reason: 'missing date' }]);
      expect(result.state.lastSeenId).toBe(1205);

      const video = byId(result.items, '1201');
      expect(video).toMatchObject({
        kind: 'video',
        publishedAt: '2026-01-12T09:15:00.000Z',
        engagement: { views: 1200 },
        engagementRaw: { views: '1.2K' },
        forwardedFrom: { name: 'Хочу жить', url: 'https://t.me/hochu_zhit_ua/3310' },
        url: 'https://t.me/fw_test/1201',
      });
      expect(video?.media?.[0]).toMatchObject({
        type: 'video',
        durationSec: 267,
        thumbnailUrl: 'https://cdn4.telegram-cdn.org/file/thumb-1201.jpg',
      });
      expect(video?.text).toBe(
        "Полонені солдати КНДР дали інтерв'ю СБУ. Повне відео:\nyoutube.com/watch?v=AbCdEf12345\n🇺🇦 #КНДР натисни",
      );
      expect(video?.links).toContain('https://www.youtube.com/watch?v=AbCdEf12345');
      expect(video?.links?.some((l) => l.startsWith('javascript:'))).toBe(false);

      const photo = byId(result.items, '1202');
      expect(photo).toMatchObject({ kind: 'post', engagement: { views: 1_100_000 }, engagementRaw: { views: '1.1M' } });
      expect(photo?.media).toEqual([
        {
          type: 'photo',
          url: 'https://cdn4.telegram-cdn.org/file/photo-1202.jpg',
          thumbnailUrl: 'https://cdn4.telegram-cdn.org/file/photo-1202.jpg',
        },
      ]);
      expect((photo?.raw as { edited: boolean }).edited).toBe(true);
      expect((video?.raw as { edited: boolean }).edited).toBe(false);

      const korean = byId(result.items, '1204');
      expect(korean?.text).toContain('쿠르스크에서 생포된 북한군 포로');
      expect(korean?.engagement?.views).toBe(746);
      expect(korean?.media?.[0]).toMatchObject({
        type: 'link',
        url: 'https://www.yna.co.kr/view/AKR20260112000100504?input=1195m',
      });
      expect((korean?.raw as { linkPreview: { title: string } }).linkPreview.title).toBe('북한군 포로 "한국 가고 싶다"');

      const document = byId(result.items, '1205');
      expect(document?.media?.[0]?.type).toBe('document');
      expect(document?.engagement).toEqual({ views: 15_600, comments: 37 });
      // Zero-width and directional marks are passed through untouched; sanitizing is enrichment's job.
      expect(document?.text).toBe('Заява\u200b МЗС\u200f עברית \u200ftest\u200e 😀');
    });

    it('stops paging at the last seen id', async () => {
      const before = server.requests.length;
      const result = await createTelegramCollector().collect(
        context({ platform: 'telegram', url: `${server.url}/s/fw_test` }, { lastSeenId: 1202 }),
      );
      expect(result.items.map((i) => i.externalId)).toEqual(['1204', '1205']);
      expect(server.requests.length - before).toBe(1);
    });

    it('turns a renamed or unavailable channel into a SourceError', async () => {
      const error = await createTelegramCollector()
        .collect(context({ platform: 'telegram', url: `${server.url}/s/fw_renamed` }))
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as SourceError).code).toBe('unavailable');
    });

    it('keeps the messages of a truncated page that are complete enough', async () => {
      const result = await createTelegramCollector({ maxPages: 1 }).collect(
        context({ platform: 'telegram', url: `${server.url}/s/fw_truncated` }),
      );
      expect(result.items.map((i) => i.externalId)).toEqual(['1201', '1202']);
      expect(result.skipped).toEqual([{ ref: 'fw_test/1204', reason: 'missing date' }]);
    });

    it.skipIf(!hasRealdata)('parses the real forwarded post with 214.4K views', async () => {
      server.route('/s/oper_goblin', serve(realdata('telegram_web_html/any2feed_message_media_forwarded_from.html')));
      const result = await createTelegramCollector({ maxPages: 1 }).collect(
        context({ platform: 'telegram', url: `${server.url}/s/oper_goblin` }),
      );
      expect(result.items).toHaveLength(1);
      expect(result.items[0]).toMatchObject({
        externalId: '22358',
        publishedAt: '2023-02-27T07:20:50.000Z',
        engagement: { views: 214_400 },
        engagementRaw: { views: '214.4K' },
        forwardedFrom: { name: 'Пул N3', url: 'https://t.me/dimsmirnov175/44604' },
        text: 'Британская разведка выяснила, почему Ким Чен Ын начал выводить дочку в свет',
      });
    });

    it.skipIf(!hasRealdata)('parses the real 12-post channel page, video durations not taken as dates', async () => {
      server.route('/s/topwar_official', serve(realdata('telegram_web_html/any2feed_full.html')));
      const result = await createTelegramCollector({ maxPages: 1 }).collect(
        context({ platform: 'telegram', url: `${server.url}/s/topwar_official` }),
      );
      expect(result.items).toHaveLength(12);
      expect(result.skipped).toEqual([]);
      expect(byId(result.items, '70989')?.engagementRaw?.views).toBe('37.2K');
      const video = byId(result.items, '70992');
      expect(video?.kind).toBe('video');
      expect(video?.publishedAt).toBe('2023-02-28T08:51:58.000Z');
      expect(video?.media?.find((m) => m.type === 'video')?.durationSec).toBe(16);
      expect(result.items.filter((i) => i.forwardedFrom).length).toBe(5);
      expect(byId(result.items, '70996')?.links).toContain('http://t.me/infantmilitario/93419');
    });
  });

  describe('youtube feed', () => {
    it('collects videos and records an engagement snapshot per entry', async () => {
      server.route(
        '/feeds/videos.xml',
        serve(fixture('youtube/channel-feed.xml'), { 'content-type': 'text/xml; charset=UTF-8' }),
      );
      const source = { id: 'yt-test', platform: 'youtube' as const, url: `${server.url}/feeds/videos.xml?channel_id=UCfw` };
      const result = await createYoutubeCollector().collect(context(source));
      expect(result.items.map((i) => i.externalId)).toEqual(['AbCdEf12345', 'Zx9_Short-01']);
      expect(result.skipped).toEqual([{ ref: 'NoDate00001', reason: 'date without time zone: 2026-01-12 12:30:00' }]);
      const [main, short] = result.items;
      expect(main).toMatchObject({
        kind: 'video',
        title: 'Допит полонених солдатів КНДР | Interrogation of captured DPRK soldiers',
        publishedAt: '2026-01-12T08:00:05.000Z',
        editedAt: '2026-01-13T02:11:40.000Z',
        engagement: { views: 1_204_511, reactions: 18_234 },
        url: 'https://www.youtube.com/watch?v=AbCdEf12345',
      });
      expect(main?.text).toContain('Kursk & ask to go to South Korea');
      expect(main?.media?.[0]?.thumbnailUrl).toBe('https://i1.ytimg.com/vi/AbCdEf12345/hqdefault.jpg');
      expect(short?.url).toBe('https://www.youtube.com/shorts/Zx9_Short-01');
      expect((short?.raw as { shorts: boolean }).shorts).toBe(true);
      expect(result.snapshots).toEqual([
        { itemId: itemId('youtube', 'yt-test', 'AbCdEf12345'), at: NOW.toISOString(), views: 1_204_511, reactions: 18_234 },
        { itemId: itemId('youtube', 'yt-test', 'Zx9_Short-01'), at: NOW.toISOString(), views: 0, reactions: 0 },
      ]);
    });

    it.skipIf(!hasRealdata)('parses the real YTN feed: 15 Korean entries', async () => {
      server.route('/feeds/ytn.xml', serve(realdata('youtube_atom/ytn_feed_001.xml')));
      const result = await createYoutubeCollector().collect(context({ platform: 'youtube', url: `${server.url}/feeds/ytn.xml` }));
      expect(result.items).toHaveLength(15);
      expect(result.snapshots).toHaveLength(15);
      expect(result.items[0]?.externalId).toBe('v0mRyBRKHmk');
      expect(result.items[0]?.title).toContain('나토군 배치 시나리오');
      expect(result.items.every((i) => typeof i.engagement?.views === 'number')).toBe(true);
    });
  });

  describe('RSS, Atom and RDF feeds', () => {
    const feed = (path: string, official = false) =>
      createFeedCollector().collect(
        context({ platform: 'rss', type: official ? 'official' : 'media', url: `${server.url}${path}` }),
      );

    it('decodes a windows-1251 RSS feed with a default namespace, CDATA and relative links', async () => {
      server.route('/rss-1251.xml', serve(rssWindows1251(), { 'content-type': 'application/rss+xml' }));
      const result = await feed('/rss-1251.xml', true);
      expect(result.items.map((i) => i.title)).toEqual(['Заявление о военнопленных из КНДР', 'Второе сообщение — «Курск»']);
      expect(result.items[0]).toMatchObject({
        kind: 'statement',
        externalId: 'mil-101',
        url: `${server.url}/news/2026/01/12/101`,
        publishedAt: '2026-01-12T12:00:00.000Z',
        text: '<p>Министерство <b>опровергает</b> сведения.</p>',
        media: [{ type: 'video', url: 'https://mil.example.ru/video/101.mp4' }],
      });
      expect(result.items[1]?.publishedAt).toBe('2026-01-12T16:30:00.000Z');
      expect(result.skipped).toEqual([
        { ref: 'https://mil.example.ru/news/2026/01/12/103', reason: 'unreadable or zoneless date: 12 января 2026' },
      ]);
    });

    it('decodes an EUC-KR RSS feed', async () => {
      server.route('/rss-euckr.xml', serve(rssEucKr(), { 'content-type': 'text/xml' }));
      const result = await feed('/rss-euckr.xml');
      expect(result.items[0]?.title).toBe('우크라이나 내 북한군 포로 관련 외교부 입장');
      expect(result.items[0]?.publishedAt).toBe('2026-01-13T01:00:00.000Z');
    });

    it('uses the Content-Type charset when the XML declaration names none', async () => {
      const body = rssWindows1251().toString('latin1').replace(' encoding="windows-1251"', '');
      server.route(
        '/rss-header.xml',
        serve(Buffer.from(body, 'latin1'), { 'content-type': 'application/xml; charset=windows-1251' }),
      );
      const result = await feed('/rss-header.xml');
      expect(result.items[0]?.title).toBe('Заявление о военнопленных из КНДР');
    });

    it('reads Atom with a default namespace, xml:base and relative links', async () => {
      server.route('/atom.xml', serve(fixture('feeds/atom-default-ns.xml')));
      const result = await feed('/atom.xml', true);
      expect(result.items.map((i) => i.url)).toEqual([
        'https://mfa.example.org/en/press/statements/4411',
        'https://mfa.example.org/uk/press/statements/4412',
      ]);
      expect(result.items[0]).toMatchObject({
        title: 'Statement on the treatment of prisoners of war from the DPRK',
        publishedAt: '2026-01-12T16:30:00.000Z',
        editedAt: '2026-01-13T06:00:00.000Z',
      });
      expect(result.items[0]?.text).toContain('<b>reiterates</b>');
      expect(result.items[1]?.text).toBe(
        '<p>Україна готова передати військовослужбовців КНДР в обмін на українських полонених.</p>',
      );
      expect(result.skipped).toEqual([
        { ref: 'tag:mfa.example.org,2026:statement-4413', reason: 'date without time zone: 2026-01-13T07:45:00' },
      ]);
    });

    it('reads RDF (RSS 1.0) and skips an undated item', async () => {
      server.route('/rdf.xml', serve(fixture('feeds/rdf.xml')));
      const result = await feed('/rdf.xml');
      expect(result.items).toHaveLength(1);
      expect(result.items[0]).toMatchObject({
        publishedAt: '2026-01-11T21:10:00.000Z',
        url: 'https://news.example.net/a/100?utm_source=rss',
      });
      expect(result.skipped).toEqual([{ ref: 'https://news.example.net/a/101', reason: 'missing date' }]);
    });

    it('sends If-None-Match / If-Modified-Since from the state and reports notModified on 304', async () => {
      server.route('/conditional.xml', (req, res) => {
        if (req.headers['if-none-match'] === '"abc"') return void res.writeHead(304).end();
        res.writeHead(200, { etag: '"abc"', 'last-modified': 'Mon, 12 Jan 2026 10:00:00 GMT' }).end(fixture('feeds/rdf.xml'));
      });
      const collector = createFeedCollector();
      const first = await collector.collect(context({ platform: 'rss', url: `${server.url}/conditional.xml` }));
      expect(first.state).toEqual({ etag: '"abc"', lastModified: 'Mon, 12 Jan 2026 10:00:00 GMT' });
      const second = await collector.collect(context({ platform: 'rss', url: `${server.url}/conditional.xml` }, first.state));
      expect(second).toMatchObject({ notModified: true, items: [] });
    });

    it('rejects HTML and JSON with not_a_feed', async () => {
      server.route('/html', serve('<!DOCTYPE html><html><body><p>Oops<br></body></html>', { 'content-type': 'text/html' }));
      server.route('/json', serve('{"not":"xml"}', { 'content-type': 'application/json' }));
      server.route('/truncated', serve(fixture('feeds/rdf.xml').subarray(0, 600)));
      for (const path of ['/html', '/json', '/truncated']) {
        const error = await feed(path).catch((err: unknown) => err);
        expect(error).toBeInstanceOf(SourceError);
        expect((error as SourceError).code).toBe('not_a_feed');
      }
    });

    it.skipIf(!hasRealdata)('decodes the real windows-1251 Ukrainska Pravda feed: 20 items', async () => {
      server.route('/pravda.xml', serve(realdata('rss/dataimport_stub_pravda_rss.xml')));
      const result = await feed('/pravda.xml');
      expect(result.items).toHaveLength(20);
      expect(result.items[0]?.title).toBe('День сердца: инфаркты и инсульты значительно "помолодели"');
      expect(result.items[0]?.publishedAt).toBe('2020-09-29T12:00:00.000Z');
    });
  });

  describe('GDELT ArtList', () => {
    it('maps articles, languages and seen dates, skipping hostile and malformed rows', async () => {
      server.route('/api/v2/doc/doc', serve(fixture('gdelt/artlist.json'), { 'content-type': 'application/json' }));
      const collector = createGdeltCollector({ minIntervalMs: 0 });
      const result = await collector.collect(
        context({ platform: 'gdelt', handle: '"North Korean" prisoners', url: `${server.url}/api/v2/doc/doc` }),
      );
      expect(result.items.map((i) => [i.lang, i.publishedAt])).toEqual([
        ['ko', '2026-01-21T08:30:00.000Z'],
        ['uk', '2026-01-21T09:15:00.000Z'],
        ['ru', '2026-01-21T10:10:00.000Z'],
        ['en', '2026-01-21T11:05:00.000Z'],
      ]);
      expect(result.items[2]?.externalId).toBe('https://ria.ru/20260121/kndr-1999999999.html');
      expect(result.items[0]?.raw).toMatchObject({ domain: 'yna.co.kr', sourcecountry: 'South Korea' });
      expect(result.skipped.map((s) => s.reason)).toEqual([
        'duplicate article',
        'missing or non-http url',
        'invalid seendate 2026-01-21',
      ]);
      const request = server.requests.find((r) => r.path.startsWith('/api/v2/doc/doc'));
      const query = new URL(request?.path ?? '', server.url).searchParams;
      expect(query.get('query')).toBe('"North Korean" prisoners');
      expect(query.get('mode')).toBe('ArtList');
      expect(query.get('format')).toBe('json');
    });

    it('waits five seconds between requests on one collector', async () => {
      let clock = 1_000_000;
      const waits: number[] = [];
      const collector = createGdeltCollector({
        clock: () => clock,
        sleep: (ms) => {
          waits.push(ms);
          clock += ms;
          return Promise.resolve();
        },
      });
      const ctx = context({ platform: 'gdelt', handle: 'kursk', url: `${server.url}/api/v2/doc/doc` });
      await collector.collect(ctx);
      clock += 1200;
      await collector.collect(ctx);
      await collector.collect(ctx);
      expect(waits).toEqual([3800, 5000]);
    });

    it('turns GDELT text errors into a SourceError', async () => {
      server.route('/gdelt-error', serve('Please limit requests to one every 5 seconds.'));
      const error = await createGdeltCollector({ minIntervalMs: 0 })
        .collect(context({ platform: 'gdelt', handle: 'x', url: `${server.url}/gdelt-error` }))
        .catch((err: unknown) => err);
      expect((error as SourceError).code).toBe('gdelt_error');
    });
  });

  describe('registry', () => {
    it('serves one collector per platform and refuses duplicates', () => {
      const registry = createDefaultRegistry();
      expect(registry.platforms().sort()).toEqual(['gdelt', 'rss', 'telegram', 'youtube']);
      expect(() => registry.register(createFeedCollector())).toThrow(/already registered/);
      expect(getCollector('youtube').platform).toBe('youtube');
      expect(() => new CollectorRegistry().get('import')).toThrow(SourceError);
    });
  });
});
