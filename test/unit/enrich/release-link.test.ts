import { describe, expect, it } from 'vitest';
import { canonicalUrl, ReleaseLinker, youtubeId, type LinkableItem } from '../../../pipelines/enrich/release-link.js';

describe('canonicalUrl', () => {
  it.each([
    ['https://example.com/a/?utm_source=x&utm_medium=y&b=2&a=1#top', 'https://example.com/a?a=1&b=2'],
    ['http://www.Example.COM/news/', 'https://example.com/news'],
    ['example.com/news?fbclid=abc&gclid=def', 'https://example.com/news'],
    ['https://t.me/s/UA_POW_HQ/1201', 'https://t.me/ua_pow_hq/1201'],
    ['https://t.me/ua_pow_hq/1201?single', 'https://t.me/ua_pow_hq/1201'],
    ['https://telegram.me/ua_pow_hq/1201/', 'https://t.me/ua_pow_hq/1201'],
    ['https://youtu.be/Qx7Zp2LmN4s?si=AbC', 'https://youtube.com/watch?v=Qx7Zp2LmN4s'],
    ['https://www.youtube.com/watch?v=Qx7Zp2LmN4s&feature=share&t=42', 'https://youtube.com/watch?v=Qx7Zp2LmN4s'],
    ['https://m.youtube.com/shorts/Qx7Zp2LmN4s', 'https://youtube.com/watch?v=Qx7Zp2LmN4s'],
    ['https://www.youtube-nocookie.com/embed/Qx7Zp2LmN4s', 'https://youtube.com/watch?v=Qx7Zp2LmN4s'],
    ['https://example.com:443/', 'https://example.com'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });

  it('refuses what is not an http(s) URL', () => {
    expect(canonicalUrl('javascript:alert(1)')).toBeNull();
    expect(canonicalUrl('not a url')).toBeNull();
    expect(youtubeId('https://www.youtube.com/channel/UC123')).toBeNull();
  });
});

const base = (over: Partial<LinkableItem> & { id: string }): LinkableItem => ({
  sourceId: 's',
  publishedAt: '2026-01-20T08:00:00Z',
  text: '',
  ...over,
});

const LONG =
  'Двоє військових КНДР, взятих у полон на Курщині, розповідають, як їх відправили до Росії під виглядом навчань, і кажуть, що не хочуть повертатися додому.';

describe('ReleaseLinker', () => {
  it('opens a release for a release source and links later copies to it', () => {
    const linker = new ReleaseLinker();
    const original = base({ id: 'o', url: 'https://t.me/src/1', text: LONG });
    const opened = linker.link({ ...original, releaseSource: true });
    expect(opened).toEqual({ releaseId: 'o', reason: 'new_release' });
    linker.remember({ ...original, releaseId: 'o' });
    expect(linker.link(base({ id: 'f', forwardedFrom: { url: 'https://t.me/s/src/1' }, text: 'x' })).reason).toBe('forward');
    expect(linker.link(base({ id: 'l', links: ['t.me/src/1?utm_source=a'], text: 'x' })).releaseId).toBe('o');
    const dup = linker.link(base({ id: 'd', publishedAt: '2026-01-21T08:00:00Z', text: `Терміново! ${LONG}` }));
    expect(dup.reason).toBe('near_duplicate');
    expect(dup.similarity).toBeGreaterThan(0.5);
  });

  it('opens a release for an official video but not for an official text post or a channel video', () => {
    const linker = new ReleaseLinker();
    expect(linker.link({ ...base({ id: 'a', kind: 'video', text: 'x' }), sourceType: 'official' }).reason).toBe('new_release');
    expect(linker.link({ ...base({ id: 'b', kind: 'post', text: 'x' }), sourceType: 'official' }).reason).toBe('none');
    expect(linker.link({ ...base({ id: 'c', kind: 'video', text: 'x' }), sourceType: 'channel' }).reason).toBe('none');
  });

  it('does not link short generic texts or copies outside the window', () => {
    const linker = new ReleaseLinker();
    linker.remember({ ...base({ id: 'o', text: `Відео з полоненими. ${LONG}` }), releaseId: 'o' });
    expect(linker.link(base({ id: 's', text: 'Відео з полоненими.' })).reason).toBe('none');
    expect(linker.link(base({ id: 'late', publishedAt: '2026-02-10T08:00:00Z', text: LONG })).reason).toBe('none');
  });

  it('evicts entries older than the window', () => {
    const linker = new ReleaseLinker({ windowDays: 14 });
    linker.remember({ ...base({ id: 'o', url: 'https://t.me/src/1', text: LONG }), releaseId: 'o' });
    linker.remember({ ...base({ id: 'n', publishedAt: '2026-02-20T00:00:00Z', text: 'x' }), releaseId: null });
    expect(linker.evictOlderThan(new Date('2026-02-06T00:00:00Z'))).toBe(1);
    expect(linker.size).toBe(1);
    expect(linker.link(base({ id: 'f', forwardedFrom: { url: 'https://t.me/src/1' }, text: 'x' })).reason).toBe('none');
  });

  it('answers the same for an item it has already seen', () => {
    const linker = new ReleaseLinker();
    const item = base({ id: 'o', text: LONG });
    linker.remember({ ...item, releaseId: 'o' });
    expect(linker.link(item)).toEqual({ releaseId: 'o', reason: 'new_release' });
  });
});
