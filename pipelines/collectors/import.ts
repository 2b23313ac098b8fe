/**
 * NDJSON and CSV import with a column mapping, streamed record by record. A bad line is reported
 * with its line number and skipped; the good ones are kept.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import { parse as parseCsv, type CsvError } from 'csv-parse';
import { KINDS, type Kind } from '../../server/domain/schemas.js';
import type { RawItem, SkippedEntry } from './types.js';
import { SourceError } from './types.js';
import type { ImportProgress } from './telegram-export.js';
import { parseZonedDate, safeLink, truncate } from './util.js';

export const MAPPABLE_FIELDS = [
  'externalId',
  'text',
  'title',
  'publishedAt',
  'url',
  'lang',
  'kind',
  'views',
  'forwards',
  'reactions',
  'comments',
  'forwardedFrom',
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];
/** Item field → column (CSV header) or key (NDJSON; dotted paths reach nested keys). */
export type ColumnMapping = Partial<Record<MappableField, string>>;

export interface TabularImportOptions {
  sourceId: string;
  format: 'ndjson' | 'csv';
  mapping?: ColumnMapping;
  totalBytes?: number;
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  onBatch?: (items: RawItem[]) => void | Promise<void>;
  /** CSV delimiter; default ",". */
  delimiter?: string;
}

export interface TabularImportReport {
  items: number;
  lines: number;
  skipped: SkippedEntry[];
  skippedCount: number;
  bytesRead: number;
  /** A fault that stopped the import (unreadable stream, unclosed CSV quote); earlier items are kept. */
  error?: { code: string; message: string; line: number; bytesRead: number };
  collected?: RawItem[];
}

const MAX_SKIPPED_KEPT = 1000;
const MAX_LINE = 1024 * 1024;

/** Parses "text=message,publishedAt=date" into a mapping; unknown fields are refused. */
export function parseMapping(spec: string): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const pair of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [field, column] = pair.split('=').map((p) => p.trim());
    if (!field || !column || !(MAPPABLE_FIELDS as readonly string[]).includes(field)) {
      throw new SourceError(
        `bad mapping "${pair}": expected field=column with field one of ${MAPPABLE_FIELDS.join(', ')}`,
        'bad_mapping',
      );
    }
    mapping[field as MappableField] = column;
  }
  return mapping;
}

function pick(record: Record<string, unknown>, path: string | undefined): unknown {
  if (!path) return undefined;
  if (path in record) return record[path];
  let current: unknown = record;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function asCount(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

function dateOf(value: unknown): { iso: string } | { error: string } {
  const numeric =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d{9,13}$/.test(value.trim()) ? Number(value) : NaN;
  if (Number.isFinite(numeric)) {
    // Ten digits are seconds, thirteen are milliseconds.
    const date = new Date(numeric > 1e11 ? numeric : numeric * 1000);
    return Number.isNaN(date.getTime()) ? { error: `invalid timestamp ${String(value)}` } : { iso: date.toISOString() };
  }
  return parseZonedDate(asText(value));
}

const DEFAULT_MAPPING: ColumnMapping = {
  externalId: 'id',
  text: 'text',
  title: 'title',
  publishedAt: 'publishedAt',
  url: 'url',
  lang: 'lang',
  kind: 'kind',
};

/** One record → a raw item, or the reason it is refused. */
export function recordToItem(record: Record<string, unknown>, mapping: ColumnMapping, sourceId: string): RawItem | string {
  const m = { ...DEFAULT_MAPPING, ...mapping };
  const text = asText(pick(record, m.text));
  const title = asText(pick(record, m.title));
  if (!text && !title) return `no text (column "${m.text ?? ''}")`;
  const date = dateOf(pick(record, m.publishedAt));
  if ('error' in date) return `${date.error} (column "${m.publishedAt ?? ''}")`;
  const url = safeLink(asText(pick(record, m.url)));
  const externalId = asText(pick(record, m.externalId))?.trim() || url;
  if (!externalId) return `no id (column "${m.externalId ?? ''}") and no url`;
  const kindValue = asText(pick(record, m.kind));
  const kind: Kind = kindValue && (KINDS as readonly string[]).includes(kindValue) ? (kindValue as Kind) : 'post';
  const lang = asText(pick(record, m.lang))?.trim().toLowerCase();
  const engagement: NonNullable<RawItem['engagement']> = {};
  for (const key of ['views', 'forwards', 'reactions', 'comments'] as const) {
    const value = asCount(pick(record, m[key]));
    if (value !== undefined) engagement[key] = value;
  }
  const forwardedFrom = asText(pick(record, m.forwardedFrom))?.trim();
  return {
    platform: 'import',
    sourceId,
    externalId: truncate(externalId, 500),
    kind,
    ...(url ? { url, links: [url] } : {}),
    ...(title ? { title: truncate(title, 2000) } : {}),
    text: truncate(text ?? '', 200_000),
    publishedAt: date.iso,
    ...(lang && /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(lang) ? { lang } : {}),
    ...(Object.keys(engagement).length ? { engagement } : {}),
    ...(forwardedFrom ? { forwardedFrom: { name: truncate(forwardedFrom, 200) } } : {}),
    raw: record,
  };
}

class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

async function* ndjsonRecords(
  input: Readable,
): AsyncGenerator<{ line: number; record?: Record<string, unknown>; error?: string }> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const trimmed = text.replace(/^\uFEFF/, '').trim();
    if (!trimmed) continue;
    if (trimmed.length > MAX_LINE) {
      yield { line, error: `line longer than ${MAX_LINE} characters` };
      continue;
    }
    try {
      const value: unknown = JSON.parse(trimmed);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) yield { line, error: 'not a JSON object' };
      else yield { line, record: value as Record<string, unknown> };
    } catch (err) {
      yield { line, error: `invalid JSON: ${truncate(err instanceof Error ? err.message : String(err), 120)}` };
    }
  }
}

