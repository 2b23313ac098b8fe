/**
 * Imports of files and uploads into a source: a Telegram Desktop export or NDJSON/CSV with a
 * column mapping, streamed through its importer, enriched and stored batch by batch by the
 * pipeline. A fault keeps everything stored before it and is reported with its position.
 */
import type { Readable } from 'node:stream';
import type { Source } from '../server/domain/schemas.js';
import { importTabular, type ColumnMapping } from './collectors/import.js';
import { importTelegramExport, type ImportProgress } from './collectors/telegram-export.js';
import type { Pipeline, RunCounts } from './runner.js';

export const IMPORT_FORMATS = ['telegram-export', 'ndjson', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  format: ImportFormat;
  mapping?: ColumnMapping;
  /** Channel username for t.me links of exported messages. */
  channelHandle?: string;
  totalBytes?: number;
  onProgress?: (progress: ImportProgress & { counts: RunCounts }) => void;
}

export interface ImportResult {
  sourceId: string;
  format: ImportFormat;
  bytesRead: number;
  /** Records read from the file (messages or lines). */
  records: number;
  counts: RunCounts;
  skipped: { ref: string; reason: string }[];
  error?: { code: string; message: string };
}

export async function importIntoSource(
  pipeline: Pipeline,
  source: Source,
  input: string | Readable,
  options: ImportOptions,
): Promise<ImportResult> {
  const counts: RunCounts = { fetched: 0, created: 0, updated: 0, unchanged: 0, skipped: 0 };
  const skipped: { ref: string; reason: string }[] = [];
  const common = {
    sourceId: source.id,
    ...(options.totalBytes !== undefined && { totalBytes: options.totalBytes }),
    onBatch: async (items: Parameters<Pipeline['storeRawItems']>[1]) => {
      counts.fetched += items.length;
      await pipeline.storeRawItems(source, items, counts, skipped);
    },
    onProgress: (p: ImportProgress) => options.onProgress?.({ ...p, counts: { ...counts } }),
  };
  const report =
    options.format === 'telegram-export'
      ? await importTelegramExport(input, { ...common, ...(options.channelHandle && { channelHandle: options.channelHandle }) })
      : await importTabular(input, { ...common, format: options.format, ...(options.mapping && { mapping: options.mapping }) });
  counts.skipped += report.skippedCount;
  for (const s of report.skipped) if (skipped.length < 100) skipped.push(s);
  return {
    sourceId: source.id,
    format: options.format,
    bytesRead: report.bytesRead,
    records: 'messages' in report ? report.messages : report.lines,
    counts,
    skipped,
    ...(report.error && { error: { code: report.error.code, message: report.error.message } }),
  };
}
