import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../server/store/search-syntax.js';
import { ftsExpression } from '../../server/store/sqlite/filter.js';

describe('search syntax', () => {
  it('reads words, phrases, OR, exclusions and prefixes', () => {
    const ast = parseSearchQuery('Обмін "prisoner exchange" KCNA OR 조선중앙통신 -fake exch*');
    expect(ast).toEqual({
      must: [
        [{ tokens: ['обмін'], prefix: false }],
        [{ tokens: ['prisoner', 'exchange'], prefix: false }],
        [
          { tokens: ['kcna'], prefix: false },
          { tokens: ['조선중앙통신'], prefix: false },
        ],
        [{ tokens: ['exch'], prefix: true }],
      ],
      mustNot: [{ tokens: ['fake'], prefix: false }],
    });
    expect(ftsExpression(ast!)).toBe('("обмін" AND "prisoner exchange" AND ("kcna" OR "조선중앙통신") AND "exch"*) NOT ("fake")');
  });

  it('treats punctuation-only and empty queries as no query', () => {
    expect(parseSearchQuery('')).toBeUndefined();
    expect(parseSearchQuery('  !!! ')).toBeUndefined();
    expect(parseSearchQuery(undefined)).toBeUndefined();
  });

  it('cannot be made to inject FTS syntax: quotes, operators and parentheses become plain words', () => {
    const ast = parseSearchQuery('NEAR(a b) col:value ^start');
    expect(ftsExpression(ast!)).toBe('"near a" AND "b" AND "col value" AND "start"');
  });

  it.each([
    ['"unclosed phrase', /quote opened at character 1 is never closed/u],
    ['OR word', /OR at character 1 needs a term on both sides/u],
    ['word OR', /ends with OR/u],
    ['-only -exclusions', /only excludes words/u],
    ['"two words"*', /prefix works on one word/u],
    ['a*', /at least 2 letters/u],
    ['x'.repeat(501), /at most 500/u],
  ])('explains what is wrong with %s', (query, message) => {
    expect(() => parseSearchQuery(query)).toThrow(message);
  });
});
