/**
 * The release linker's text signature scans the text once, hashing words as it goes. It must give
 * exactly the MinHash its definition gives: words are the runs of [\p{L}\p{N}] once URLs are
 * removed, hashed with FNV-1a over their UTF-16 code units; shingles are three words in a row; the
 * signature keeps the least mix32(shingle ^ seed) per seed. The reference below is that definition
 * written with regular expressions and a Set.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemSignature } from '../../../pipelines/enrich/release-link.js';
import { mix32 } from '../../../pipelines/hashing.js';
import { fold } from '../../../server/store/text.js';
import { mixedText } from '../../helpers/texts.js';

function reference(folded: string): { mins: number[]; size: number; tokens: number } {
  const words = folded.replace(/(?:https?:\/\/|www\.)\S+|\bt\.me\/\S+/giu, ' ').match(/[\p{L}\p{N}]+/gu) ?? [];
  const hashes = words.slice(0, 3_000).map((w) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
    return h >>> 0;
  });
  const shingles = new Set<number>();
  for (let i = 0; i + 3 <= hashes.length; i++) {
    const [a, b, c] = [hashes[i], hashes[i + 1], hashes[i + 2]] as [number, number, number];
    shingles.add(mix32(a ^ mix32(b ^ mix32(c + 0x632be5ab))));
  }
  const mins = Array.from({ length: 64 }, (_, k) => {
    const seed = mix32(0x9e3779b9 ^ mix32(k + 1));
    let least = 0xffffffff;
    for (const s of shingles) least = Math.min(least, mix32(s ^ seed));
    return least;
  });
  return { mins, size: shingles.size, tokens: words.length };
}

const signatureOf = (title: string, text: string) => {
  const s = itemSignature({ title, text }, `${fold(title)}\n${fold(text)}`);
  return { mins: [...s.mins], size: s.size, tokens: s.tokens };
};

const text = mixedText([
  'Курськ',
  'зеленський',
  '김정은',
  'kim',
  'a\u0301',
  '𝐀𝐁',
  '😀',
  '\ud800',
  '\udc00',
  '٣',
  'ｗｗｗ',
  'https://t.me/s/x/1',
  'www.example.org/a?b=1',
  't.me/channel/5',
  ' ',
  '\n',
  '-',
  '.',
  '_',
]);

describe('itemSignature', () => {
  it('is the MinHash of its definition for any text, surrogates and URLs included', () => {
    fc.assert(
      fc.property(text, text, (title, body) => {
        expect(signatureOf(title, body)).toEqual(reference(`${fold(title)}\n${fold(body)}`));
      }),
      { numRuns: 2_000 },
    );
  });

  it('counts every word but hashes only the first 3,000', () => {
    const long = Array.from({ length: 3_200 }, (_, i) => `слово${i}`).join(' ');
    expect(signatureOf('', long)).toEqual(reference(`\n${fold(long)}`));
    expect(signatureOf('', long).tokens).toBe(3_200);
  });
});
