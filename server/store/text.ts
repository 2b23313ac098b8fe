/**
 * Text handling shared by both adapters, so that they tokenize, fold and highlight identically:
 * the contract suite can then demand the same hits and snippets from SQLite and Elasticsearch.
 */
import type { Snippet } from './port.js';
import type { SearchQueryAst } from './search-syntax.js';

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const MARKS = /\p{Mn}/gu;

const foldSlow = (text: string) => text.normalize('NFD').replace(MARKS, '').normalize('NFC');

/**
 * Most collected text is written in these ranges: Basic Latin and Latin-1, Cyrillic without its
 * combining marks (U+0483–U+0489), general punctuation, Hangul syllables. None of them combines
 * with a neighbour under NFD/NFC (no combining marks, no conjoining jamo), and none changes case
 * depending on its neighbours, so folding such text is folding each character on its own, from a
 * table the general rule (below) makes for each. Other text takes the general rule.
 */
export const FAST_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x00ff],
  [0x0400, 0x0482],
  [0x048a, 0x04ff],
  [0x2010, 0x2027],
  [0x2030, 0x205e],
  [0xac00, 0xd7a3],
];
const FAST_CODES = FAST_RANGES.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, k) => from + k));
const IS_WORD = /[\p{L}\p{N}\p{M}]/u;

/**
 * Per UTF-16 code unit, for the fast ranges: FAST_FOLD its folded form (one code unit: the general
 * rule on the character alone, lowercased) and FAST_KIND whether it is in the fast ranges at all
 * (KIND_FAST), whether it is a word character itself (KIND_WORD) and whether its folded form is
 * (KIND_FOLDS_TO_WORD).
 */
const FAST_FOLD = new Uint16Array(0x10000);
const FAST_KIND = new Uint8Array(0x10000);
const KIND_FAST = 1;
const KIND_WORD = 2;
const KIND_FOLDS_TO_WORD = 4;
for (const code of FAST_CODES) {
  const char = String.fromCharCode(code);
  const folded = foldSlow(char).toLowerCase();
  // None of these has a fold longer than one unit (a test checks every one against the rule).
  if (folded.length !== 1) continue;
  FAST_FOLD[code] = folded.charCodeAt(0);
  FAST_KIND[code] = KIND_FAST | (IS_WORD.test(char) ? KIND_WORD : 0) | (IS_WORD.test(folded) ? KIND_FOLDS_TO_WORD : 0);
}

/** Scratch space of the fast paths: the code units of their result, decoded into a string once. */
let scratch = new Uint16Array(1024);
const UTF16 = new TextDecoder('utf-16le', { ignoreBOM: true });
const scratchOf = (length: number) =>
  scratch.length >= length ? scratch : (scratch = new Uint16Array(Math.max(length, scratch.length * 2)));
const decoded = (units: Uint16Array, length: number) => UTF16.decode(units.subarray(0, length));

/**
 * A class of characters (a one-character RegExp with the u flag) looked up per UTF-16 code unit in
 * a table made on first use, for scanners that walk a text once instead of matching a global
 * pattern (no match objects, no substrings). A surrogate pair is tested as the character it makes;
 * a lone surrogate is in no class, as in a u-flag pattern.
 */
export class CharClass {
  private table: Uint8Array | undefined;

  constructor(private readonly pattern: RegExp) {}

  /** The code units (1, or 2 for a surrogate pair) of the character at `i` if it is in the class, else 0. */
  at(text: string, i: number): number {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) return this.pattern.test(text.slice(i, i + 2)) ? 2 : 0;
    }
    return (this.table ?? this.build())[c] as number;
  }

  private build(): Uint8Array {
    const table = new Uint8Array(0x10000);
    for (let c = 0; c < 0x10000; c++) if ((c < 0xd800 || c > 0xdfff) && this.pattern.test(String.fromCharCode(c))) table[c] = 1;
    this.table = table;
    return table;
  }
}

/**
 * True when every character of the text is in the fast ranges (see FAST_RANGES). Such text is
 * already in NFC: none of its characters changes under NFC, and none composes with a neighbour.
 */
export function inFastRanges(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (FAST_KIND[text.charCodeAt(i)] === 0) return false;
  return true;
}

/** Case and diacritics folded (й→и, ё→е, é→e); Hangul round-trips through NFD/NFC unchanged. */
export function fold(text: string): string {
  // Text in the fast ranges is folded character by character (see FAST_RANGES).
  const out = scratchOf(text.length);
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (FAST_KIND[c] === 0) return foldSlow(text).toLowerCase();
    const f = FAST_FOLD[c] as number;
    out[i] = f;
    if (f !== c) changed = true;
  }
  return changed ? decoded(out, text.length) : text;
}

