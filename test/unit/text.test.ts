import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../server/store/search-syntax.js';
import { FAST_RANGES, fold, inFastRanges, searchable, searchableFolded, snippets, tokenize } from '../../server/store/text.js';
import { sanitizeLine, sanitizeText } from '../../pipelines/enrich/sanitize.js';

describe('folding and tokens', () => {
  it('folds case and diacritics the way FTS5 remove_diacritics does, keeping Hangul intact', () => {
    expect(fold('Київ Ёлка Café')).toBe('киів елка cafe');
    expect(tokenize('북한군 포로, 귀순!')).toEqual(['북한군', '포로', '귀순']);
    expect(tokenize("п'ять — 1.2K переглядів")).toEqual(['п', 'ять', '1', '2k', 'переглядів']);
  });

  // The general rule, which the per-character shortcut for common scripts must match exactly.
  const foldByRule = (text: string) =>
    text
      .normalize('NFD')
      .replace(/\p{Mn}/gu, '')
      .normalize('NFC')
      .toLowerCase();
  const indexedByRule = (text: string) =>
    foldByRule(text)
      .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
      .trim();

  it('folds and indexes every Latin-1, Cyrillic, punctuation and Hangul character as the general rule does', () => {
    const ranges = [
      [0x0000, 0x052f],
      [0x2000, 0x206f],
      [0xac00, 0xd7a3],
    ] as const;
    const mismatches: string[] = [];
    for (const [from, to] of ranges) {
      for (let code = from; code <= to; code++) {
        const char = String.fromCharCode(code);
        if (fold(char) !== foldByRule(char) || searchable(char) !== indexedByRule(char)) mismatches.push(code.toString(16));
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('folds mixed text, combining marks and other scripts as the general rule does', () => {
    const samples = [
      'Їжак й ЁЖИК, ўсё — «Café» № 5…',
      'Ще\u0301 ра\u0308з',
      '\u1100\u1161\u11a8 한국어 북한군',
      'İSTANBUL ΣΟΦΟΣ ǅemal',
      'Ａｂｃ １２３ ﬁ Å Ω',
      'e\u0301te\u0301 naïve',
      'ஊர் குடிநீர் ஓ',
      '😀 emoji ✓ 𝐀𝐁',
    ];
    // Pairs and runs of characters around the boundaries of the common scripts as well.
    const pool = 'aZé€ÿĀйЁїҊӿ҂҃—«»…가힣ᄀ\u0301\u0308ΣİǅＡ'.split('');
    for (let i = 0; i < 400; i++)
      samples.push(Array.from({ length: 6 }, (_, k) => pool[(i * 7 + k * 13) % pool.length]).join(''));
    for (const text of samples) {
      expect(fold(text), text).toBe(foldByRule(text));
      expect(searchable(text), text).toBe(indexedByRule(text));
    }
  });

  it('folds and indexes any text as the general rule does, whichever path it takes', () => {
    // Mostly characters of the fast ranges, sometimes one from elsewhere (the general path).
    const common = fc.constantFrom(
      ..."Aa Zz Éé Ёё Йй Її Ґґ Ўў ҂ Ҋ ӿ « » — … № € ß µ ÿ 가 힣 북한 0 9 \n \t , . - '".split(' '),
      ' ',
    );
    const rare = fc.constantFrom('\u0301', 'İ', 'Σ', 'ǅ', 'Ａ', 'ﬁ', '😀', '\u1100', '\ud800', 'ஊ');
    const text = fc
      .array(fc.oneof({ arbitrary: common, weight: 20 }, { arbitrary: rare, weight: 1 }), { maxLength: 60 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(fold(t)).toBe(foldByRule(t));
        expect(searchable(t)).toBe(indexedByRule(t));
        expect(searchableFolded(fold(t))).toBe(indexedByRule(t));
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('text in the fast ranges', () => {
  const fast = FAST_RANGES.flatMap(([from, to]) =>
    Array.from({ length: to - from + 1 }, (_, k) => String.fromCharCode(from + k)),
  );

  it('is already in NFC, character by character and in any sequence (sanitizeText skips NFC for it)', () => {
    expect(fast.filter((c) => !inFastRanges(c) || c.normalize('NFC') !== c)).toEqual([]);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fast), { maxLength: 40 }), (chars) => {
        const text = chars.join('');
        expect(inFastRanges(text)).toBe(true);
        expect(text.normalize('NFC')).toBe(text);
      }),
      { numRuns: 3_000 },
    );
    // A combining mark or a conjoining jamo is outside the ranges, and takes the general rule.
    expect(inFastRanges('e\u0301')).toBe(false);
    expect(sanitizeText('e\u0301 \u1100\u1161')).toBe('é 가');
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

  it('collapses spacing, line breaks and edges, and flattens lines, whether or not the text has markup', () => {
    expect(sanitizeText('  a\t\u00a0b  \r\n\n\n\n c \u0007')).toBe('a b\n\nc');
    expect(sanitizeText('ok\u000bok\ufeff')).toBe('okok');
    expect(sanitizeText('Вже чисто: нічого змінювати.')).toBe('Вже чисто: нічого змінювати.');
    expect(sanitizeLine('рядок\nдругий\u2003третій')).toBe('рядок другий третій');
    expect(sanitizeLine('один рядок')).toBe('один рядок');
  });
});
