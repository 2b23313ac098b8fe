import { describe, expect, it } from 'vitest';
import { defaultCodebook } from '../../../pipelines/codebook/index.js';
import { isSensitive } from '../../../pipelines/enrich/sensitive.js';

const codebook = defaultCodebook();
const video = { kind: 'post' as const, media: [{ type: 'video' }] };
const photo = { kind: 'post' as const, media: [{ type: 'photo' }] };
const textOnly = { kind: 'post' as const };

describe('isSensitive', () => {
  it.each([
    ['uk', 'Відео допиту полоненого військового КНДР'],
    ['ru', 'Видео допроса пленного'],
    ['ko', '북한군 포로 심문 영상'],
    ['en', 'Interrogation of a captured North Korean soldier'],
  ])('flags prisoner footage described in %s', (lang, text) => {
    expect(isSensitive(video, text, lang, codebook)).toBe(true);
    expect(isSensitive(photo, text, lang, codebook)).toBe(true);
  });

  it('leaves text without footage and footage without such terms alone', () => {
    expect(isSensitive(textOnly, 'Відео допиту полоненого', 'uk', codebook)).toBe(false);
    expect(isSensitive(video, 'Парад у Пхеньяні', 'uk', codebook)).toBe(false);
  });

  it('follows the source setting for any item with footage', () => {
    expect(isSensitive(video, 'Нове відео', 'uk', codebook, { sensitive: true })).toBe(true);
    expect(isSensitive(textOnly, 'Нове відео', 'uk', codebook, { sensitive: true })).toBe(false);
    expect(isSensitive({ kind: 'video' }, 'New video', 'en', codebook, { sensitive: true })).toBe(true);
  });

  it('counts a link preview with a picture as footage', () => {
    const preview = {
      kind: 'article' as const,
      media: [{ type: 'link', url: 'https://example.com/a', thumbnailUrl: 'https://example.com/t.jpg' }],
    };
    expect(isSensitive(preview, 'Captured soldiers questioned', 'en', codebook)).toBe(true);
  });
});
