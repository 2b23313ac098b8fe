/**
 * The pattern language shared by the framing codebook, the sensitive-media terms and the entity
 * aliases, and its matcher. Patterns are compiled once into token maps, so matching an item is one
 * tokenization plus map lookups: no regular expression is built per item.
 *
 * Syntax (one string per pattern):
 * - `word`            a token, compared case- and diacritic-folded (fold() of server/store/text.ts);
 * - `stem*`           a token starting with the stem (inflected Ukrainian and Russian words);
 * - `two words`       adjacent tokens, each of which may be a stem;
 * - `a ~3 b*`         `b*` after `a` with at most 3 other tokens between them;
 * - `=NIS`            a case-sensitive token (acronyms that are common words in lower case);
 * - any pattern containing Hangul is a substring of the text (Korean attaches particles and
 *   endings to words: 포로 matches 포로들이); spaces in it are optional (포로 교환 matches 포로교환).
 */
import { CharClass, fold } from '../../server/store/text.js';

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const WORD_CHARS = new CharClass(/[\p{L}\p{N}\p{M}]/u);
const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/u;
const MIN_STEM = 3;
const MAX_GAP = 10;

export interface Token {
  start: number;
  end: number;
  /** Folded form (lower case, no diacritics). */
  folded: string;
}

/** A text prepared once for every pattern set that looks at it. */
export interface AnalyzedText {
  text: string;
  tokens: Token[];
  /** Text searched by substring patterns, offsets aligned with `text`. */
  haystack: string;
  hasHangul: boolean;
}

/** `folded`: fold(text), when the caller has it. */
export function analyzeText(text: string, folded = fold(text)): AnalyzedText {
  const tokens: Token[] = [];
  // Folding almost always keeps one character per character; then offsets in the folded text are
  // offsets in the original. Otherwise (İ, stray combining marks) fold token by token.
  const aligned = folded.length === text.length;
  const source = aligned ? folded : text;
  // The runs of WORD, scanned.
  for (let i = 0; i < source.length;) {
    let units = WORD_CHARS.at(source, i);
    if (units === 0) {
      i++;
      continue;
    }
    const start = i;
    do i += units;
    while (i < source.length && (units = WORD_CHARS.at(source, i)) > 0);
    const word = source.slice(start, i);
    tokens.push({ start, end: i, folded: aligned ? word : fold(word) });
  }
  return { text, tokens, haystack: aligned ? folded : text.toLowerCase(), hasHangul: HANGUL.test(text) };
}

type StepKind = 'exact' | 'prefix' | 'case';

interface Step {
  kind: StepKind;
  value: string;
  /** Other tokens allowed between the previous step and this one. */
  gap: number;
}

export type ParsedPattern = { type: 'tokens'; steps: Step[] } | { type: 'substring'; variants: string[] };

/** Parses one pattern; returns a message instead of throwing so that loaders can name the field. */
export function parsePattern(pattern: string): ParsedPattern | { error: string } {
  const trimmed = pattern.trim();
  if (trimmed.length === 0) return { error: 'empty pattern' };
  if (HANGUL.test(trimmed)) {
    const spaced = fold(trimmed).replace(/\s+/gu, ' ');
    const joined = spaced.replace(/ /gu, '');
    return { type: 'substring', variants: spaced === joined ? [joined] : [spaced, joined] };
  }
  const steps: Step[] = [];
  let gap = 0;
  let pendingGap = false;
  for (const part of trimmed.split(/\s+/u)) {
    const gapMatch = /^~(\d{1,2})$/u.exec(part);
    if (gapMatch) {
      if (steps.length === 0 || pendingGap) return { error: `"~N" must stand between two words in "${pattern}"` };
      gap = Math.min(MAX_GAP, Number(gapMatch[1]));
      pendingGap = true;
      continue;
    }
    const caseSensitive = part.startsWith('=');
    const prefix = part.endsWith('*');
    const body = part.slice(caseSensitive ? 1 : 0, prefix ? -1 : undefined);
    const words = caseSensitive ? body.match(WORD) : fold(body).match(WORD);
    if (!words || words.length === 0) return { error: `"${part}" has no letters or digits in "${pattern}"` };
    if (caseSensitive && prefix) return { error: `"=" and "*" cannot be combined in "${pattern}"` };
    // Apostrophes and hyphens split words the way the tokenizer does: "п'ять" is two tokens.
    words.forEach((word, i) => {
      const last = i === words.length - 1;
      const kind: StepKind = caseSensitive ? 'case' : prefix && last ? 'prefix' : 'exact';
      steps.push({ kind, value: word, gap: i === 0 ? gap : 0 });
    });
    // A short stem is fine inside a phrase (Кім Чен Ин*), which its first word anchors; alone it
    // would match half the vocabulary.
    if (prefix && steps.length === words.length) {
      const stem = words[words.length - 1] ?? '';
      if (stem.length < MIN_STEM) return { error: `stem "${part}" is shorter than ${MIN_STEM} letters in "${pattern}"` };
    }
    gap = 0;
    pendingGap = false;
  }
  if (pendingGap) return { error: `"~N" must stand between two words in "${pattern}"` };
  if (steps.length === 0) return { error: `no words in "${pattern}"` };
  return { type: 'tokens', steps };
}

export interface PatternHit<T> {
  tag: T;
  pattern: string;
  start: number;
  end: number;
}

