import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../pipelines/collectors/feeds.js';
import { gdeltLanguage, parseSeenDate } from '../../../pipelines/collectors/gdelt.js';
import { parseTelegramExport } from '../../../pipelines/collectors/telegram-export.js';
import { parseTelegramPage } from '../../../pipelines/collectors/telegram.js';
import { SourceError } from '../../../pipelines/collectors/types.js';
import { canonicalUrl, decodeXml, parseAbbreviatedCount, parseZonedDate, safeLink } from '../../../pipelines/collectors/util.js';
import { parseYoutubeFeed } from '../../../pipelines/collectors/youtube.js';
import { fixture, rssEucKr } from '../../fixtures/collectors/index.js';

const PROPERTY = { seed: 20260121, numRuns: 200 };

/** Runs a parser and accepts success or a SourceError; anything else escapes and fails the property. */
function onlySourceErrors(run: () => unknown): boolean {
  try {
    run();
  } catch (err) {
    if (!(err instanceof SourceError)) throw err;
  }
  return true;
}

describe('collector helpers', () => {
  it('parses abbreviated counts', () => {
    expect(parseAbbreviatedCount('746')).toBe(746);
    expect(parseAbbreviatedCount('1.2K')).toBe(1200);
    expect(parseAbbreviatedCount('214.4K')).toBe(214_400);
    expect(parseAbbreviatedCount('1.1M')).toBe(1_100_000);
    expect(parseAbbreviatedCount('1,234')).toBe(1234);
    expect(parseAbbreviatedCount('many')).toBeUndefined();
    expect(parseAbbreviatedCount('')).toBeUndefined();
  });

  it('accepts only dates that name their zone', () => {
    expect(parseZonedDate('Tue, 29 Sep 2020 15:00:00 +0300')).toEqual({ iso: '2020-09-29T12:00:00.000Z' });
    expect(parseZonedDate('Mon, 12 Jan 2026 16:30:00 GMT')).toEqual({ iso: '2026-01-12T16:30:00.000Z' });
    expect(parseZonedDate('2026-01-21T08:30:00+09:00')).toEqual({ iso: '2026-01-20T23:30:00.000Z' });
    expect(parseZonedDate('2026-01-21T08:30:00Z')).toEqual({ iso: '2026-01-21T08:30:00.000Z' });
    expect(parseZonedDate('2026-01-21T08:30:00')).toEqual({ error: 'date without time zone: 2026-01-21T08:30:00' });
    expect(parseZonedDate('2026-01-21')).toMatchObject({
      error: expect.stringMatching(/without time zone/) as unknown as string,
    });
    expect(parseZonedDate('Tue, 29 Sep 2020 15:00:00')).toMatchObject({ error: expect.any(String) as unknown as string });
    expect(parseZonedDate('yesterday')).toMatchObject({ error: expect.any(String) as unknown as string });
    expect(parseZonedDate(undefined)).toEqual({ error: 'missing date' });
  });

  it('keeps only http(s) links and canonicalises URLs', () => {
    expect(safeLink('javascript:alert(1)')).toBeUndefined();
    expect(safeLink(' JaVaScRiPt:alert(1)')).toBeUndefined();
    expect(safeLink('data:text/html,<script>')).toBeUndefined();
    expect(safeLink('/a/b', 'https://x.example/c/')).toBe('https://x.example/a/b');
    expect(canonicalUrl('https://WWW.Example.com:443/a?utm_source=x&b=2&a=1#top')).toBe('https://www.example.com/a?a=1&b=2');
  });

  it('decodes by BOM, declaration, header, then UTF-8', () => {
    expect(decodeXml(rssEucKr()).encoding).toBe('euc-kr');
    expect(decodeXml(Buffer.from('<?xml version="1.0" encoding="x-made-up"?><a>é</a>')).note).toMatch(/unknown encoding/);
    expect(decodeXml(Buffer.from([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x2f, 0x3e])).text).toBe('<a/>');
    expect(decodeXml(Buffer.from([0xcf, 0xf0]), 'text/xml; charset=windows-1251').text).toBe('Пр');
  });

  it('maps GDELT languages and seen dates', () => {
    expect(['Ukrainian', 'Russian', 'Korean', 'English', 'German'].map(gdeltLanguage)).toEqual(['uk', 'ru', 'ko', 'en', 'de']);
    expect(gdeltLanguage('Klingon')).toBeUndefined();
    expect(parseSeenDate('20260121T083000Z')).toBe('2026-01-21T08:30:00.000Z');
    expect(parseSeenDate('20260231T083000Z')).toBeUndefined();
    expect(parseSeenDate('2026-01-21')).toBeUndefined();
  });
});

