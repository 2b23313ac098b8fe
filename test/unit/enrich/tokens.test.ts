/**
 * analyzeText scans a text once for its words instead of matching a global pattern; the words
 * must be exactly the runs of [\p{L}\p{N}\p{M}] such a pattern finds, with the same offsets, for
 * any text: surrogate pairs, lone surrogates, combining marks and folds that change the length.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../pipelines/enrich/patterns.js';
import { fold } from '../../../server/store/text.js';
import { mixedText } from '../../helpers/texts.js';

function reference(text: string): { start: number; end: number; folded: string }[] {
  const folded = fold(text);
  const aligned = folded.length === text.length;
  const source = aligned ? folded : text;
  return [...source.matchAll(/[\p{L}\p{N}\p{M}]+/gu)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    folded: aligned ? m[0] : fold(m[0]),
  }));
}

const text = mixedText(
  ['Курськ', 'ЇЖАК', '김정은', 'a\u0301', 'İ', '𝐀𝐁', '😀', '\ud800', '\udc00', '٣', '-', ' ', "п'ять", '\u0483'],
  30,
);

describe('analyzeText', () => {
  it('finds the runs of letters, digits and marks a global pattern finds', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(analyzeText(t).tokens).toEqual(reference(t));
      }),
      { numRuns: 2_000 },
    );
  });
});
