/**
 * An independent, deliberately naive reading of the store port's semantics over an in-memory
 * corpus: the contract suite checks both adapters against it as well as against each other.
 */
import type { Item } from '../../server/domain/schemas.js';
import type { ItemFilter } from '../../server/store/port.js';
import type { SearchTerm } from '../../server/store/search-syntax.js';
import { tokenize } from '../../server/store/text.js';

function containsTerm(tokens: string[], term: SearchTerm): boolean {
  if (term.prefix) return tokens.some((t) => t.startsWith(term.tokens[0] ?? ''));
  outer: for (let i = 0; i + term.tokens.length <= tokens.length; i++) {
    for (let j = 0; j < term.tokens.length; j++) if (tokens[i + j] !== term.tokens[j]) continue outer;
    return true;
  }
  return false;
}

export function matches(item: Item, filter: ItemFilter): boolean {
  if (filter.from && item.publishedAt < new Date(filter.from).toISOString()) return false;
  if (filter.to && item.publishedAt >= new Date(filter.to).toISOString()) return false;
  if (filter.sides && !filter.sides.includes(item.side)) return false;
  if (filter.platforms && !filter.platforms.includes(item.platform)) return false;
  if (filter.kinds && !filter.kinds.includes(item.kind)) return false;
  if (filter.langs && !filter.langs.includes(item.lang)) return false;
  if (filter.sourceIds && !filter.sourceIds.includes(item.sourceId)) return false;
  if (filter.releaseIds && !(item.releaseId && filter.releaseIds.includes(item.releaseId))) return false;
  if (filter.frames && !item.frames.some((f) => filter.frames?.includes(f.frameId))) return false;
  if (filter.query) {
    const fields = [tokenize(item.title), tokenize(item.text)];
    const has = (term: SearchTerm) => fields.some((tokens) => containsTerm(tokens, term));
    if (!filter.query.must.every((group) => group.some(has))) return false;
    if (filter.query.mustNot.some(has)) return false;
  }
  return true;
}

export function countBy(items: Item[], key: (item: Item) => string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) for (const k of new Set(key(item))) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}
