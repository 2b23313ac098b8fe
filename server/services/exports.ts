/**
 * Exports of a search as CSV or NDJSON, streamed page by page through the store's cursors, so an
 * export of a million rows holds one page in memory. The row count is known before the first byte
 * (X-Total-Count; for NDJSON also a first `{"total":N}` line). Raw payloads are never exported and
 * sensitive media links only for items the exporting user has revealed.
 */
import { Readable } from 'node:stream';
import type { Item } from '../domain/schemas.js';
import type { ItemFilter, SearchPage, Store } from '../store/port.js';
import { redactItem, type RevealCheck } from './media.js';

export type ExportFormat = 'csv' | 'ndjson';

export const EXPORT_DEFAULT_LIMIT = 100_000;
export const EXPORT_MAX_LIMIT = 1_000_000;
/** Rows per store page: large enough to keep round trips few, small enough to bound memory. */
export const EXPORT_PAGE_SIZE = 500;

export interface ExportRequest {
  filter: ItemFilter;
  sort: 'time' | 'views';
  limit: number;
  format: ExportFormat;
  /** Start a CSV with a UTF-8 byte order mark, so Excel reads it as UTF-8. */
  bom: boolean;
  /** Items whose sensitive media the exporting user has revealed. */
  revealed: RevealCheck;
}

export interface PreparedExport {
  /** Rows the export will hold: min(matches, limit). */
  total: number;
  /** Items matching the filter. */
  matches: number;
  body: Readable;
}

type ExportedItem = Omit<Item, 'raw'>;

const CSV_COLUMNS: [string, (item: ExportedItem) => string | number | boolean | null][] = [
  ['id', (i) => i.id],
  ['publishedAt', (i) => i.publishedAt],
  ['collectedAt', (i) => i.collectedAt],
  ['platform', (i) => i.platform],
  ['sourceId', (i) => i.sourceId],
  ['side', (i) => i.side],
  ['kind', (i) => i.kind],
  ['lang', (i) => i.lang],
  ['title', (i) => i.title],
  ['text', (i) => i.text],
  ['url', (i) => i.url],
  ['views', (i) => i.engagement.views],
  ['forwards', (i) => i.engagement.forwards],
  ['reactions', (i) => i.engagement.reactions],
  ['comments', (i) => i.engagement.comments],
  ['frames', (i) => i.frames.map((f) => f.frameId).join(';')],
  ['entities', (i) => i.entities.map((e) => e.name).join(';')],
  ['releaseId', (i) => i.releaseId],
  ['forwardedFrom', (i) => i.forwardedFrom],
  ['sensitive', (i) => i.sensitive],
  ['mediaTypes', (i) => i.media.map((m) => m.type).join(';')],
  ['mediaUrls', (i) => i.media.map((m) => (m.hidden ? 'hidden' : (m.url ?? ''))).join(';')],
  // Separated by spaces, which an address never holds (a ; may be part of one).
  ['links', (i) => i.links.join(' ')],
  ['demo', (i) => i.demo],
];

/** Characters that make a spreadsheet read a cell as a formula (or hide what follows). */
const FORMULA_START = /^[=+\-@\t\r]/u;

/** One CSV cell: formula-looking text is defused with a leading ', then quoted as RFC 4180 asks. */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/u.test(safe) ? `"${safe.replace(/"/gu, '""')}"` : safe;
}

export const csvHeader = () => `${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`;
export const csvRow = (item: ExportedItem) => `${CSV_COLUMNS.map(([, get]) => csvCell(get(item))).join(',')}\r\n`;

/** The NDJSON line of an item: everything the API shows of it, never the raw payload. */
export function ndjsonRow(item: ExportedItem): string {
  const { raw: _raw, ...shown } = item as Item;
  return `${JSON.stringify(shown)}\n`;
}

/** Reads the first page (for the total), then streams the rest as the client reads. */
export async function prepareSearchExport(store: Store, request: ExportRequest): Promise<PreparedExport> {
  const pageSize = Math.min(EXPORT_PAGE_SIZE, request.limit);
  const first = await store.searchItems({ filter: request.filter, sort: request.sort, limit: pageSize });
  // The export is the matches as of its first page: items stored meanwhile may shift later pages,
  // but never make it longer than announced.
  const total = Math.min(first.total, request.limit);
  const row = request.format === 'csv' ? csvRow : ndjsonRow;
  const head =
    request.format === 'csv'
      ? `${request.bom ? '\uFEFF' : ''}${csvHeader()}`
      : `${JSON.stringify({ total, matches: first.total })}\n`;

  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from(head, 'utf8');
    let page: SearchPage = first;
    let written = 0;
    for (;;) {
      const lines: string[] = [];
      for (const hit of page.hits) {
        if (written >= total) break;
        lines.push(row(redactItem(hit.item, request.revealed)));
        written++;
      }
      if (lines.length > 0) yield Buffer.from(lines.join(''), 'utf8');
      if (written >= total || !page.nextCursor) return;
      page = await store.searchItems({
        filter: request.filter,
        sort: request.sort,
        limit: Math.min(pageSize, total - written),
        cursor: page.nextCursor,
      });
    }
  }

  return { total, matches: first.total, body: Readable.from(chunks(), { objectMode: false }) };
}