/** Words as the search index sees them: runs of letters and digits, folded. */
export function tokenize(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

const NON_WORD = /[^\p{L}\p{N}\p{M}]+/gu;

/**
 * The words of a text joined by single spaces (the runs of word characters, whatever separates
 * them), in one pass over text in the fast ranges; `foldFirst` folds each character on the way.
 * Null for text outside the fast ranges.
 */
function fastSearchable(text: string, foldFirst: boolean): string | null {
  const out = scratchOf(text.length);
  const wordBit = foldFirst ? KIND_FOLDS_TO_WORD : KIND_WORD;
  let length = 0;
  let gap = false;
  let same = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const kind = FAST_KIND[c] as number;
    if (kind === 0) return null;
    if ((kind & wordBit) === 0) {
      gap = length > 0;
      same = false;
    } else {
      if (gap) out[length++] = 0x20;
      gap = false;
      const f = foldFirst ? (FAST_FOLD[c] as number) : c;
      if (f !== c) same = false;
      out[length++] = f;
    }
  }
  return same ? text : decoded(out, length);
}

/** The indexed form of already-folded text: its tokens separated by single spaces. */
export function searchableFolded(folded: string): string {
  return fastSearchable(folded, false) ?? folded.replace(NON_WORD, ' ').trim();
}

/** The indexed form of a field: its tokens joined by single spaces. */
export function searchable(text: string): string {
  return fastSearchable(text, true) ?? searchableFolded(fold(text));
}

function matcher(ast: SearchQueryAst): (word: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const group of ast.must) {
    for (const term of group) {
      if (term.prefix) prefixes.push(term.tokens[0] ?? '');
      else for (const t of term.tokens) exact.add(t);
    }
  }
  return (word) => {
    const w = fold(word);
    return exact.has(w) || prefixes.some((p) => p.length > 0 && w.startsWith(p));
  };
}

interface WordSpan {
  start: number;
  end: number;
}

function matchedSpans(text: string, isMatch: (w: string) => boolean): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const m of text.matchAll(WORD)) {
    if (isMatch(m[0])) spans.push({ start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

function segmentsOf(text: string, spans: WordSpan[], from: number, to: number) {
  const segments: { text: string; match: boolean }[] = [];
  let at = from;
  for (const s of spans) {
    if (s.end <= from || s.start >= to) continue;
    if (s.start > at) segments.push({ text: text.slice(at, s.start), match: false });
    segments.push({ text: text.slice(Math.max(s.start, from), Math.min(s.end, to)), match: true });
    at = Math.min(s.end, to);
  }
  if (at < to) segments.push({ text: text.slice(at, to), match: false });
  return segments;
}

const FRAGMENT = 220;

/**
 * Snippets for a hit: the title with its matches, and one fragment of the text around the densest
 * run of matches. Segments carry plain text; the client marks matches without rendering markup.
 */
export function snippets(title: string, text: string, ast: SearchQueryAst | undefined): Snippet[] {
  const out: Snippet[] = [];
  if (!ast) {
    if (text.length > 0) {
      const end = Math.min(text.length, FRAGMENT);
      out.push({ field: 'text', segments: [{ text: text.slice(0, end) + (end < text.length ? '…' : ''), match: false }] });
    }
    return out;
  }
  const isMatch = matcher(ast);
  const titleSpans = matchedSpans(title, isMatch);
  if (titleSpans.length > 0) out.push({ field: 'title', segments: segmentsOf(title, titleSpans, 0, title.length) });
  const spans = matchedSpans(text, isMatch);
  let from = 0;
  if (spans.length > 0) {
    // Start the fragment so that it covers the most matches within FRAGMENT characters.
    let best = 0;
    let bestCount = 0;
    let j = 0;
    for (let i = 0; i < spans.length; i++) {
      while (j < spans.length && (spans[j]?.end ?? 0) - (spans[i]?.start ?? 0) <= FRAGMENT) j++;
      if (j - i > bestCount) {
        bestCount = j - i;
        best = i;
      }
    }
    const first = spans[best]?.start ?? 0;
    from = Math.max(0, first - 40);
    // Do not cut a word in half at the fragment's start.
    while (from > 0 && /[\p{L}\p{N}]/u.test(text[from - 1] ?? '')) from--;
  }
  const to = Math.min(text.length, from + FRAGMENT);
  if (to > from) {
    const segments = segmentsOf(text, spans, from, to);
    if (from > 0) segments.unshift({ text: '…', match: false });
    if (to < text.length) segments.push({ text: '…', match: false });
    out.push({ field: 'text', segments });
  }
  return out;
}
