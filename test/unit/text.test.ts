import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../server/store/search-syntax.js';
import { fold, snippets, tokenize } from '../../server/store/text.js';
import { sanitizeText } from '../../pipelines/enrich/sanitize.js';

describe('folding and tokens', () => {
  it('folds case and diacritics the way FTS5 remove_diacritics does, keeping Hangul intact', () => {
    expect(fold('Київ Ёлка Café')).toBe('киів елка cafe');
    expect(tokenize('북한군 포로, 귀순!')).toEqual(['북한군', '포로', '귀순']);
    expect(tokenize("п'ять — 1.2K переглядів")).toEqual(['п', 'ять', '1', '2k', 'переглядів']);
  });
});

describe('snippets', () => {
  it('marks matched words in title and text as plain segments', () => {
    const result = snippets('Обмін полоненими', 'Україна пропонує обмін. <b>Not markup</b>', parseSearchQuery('обмін'));
    expect(result[0]).toEqual({
      field: 'title',
      segments: [
        { text: 'Обмін', match: true },
        { text: ' полоненими', match: false },
      ],
    });
    expect(result[1]?.segments).toEqual([
      { text: 'Україна пропонує ', match: false },
      { text: 'обмін', match: true },
      { text: '. <b>Not markup</b>', match: false },
    ]);
  });

  it('centres a long text on its matches and shows where it was cut', () => {
    const text = `${'filler '.repeat(100)}the exchange offer ${'tail '.repeat(100)}`;
    const [fragment] = snippets('', text, parseSearchQuery('exchange'));
    expect(fragment?.segments[0]).toEqual({ text: '…', match: false });
    expect(fragment?.segments.at(-1)).toEqual({ text: '…', match: false });
    expect(fragment?.segments.some((s) => s.match && s.text === 'exchange')).toBe(true);
  });
});

describe('sanitizeText', () => {
  it('reduces markup to text, drops scripts and control characters, keeps line breaks', () => {
    expect(sanitizeText('<p>Перший<br>другий</p><script>alert(1)</script>\u0000\u202eкінець &amp; &#x41;')).toBe(
      'Перший\nдругий\nкінець & A',
    );
  });

  it('keeps escaped markup as visible text', () => {
    expect(sanitizeText('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('<script>alert(1)</script>');
  });

  it('normalises to NFC', () => {
    expect(sanitizeText('Київ'.normalize('NFD'))).toBe('Київ'.normalize('NFC'));
  });
});
