/** The one translator from an ItemFilter to SQL for the embedded store. */
import type { ItemFilter } from '../port.js';
import type { SearchQueryAst, SearchTerm } from '../search-syntax.js';

export interface SqlWhere {
  sql: string;
  params: unknown[];
}

function ftsTerm(term: SearchTerm): string {
  // Tokens are runs of letters and digits (store/text.ts), so they never contain a quote.
  return `"${term.tokens.join(' ')}"${term.prefix ? '*' : ''}`;
}

function ftsGroup(terms: SearchTerm[]): string {
  return terms.length === 1 ? ftsTerm(terms[0] as SearchTerm) : `(${terms.map(ftsTerm).join(' OR ')})`;
}

/** The FTS5 MATCH expression for a parsed query. */
export function ftsExpression(ast: SearchQueryAst): string {
  const positive = ast.must.map(ftsGroup).join(' AND ');
  if (ast.mustNot.length === 0) return positive;
  return `(${positive}) NOT (${ast.mustNot.map(ftsTerm).join(' OR ')})`;
}

const placeholders = (values: unknown[]) => values.map(() => '?').join(', ');

/** WHERE clause over `items i`; the full-text part is included unless the caller joins items_fts itself. */
export function whereClause(filter: ItemFilter, options: { fullText: boolean } = { fullText: true }): SqlWhere {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.from) {
    parts.push('i.published_ms >= ?');
    params.push(Date.parse(filter.from));
  }
  if (filter.to) {
    parts.push('i.published_ms < ?');
    params.push(Date.parse(filter.to));
  }
  if (filter.collectedBefore) {
    // Stored collectedAt values are normalised ISO instants, so text order is time order.
    parts.push('i.collected_at <= ?');
    params.push(new Date(filter.collectedBefore).toISOString());
  }
  const lists: [string, string[] | undefined][] = [
    ['i.side', filter.sides],
    ['i.platform', filter.platforms],
    ['i.kind', filter.kinds],
    ['i.lang', filter.langs],
    ['i.source_id', filter.sourceIds],
    ['i.release_id', filter.releaseIds],
  ];
  for (const [column, values] of lists) {
    if (values && values.length > 0) {
      parts.push(`${column} IN (${placeholders(values)})`);
      params.push(...values);
    }
  }
  if (filter.frames && filter.frames.length > 0) {
    parts.push(`i.rowid IN (SELECT item_rowid FROM item_frames WHERE frame_id IN (${placeholders(filter.frames)}))`);
    params.push(...filter.frames);
  }
  if (filter.query && options.fullText) {
    parts.push('i.rowid IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)');
    params.push(ftsExpression(filter.query));
  }
  return { sql: parts.length > 0 ? parts.join(' AND ') : '1 = 1', params };
}