async function* csvRecords(
  input: Readable,
  delimiter: string,
): AsyncGenerator<{ line: number; record?: Record<string, unknown>; error?: string }> {
  const errors: { line: number; error: string }[] = [];
  const parser = parseCsv({
    columns: true,
    bom: true,
    delimiter,
    skip_empty_lines: true,
    skip_records_with_error: true,
    relax_quotes: false,
    info: true,
    max_record_size: MAX_LINE,
    on_skip: (err: CsvError | undefined) => {
      if (err) errors.push({ line: (err as CsvError & { lines?: number }).lines ?? 0, error: truncate(err.message, 200) });
    },
  });
  input.pipe(parser);
  input.on('error', (err) => parser.destroy(err));
  for await (const entry of parser as AsyncIterable<{ info: { lines: number }; record: Record<string, string> }>) {
    while (errors.length) yield errors.shift() as { line: number; error: string };
    yield { line: entry.info.lines, record: entry.record };
  }
  while (errors.length) yield errors.shift() as { line: number; error: string };
}

/** Streams an NDJSON or CSV file (path) or stream (upload body) through the mapping. */
export async function importTabular(input: string | Readable, options: TabularImportOptions): Promise<TabularImportReport> {
  let totalBytes = options.totalBytes;
  let source: Readable;
  if (typeof input === 'string') {
    totalBytes ??= (await stat(input)).size;
    source = createReadStream(input, { highWaterMark: 256 * 1024 });
  } else {
    source = input;
  }
  const counter = new ByteCounter();
  pipeline(source, counter, () => undefined);
  const records = options.format === 'csv' ? csvRecords(counter, options.delimiter ?? ',') : ndjsonRecords(counter);
  const report: TabularImportReport = { items: 0, lines: 0, skipped: [], skippedCount: 0, bytesRead: 0 };
  const collected: RawItem[] | undefined = options.onBatch ? undefined : [];
  const batchSize = options.batchSize ?? 500;
  let batch: RawItem[] = [];
  let lastProgress = 0;
  const flush = async () => {
    if (!batch.length) return;
    const out = batch;
    batch = [];
    if (options.onBatch) await options.onBatch(out);
    else collected?.push(...out);
  };
  const skip = (line: number, reason: string) => {
    report.skippedCount++;
    if (report.skipped.length < MAX_SKIPPED_KEPT) report.skipped.push({ ref: `line ${line}`, reason });
  };
  try {
    for await (const entry of records) {
      report.lines = Math.max(report.lines, entry.line);
      if (entry.error || !entry.record) {
        skip(entry.line, entry.error ?? 'empty record');
        continue;
      }
      const result = recordToItem(entry.record, options.mapping ?? {}, options.sourceId);
      if (typeof result === 'string') {
        skip(entry.line, result);
        continue;
      }
      report.items++;
      batch.push(result);
      if (batch.length >= batchSize) await flush();
      const now = Date.now();
      if (options.onProgress && now - lastProgress >= 250) {
        lastProgress = now;
        options.onProgress({ bytesRead: counter.bytes, totalBytes, messages: report.lines, items: report.items });
      }
    }
  } catch (err) {
    report.error = {
      code: 'broken_import',
      message: `import stopped after line ${report.lines}: ${truncate(err instanceof Error ? err.message : String(err), 300)}`,
      line: report.lines + 1,
      bytesRead: counter.bytes,
    };
    source.destroy();
  }
  await flush();
  // CSV syntax errors are reported by the parser ahead of records it still holds; restore file order.
  const lineOf = (entry: SkippedEntry) => Number(entry.ref.replace(/^line /, ''));
  report.skipped.sort((a, b) => lineOf(a) - lineOf(b));
  report.bytesRead = counter.bytes;
  options.onProgress?.({ bytesRead: counter.bytes, totalBytes, messages: report.lines, items: report.items });
  if (collected) report.collected = collected;
  return report;
}
