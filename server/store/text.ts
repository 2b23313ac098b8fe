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
 * depending on its neighbours, so folding such text is folding each character on its own: the
 * handful with a decomposition (é, й, ё, ї…) are swapped for their folded form from a table made
 * from the general rule below, and the rest are only lowercased. Other text takes the general rule.
 */
const FAST_RANGES: [number, number][] = [
  [0x0000, 0x00ff],
  [0x0400, 0x0482],
  [0x048a, 0x04ff],
  [0x2010, 0x2027],
  [0x2030, 0x205e],
  [0xac00, 0xd7a3],
];
const charClass = (codes: number[]) => {
  const parts: string[] = [];
  const hex = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;
  for (let i = 0; i < codes.length; i++) {
    let j = i;
    while (j + 1 < codes.length && codes[j + 1] === (codes[j] as number) + 1) j++;
    parts.push(j === i ? hex(codes[i] as number) : `${hex(codes[i] as number)}-${hex(codes[j] as number)}`);
    i = j;
  }
  return `[${parts.join('')}]`;
};
const FAST_CODES = FAST_RANGES.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, k) => from + k));
const IN_FAST_RANGES = new RegExp(`^${charClass(FAST_CODES)}*$`, 'u');
const FOLDED_CHAR = new Map<string, string>();
for (const code of FAST_CODES) {
  const char = String.fromCharCode(code);
  const folded = foldSlow(char);
  if (folded !== char) FOLDED_CHAR.set(char, folded);
}
const DECOMPOSABLE = new RegExp(charClass([...FOLDED_CHAR.keys()].map((c) => c.charCodeAt(0))), 'g');
/** Within the fast ranges, the characters that are not letters, digits or marks. */
const FAST_NON_WORD = new RegExp(
  `${charClass(FAST_CODES.filter((c) => !/[\p{L}\p{N}\p{M}]/u.test(String.fromCharCode(c))))}+`,
  'g',
);

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

/** Case and diacritics folded (й→и, ё→е, é→e); Hangul round-trips through NFD/NFC unchanged. */
export function fold(text: string): string {
  if (IN_FAST_RANGES.test(text)) return text.replace(DECOMPOSABLE, (c) => FOLDED_CHAR.get(c) ?? c).toLowerCase();
  return foldSlow(text).toLowerCase();
}

/** Words as the search index sees them: runs of letters and digits, folded. */
export function tokenize(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

const NON_WORD = /[^\p{L}\p{N}\p{M}]+/gu;

/** The indexed form of already-folded text: its tokens separated by single spaces. */
export function searchableFolded(folded: string): string {
  return folded.replace(IN_FAST_RANGES.test(folded) ? FAST_NON_WORD : NON_WORD, ' ').trim();
}

/** The indexed form of a field: its tokens joined by single spaces. */
export function searchable(text: string): string {
  return searchableFolded(fold(text));
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
