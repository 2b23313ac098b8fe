import { describe, expect, it } from 'vitest';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import '../../../server/domain/validate.js';
import { ItemInput } from '../../../server/domain/schemas.js';
import { itemId } from '../../../server/store/prepare.js';
import type { RawItem } from '../../../pipelines/collectors/types.js';
import { enrich, normaliseLang, ReleaseLinker, type EnrichSource } from '../../../pipelines/enrich/index.js';

const check = TypeCompiler.Compile(ItemInput);
const now = new Date('2026-01-21T00:00:00Z');
const hq: EnrichSource = { id: 'ua-pow-hq', side: 'UA', type: 'official', releaseSource: true };

const rawItem = (over: Partial<RawItem> = {}): RawItem => ({
  platform: 'telegram',
  sourceId: 'ua-pow-hq',
  externalId: '1201',
  kind: 'video',
  url: 'https://t.me/ua_pow_hq/1201',
  title: '  <b>Допит</b> полонених  ',
  text: '<p>Двоє військових КНДР, взятих у полон на Курщині, розповідають про війну.</p><p>Україна готова до обміну полоненими, заявив Зеленський.</p><script>x()</script>',
  publishedAt: '2026-01-20T08:00:00Z',
  media: [
    { type: 'video', url: 'https://cdn.example/v.mp4', durationSec: 300 },
    { type: 'photo', url: 'not a url' },
  ],
  engagement: { views: 1200, forwards: -1 },
  links: ['https://youtu.be/Qx7Zp2LmN4s'],
  raw: { html: '<div>…</div>' },
  ...over,
});

describe('enrich', () => {
  it('produces a valid ItemInput with language, side, frames, entities, release and sensitive flag', () => {
    const { item, link, language } = enrich(rawItem(), { source: hq, linker: new ReleaseLinker(), now });
    expect([...check.Errors(item)].map((e) => `${e.path} ${e.message}`)).toEqual([]);
    expect(item.title).toBe('Допит полонених');
    expect(item.text).not.toMatch(/<|x\(\)/u);
    expect(item.lang).toBe('uk');
    expect(language.confidence).toBeGreaterThan(0.8);
    expect(item.side).toBe('UA');
    expect(item.frames?.map((f) => f.frameId)).toContain('exchange_offer');
    expect(item.entities).toEqual(
      expect.arrayContaining([
        { type: 'place', name: 'Kursk' },
        { type: 'person', name: 'Volodymyr Zelensky' },
      ]),
    );
    expect(link.reason).toBe('new_release');
    expect(item.releaseId).toBe(itemId('telegram', 'ua-pow-hq', '1201'));
    expect(item.sensitive).toBe(true);
    expect(item.media).toEqual([{ type: 'video', url: 'https://cdn.example/v.mp4', durationSec: 300 }, { type: 'photo' }]);
    expect(item.engagement).toEqual({ views: 1200 });
    expect(item.raw).toEqual({ html: '<div>…</div>' });
    expect(item.collectedAt).toBe(now.toISOString());
  });

  it('links a forward through the shared linker and takes a per-item side override', () => {
    const linker = new ReleaseLinker();
    const original = enrich(rawItem(), { source: hq, linker, now });
    const copy = enrich(
      rawItem({
        sourceId: 'ru-war-notes',
        externalId: '555',
        kind: 'post',
        url: 'https://t.me/ru_war_notes/555',
        forwardedFrom: { name: 'HQ', url: 'https://t.me/ua_pow_hq/1201' },
        media: [],
        title: undefined,
        text: 'Смотрите, что показали в Киеве.',
      }) as RawItem & { side?: string },
      { source: { id: 'ru-war-notes', side: 'RU', type: 'channel' }, linker, now },
    );
    expect(copy.link.reason).toBe('forward');
    expect(copy.item.releaseId).toBe(original.item.releaseId);
    expect(copy.item.forwardedFrom).toBe('https://t.me/ua_pow_hq/1201');
    expect(copy.item.lang).toBe('ru');
    expect(check.Check(copy.item)).toBe(true);
    const overridden = enrich({ ...rawItem({ externalId: '9' }), side: 'INTL' }, { source: hq, now });
    expect(overridden.item.side).toBe('INTL');
  });

  it('keeps a declared language when detection is unsure, and trusts confident detection over it', () => {
    const short = enrich(rawItem({ title: undefined, text: 'Курськ', lang: 'uk-UA', media: [] }), { source: hq, now });
    expect(short.item.lang).toBe('uk');
    const wrong = enrich(rawItem({ lang: 'Russian' }), { source: hq, now });
    expect(wrong.item.lang).toBe('uk');
    expect(normaliseLang('Korean')).toBe('ko');
    expect(normaliseLang('ukr')).toBe('uk');
  });

  it('drops values the schema would refuse instead of failing the item', () => {
    const { item } = enrich(rawItem({ url: 'javascript:alert(1)', title: 'x'.repeat(3000) }), { source: hq, now });
    expect(item.url).toBeUndefined();
    expect(item.title?.length).toBe(2000);
    expect(check.Check(item)).toBe(true);
  });

  it('keeps the links of the content as data: http(s) addresses only, each once, at most 100', () => {
    const links = [
      'https://Example.org/a',
      'javascript:alert(1)',
      'https://example.org/a',
      'not a url',
      `https://example.org/${'x'.repeat(5000)}`,
      ...Array.from({ length: 150 }, (_, i) => `https://t.me/fw_test/${i}`),
    ];
    const { item } = enrich(rawItem({ links }), { source: hq, now });
    expect(item.links?.slice(0, 2)).toEqual(['https://example.org/a', 'https://t.me/fw_test/0']);
    expect(item.links).toHaveLength(100);
    expect(check.Check(item)).toBe(true);
    expect(enrich(rawItem({ links: ['ftp://example.org/x'] }), { source: hq, now }).item.links).toBeUndefined();
  });
});