describe('bad input', () => {
  it('a t.me page without a message history is a SourceError', () => {
    expect(() => parseTelegramPage(fixture('telegram/channel-info.html').toString(), 'https://t.me/fw_renamed', 's')).toThrow(
      SourceError,
    );
    expect(() => parseTelegramPage('', 'https://t.me/s/x', 's')).toThrow(SourceError);
  });

  it('a malformed single message is skipped with its reason, others kept', () => {
    const html = `<section class="tgme_channel_history">
      <div class="tgme_widget_message" data-post="../../etc/1"><a class="tgme_widget_message_date"><time datetime="2026-01-12T09:00:00+00:00"></time></a></div>
      <div class="tgme_widget_message" data-post="ch_name/7"><a class="tgme_widget_message_date"><time datetime="2026-01-12T09:00:00"></time></a></div>
      <div class="tgme_widget_message" data-post="ch_name/8"><div class="tgme_widget_message_text js-message_text">ok</div><a class="tgme_widget_message_date"><time datetime="2026-01-12T09:00:00+00:00"></time></a></div>
    </section>`;
    const page = parseTelegramPage(html, 'https://t.me/s/ch_name', 's');
    expect(page.items.map((i) => i.externalId)).toEqual(['8']);
    expect(page.skipped).toEqual([
      { ref: '../../etc/1', reason: 'data-post is not channel/id' },
      { ref: 'ch_name/7', reason: 'date without time zone: 2026-01-12T09:00:00' },
    ]);
  });

  it('refuses XML entity declarations (billion laughs)', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>';
    expect(() => parseFeed(Buffer.from(bomb), { sourceId: 's', feedUrl: 'https://x.example/' })).toThrow(/entities/);
  });

  it('an XML document that is not a feed is not_a_feed', () => {
    const error = (() => {
      try {
        parseFeed(Buffer.from('<?xml version="1.0"?><html><body/></html>'), { sourceId: 's', feedUrl: 'https://x.example/' });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe('not_a_feed');
  });

  it('a feed with wrong declared encoding still parses, with mojibake, not a crash', () => {
    const bytes = Buffer.from(
      '<?xml version="1.0" encoding="windows-1251"?><rss><channel><item><title>Привіт</title><guid>1</guid><pubDate>Mon, 12 Jan 2026 10:00:00 GMT</pubDate></item></channel></rss>',
    );
    const feed = parseFeed(bytes, { sourceId: 's', feedUrl: 'https://x.example/' });
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]?.title).not.toBe('Привіт');
  });
});

describe('parsers never throw anything but SourceError (fast-check)', () => {
  const fragments = fc.constantFrom(
    '<div class="tgme_widget_message" data-post="c/1">',
    '<a class="tgme_widget_message_date"><time datetime="2026-01-12T09:00:00+00:00">',
    '<section class="tgme_channel_history">',
    '<span class="tgme_widget_message_views">1.2K</span>',
    '<a class="tgme_widget_message_forwarded_from_name" href="javascript:x">',
    '<rss><channel><item>',
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry>',
    '<pubDate>',
    '</item>',
    '<![CDATA[',
    ']]>',
    '<?xml version="1.0" encoding="euc-kr"?>',
    '<!ENTITY x "y">',
    '"messages": [',
    '{"id": 1, "type": "message", "date_unixtime": "1", "text": [',
    '‏\u200b😀',
    '</',
  );
  const hostile = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.array(fc.oneof(fragments, fc.string({ maxLength: 20 })), { maxLength: 25 }).map((p) => p.join('')),
  );

  it('t.me page parser', () => {
    fc.assert(
      fc.property(hostile, (html) => onlySourceErrors(() => parseTelegramPage(html, 'https://t.me/s/c', 's'))),
      PROPERTY,
    );
  });

  it('feed parsers on strings and raw bytes', () => {
    fc.assert(
      fc.property(hostile, fc.uint8Array({ maxLength: 300 }), (text, bytes) => {
        onlySourceErrors(() => parseFeed(Buffer.from(text), { sourceId: 's', feedUrl: 'https://x.example/' }));
        onlySourceErrors(() => parseFeed(Buffer.from(bytes), { sourceId: 's', feedUrl: 'https://x.example/' }));
        return onlySourceErrors(() => parseYoutubeFeed(Buffer.from(text), { sourceId: 's', now: new Date(0) }));
      }),
      PROPERTY,
    );
  });

  it('export parser resolves with a report (or a SourceError) on any input', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostile.map((s) => `{"name":"x","messages":[${s}`),
          hostile,
        ),
        async (text) => {
          try {
            const report = await parseTelegramExport(text, 's');
            expect(report.items).toBeGreaterThanOrEqual(0);
          } catch (err) {
            if (!(err instanceof SourceError)) throw err;
          }
        },
      ),
      PROPERTY,
    );
  });
});