interface TokenPattern<T> {
  tag: T;
  pattern: string;
  steps: Step[];
}

interface SubstringPattern<T> {
  tag: T;
  pattern: string;
  variants: string[];
}

/** A 16-bit hash of the first MIN_STEM (3) UTF-16 units of a word, without slicing it. */
const startKey = (word: string) =>
  Math.imul(Math.imul(word.charCodeAt(0), 961) + word.charCodeAt(1) * 31 + word.charCodeAt(2), 0x9e3779b1) >>> 16;

/** Patterns compiled for matching: first-token maps for token patterns, a list for substrings. */
export class PatternIndex<T> {
  private readonly exact = new Map<string, TokenPattern<T>[]>();
  private readonly prefix = new Map<string, TokenPattern<T>[]>();
  private readonly caseExact = new Map<string, TokenPattern<T>[]>();
  private prefixLengths: number[] = [];
  /**
   * The startKey of every leading stem, as a filter (1 where some stem starts with that key): a
   * leading stem has at least MIN_STEM letters (parsePattern), so a token whose key is not here
   * starts no stem pattern. Keys may collide; the lookups that follow decide.
   */
  private readonly prefixStarts = new Uint8Array(0x10000);
  /** First characters of the case-sensitive first tokens: other tokens need no case-exact lookup. */
  private readonly caseStarts = new Set<number>();
  private readonly substrings: SubstringPattern<T>[] = [];

  /** Adds a pattern; throws on a syntax error (loaders validate first and report it nicely). */
  add(pattern: string, tag: T): void {
    const parsed = parsePattern(pattern);
    if ('error' in parsed) throw new Error(parsed.error);
    if (parsed.type === 'substring') {
      this.substrings.push({ tag, pattern, variants: parsed.variants });
      return;
    }
    const first = parsed.steps[0] as Step;
    const entry: TokenPattern<T> = { tag, pattern, steps: parsed.steps };
    const map = first.kind === 'exact' ? this.exact : first.kind === 'prefix' ? this.prefix : this.caseExact;
    const list = map.get(first.value);
    if (list) list.push(entry);
    else map.set(first.value, [entry]);
    if (first.kind === 'case') this.caseStarts.add(first.value.charCodeAt(0));
    if (first.kind === 'prefix') {
      this.prefixStarts[startKey(first.value)] = 1;
      if (!this.prefixLengths.includes(first.value.length)) {
        this.prefixLengths = [...this.prefixLengths, first.value.length].sort((a, b) => a - b);
      }
    }
  }

  get size(): number {
    let n = this.substrings.length;
    for (const map of [this.exact, this.prefix, this.caseExact]) for (const list of map.values()) n += list.length;
    return n;
  }

  /** Every occurrence of every pattern, in text order (ties: longer first). */
  find(input: AnalyzedText): PatternHit<T>[] {
    const hits: PatternHit<T>[] = [];
    const { tokens, text } = input;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as Token;
      const word = token.folded;
      this.tryAll(this.exact.get(word), input, i, hits);
      if (word.length >= MIN_STEM && this.prefixStarts[startKey(word)] === 1) {
        for (const len of this.prefixLengths) {
          if (len > word.length) break;
          this.tryAll(this.prefix.get(len === word.length ? word : word.slice(0, len)), input, i, hits);
        }
      }
      if (this.caseStarts.has(text.charCodeAt(token.start))) {
        this.tryAll(this.caseExact.get(text.slice(token.start, token.end)), input, i, hits);
      }
    }
    if (this.substrings.length > 0 && input.hasHangul) {
      const hay = input.haystack;
      for (const s of this.substrings) {
        for (const variant of s.variants) {
          for (let at = hay.indexOf(variant); at >= 0; at = hay.indexOf(variant, at + variant.length)) {
            hits.push({ tag: s.tag, pattern: s.pattern, start: at, end: at + variant.length });
          }
        }
      }
    }
    hits.sort((a, b) => a.start - b.start || b.end - a.end);
    return hits;
  }

  private tryAll(list: TokenPattern<T>[] | undefined, input: AnalyzedText, i: number, hits: PatternHit<T>[]): void {
    if (!list) return;
    for (const p of list) {
      const last = matchRest(p.steps, 1, i, input);
      if (last >= 0) {
        const first = input.tokens[i] as Token;
        const end = (input.tokens[last] as Token).end;
        hits.push({ tag: p.tag, pattern: p.pattern, start: first.start, end });
      }
    }
  }
}

function stepMatches(step: Step, token: Token, text: string): boolean {
  switch (step.kind) {
    case 'exact':
      return token.folded === step.value;
    case 'prefix':
      return token.folded.startsWith(step.value);
    case 'case':
      return text.slice(token.start, token.end) === step.value;
  }
}

/** Index of the last token matched by steps[from..] after token `at`, or -1. */
function matchRest(steps: Step[], from: number, at: number, input: AnalyzedText): number {
  if (from >= steps.length) return at;
  const step = steps[from] as Step;
  const limit = Math.min(input.tokens.length - 1, at + 1 + step.gap);
  for (let j = at + 1; j <= limit; j++) {
    if (stepMatches(step, input.tokens[j] as Token, input.text)) {
      const last = matchRest(steps, from + 1, j, input);
      if (last >= 0) return last;
    }
  }
  return -1;
}

/** True when two half-open spans share at least one character. */
export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}
