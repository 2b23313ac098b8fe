/** The one translator from an ItemFilter to an Elasticsearch query. */
import type { estypes } from '@elastic/elasticsearch';
import type { ItemFilter } from '../port.js';
import type { SearchQueryAst, SearchTerm } from '../search-syntax.js';

type Query = estypes.QueryDslQueryContainer;

function termQuery(term: SearchTerm): Query {
  if (term.prefix) {
    const value = term.tokens[0] ?? '';
    return {
      bool: {
        should: [{ prefix: { searchTitle: { value, boost: 2 } } }, { prefix: { searchText: { value } } }],
        minimum_should_match: 1,
      },
    };
  }
  // Phrase semantics for one token or many, on title (weighted twice, as in SQLite) or text.
  return { multi_match: { query: term.tokens.join(' '), type: 'phrase', fields: ['searchTitle^2', 'searchText'] } };
}

/** Scoring part of a full-text query. */
export function fullTextQuery(ast: SearchQueryAst): Query {
  return {
    bool: {
      must: ast.must.map((group) =>
        group.length === 1
          ? termQuery(group[0] as SearchTerm)
          : { bool: { should: group.map(termQuery), minimum_should_match: 1 } },
      ),
      must_not: ast.mustNot.map(termQuery),
    },
  };
}

export function itemQuery(filter: ItemFilter): Query {
  const filters: Query[] = [];
  if (filter.from || filter.to) {
    filters.push({ range: { publishedAt: { ...(filter.from && { gte: filter.from }), ...(filter.to && { lt: filter.to }) } } });
  }
  if (filter.collectedBefore) filters.push({ range: { collectedAt: { lte: filter.collectedBefore } } });
  const lists: [string, string[] | undefined][] = [
    ['side', filter.sides],
    ['platform', filter.platforms],
    ['kind', filter.kinds],
    ['lang', filter.langs],
    ['sourceId', filter.sourceIds],
    ['frameIds', filter.frames],
    ['releaseId', filter.releaseIds],
  ];
  for (const [field, values] of lists) {
    if (values && values.length > 0) filters.push({ terms: { [field]: values } });
  }
  return {
    bool: {
      filter: filters,
      ...(filter.query && { must: [fullTextQuery(filter.query)] }),
    },
  };
}
