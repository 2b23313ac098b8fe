/**
 * The search syntax analysts type: words (all must match), "quoted phrases", OR between two terms,
 * -exclusions and word* prefixes. Parsed once into an AST that each adapter translates
 * (to an FTS5 MATCH expression, to an Elasticsearch bool query).
 */
import { ValidationError } from '../domain/errors.js';
import { tokenize } from './text.js';

export interface SearchTerm {
  /** Folded tokens; more than one means a phrase. */
  tokens: string[];
  prefix: boolean;
}

export interface SearchQueryAst {
  /** Every group must match; a group matches when any of its terms does (OR). */
  must: SearchTerm[][];
  mustNot: SearchTerm[];
}

const MAX_LENGTH = 500;
const MAX_TERMS = 32;

interface RawPart {
  text: string;
  quoted: boolean;
  negated: boolean;
  prefix: boolean;
  position: number;
}

function splitParts(query: string): RawPart[] {
  const parts: RawPart[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i] ?? '';
    if (/\s/u.test(ch)) {
      i++;
      continue;
    }
    const position = i;
    let negated = false;
    if (ch === '-' && i + 1 < query.length && !/\s/u.test(query[i + 1] ?? '')) {
      negated = true;
      i++;
    }
    if (query[i] === '"') {
      const close = query.indexOf('"', i + 1);
      if (close < 0) {
        throw new ValidationError(`the quote opened at character ${i + 1} is never closed`, 'q');
      }
      const text = query.slice(i + 1, close);
      i = close + 1;
      const prefix = query[i] === '*';
      if (prefix) i++;
      parts.push({ text, quoted: true, negated, prefix, position });
      continue;
    }
    let end = i;
    while (end < query.length && !/\s/u.test(query[end] ?? '') && query[end] !== '"') end++;
    let text = query.slice(i, end);
    const prefix = text.endsWith('*');
    if (prefix) text = text.replace(/\*+$/u, '');
    parts.push({ text, quoted: false, negated, prefix, position });
    i = end;
  }
  return parts;
}

/** Parses a query; returns undefined for an empty one. Throws ValidationError (field "q") on bad syntax. */
export function parseSearchQuery(query: string | undefined): SearchQueryAst | undefined {
  if (query === undefined) return undefined;
  if (query.length > MAX_LENGTH) {
    throw new ValidationError(`the query is ${query.length} characters long; at most ${MAX_LENGTH} are allowed`, 'q');
  }
  const parts = splitParts(query);
  const must: SearchTerm[][] = [];
  const mustNot: SearchTerm[] = [];
  let pendingOr = false;
  for (const part of parts) {
    if (!part.quoted && !part.negated && part.text === 'OR' && !part.prefix) {
      if (must.length === 0 || pendingOr) {
        throw new ValidationError(`OR at character ${part.position + 1} needs a term on both sides`, 'q');
      }
      pendingOr = true;
      continue;
    }
    const tokens = tokenize(part.text);
    if (tokens.length === 0) continue;
    if (part.prefix && tokens.length > 1) {
      throw new ValidationError(`a * prefix works on one word, not on "${part.text}" (character ${part.position + 1})`, 'q');
    }
    if (part.prefix && (tokens[0]?.length ?? 0) < 2) {
      throw new ValidationError(`a * prefix needs at least 2 letters (character ${part.position + 1})`, 'q');
    }
    const term: SearchTerm = { tokens, prefix: part.prefix };
    if (part.negated) {
      if (pendingOr) throw new ValidationError(`OR cannot join an exclusion (character ${part.position + 1})`, 'q');
      mustNot.push(term);
    } else if (pendingOr) {
      must[must.length - 1]?.push(term);
      pendingOr = false;
    } else {
      must.push([term]);
    }
  }
  if (pendingOr) throw new ValidationError('the query ends with OR; put a term after it', 'q');
  const count = must.reduce((n, g) => n + g.length, 0) + mustNot.length;
  if (count > MAX_TERMS) throw new ValidationError(`the query has ${count} terms; at most ${MAX_TERMS} are allowed`, 'q');
  if (must.length === 0 && mustNot.length === 0) return undefined;
  if (must.length === 0) {
    throw new ValidationError('the query only excludes words; add at least one word to look for', 'q');
  }
  return { must, mustNot };
}
