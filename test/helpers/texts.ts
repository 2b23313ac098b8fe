/** Arbitrary texts for property tests of code that scans text: chosen pieces run together, or any string at all. */
import fc from 'fast-check';

/**
 * Texts made of the given pieces (scripts, surrogates, marks, separators a scanner must get right),
 * or strings of any UTF-16 code units, or of any graphemes.
 */
export function mixedText(pieces: readonly string[], maxPieces = 40): fc.Arbitrary<string> {
  return fc.oneof(
    fc.array(fc.constantFrom(...pieces), { maxLength: maxPieces }).map((p) => p.join('')),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
  );
}
