/**
 * A subscription's filter as a predicate over items from the event bus, with the same meaning as
 * the store's ItemFilter: lists are "any of", fields are "all of", and the query is the search
 * syntax of GET /search (parsed by store/search-syntax.ts) matched over the tokens store/text.ts
 * gives the index, so a live client sees exactly the items a search with the same filter finds.
 */
import type { Item } from '../domain/schemas.js';
import type { ItemFilter } from '../store/port.js';
import type { SearchQueryAst, SearchTerm } from '../store/search-syntax.js';
import { parseSearchQuery } from '../store/search-syntax.js';
import { tokenize } from '../store/text.js';
import type { LiveFilter } from './protocol.js';

export type LiveItemFields = Pick<Item, 'side' | 'platform' | 'kind' | 'sourceId' | 'lang' | 'frames' | 'title' | 'text'>;

export interface CompiledFilter {
  /** The filter as the store understands it (replay after a reconnect reads with it). */
  store: ItemFilter;
  /** `tokens` lets one event tokenize its title and text once for every client (see itemTokens). */
  matches(item: LiveItemFields, tokens?: () => string[][]): boolean;
}

/** The title's and the text's tokens, computed on first use and then shared. */
export function itemTokens(item: Pick<Item, 'title' | 'text'>): () => string[][] {
  let tokens: string[][] | null = null;
  return () => (tokens ??= [tokenize(item.title), tokenize(item.text)]);
}

function termIn(term: SearchTerm, tokens: readonly string[]): boolean {
  if (term.prefix) {
    const prefix = term.tokens[0] ?? '';
    return tokens.some((t) => t.startsWith(prefix));
  }
  const [first, ...rest] = term.tokens;
  for (let i = 0; i <= tokens.length - term.tokens.length; i++) {
    if (tokens[i] === first && rest.every((t, n) => tokens[i + 1 + n] === t)) return true;
  }
  return false;
}

/** Whether a parsed query matches a title and text (a phrase must sit within one field, as in both adapters). */
export function queryMatches(ast: SearchQueryAst, fields: readonly string[][]): boolean {
  const has = (term: SearchTerm) => fields.some((tokens) => termIn(term, tokens));
  return ast.must.every((group) => group.some(has)) && !ast.mustNot.some(has);
}

/**
 * One key for filters that mean the same: list order, repeated values and empty lists do not
 * matter. Clients whose filters share a key are matched once per event and sent one packet.
 */
export function filterKey(filter: LiveFilter): string {
  const list = (values: readonly string[] | undefined) => (values?.length ? [...new Set(values)].sort() : undefined);
  return JSON.stringify([
    list(filter.sides),
    list(filter.platforms),
    list(filter.kinds),
    list(filter.sources),
    list(filter.frames),
    list(filter.langs),
    filter.query?.trim() || undefined,
  ]);
}

const anyOf = <T>(allowed: readonly T[] | undefined, value: T) =>
  allowed === undefined || allowed.length === 0 || allowed.includes(value);

/** Compiles a validated filter; throws ValidationError (field "q") when the query's syntax is wrong. */
export function compileFilter(filter: LiveFilter): CompiledFilter {
  const ast = parseSearchQuery(filter.query);
  const store: ItemFilter = {
    ...(filter.sides?.length && { sides: filter.sides }),
    ...(filter.platforms?.length && { platforms: filter.platforms }),
    ...(filter.kinds?.length && { kinds: filter.kinds }),
    ...(filter.sources?.length && { sourceIds: filter.sources }),
    ...(filter.frames?.length && { frames: filter.frames }),
    ...(filter.langs?.length && { langs: filter.langs }),
    ...(ast && { query: ast }),
  };
  const frames = filter.frames?.length ? new Set(filter.frames) : null;
  return {
    store,
    matches: (item, tokens = itemTokens(item)) =>
      anyOf(filter.sides, item.side) &&
      anyOf(filter.platforms, item.platform) &&
      anyOf(filter.kinds, item.kind) &&
      anyOf(filter.sources, item.sourceId) &&
      anyOf(filter.langs, item.lang) &&
      (frames === null || item.frames.some((f) => frames.has(f.frameId))) &&
      (ast === undefined || queryMatches(ast, tokens())),
  };
}
