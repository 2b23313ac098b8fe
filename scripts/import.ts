/**
 * Import a file into a source:
 *   tsx scripts/import.ts --source <id> --format telegram-export|ndjson|csv [--map text=message,...] [--channel handle] <file>
 *
 * Progress goes to stderr. Until the runner (enrich + store) is wired in, raw items are written to
 * stdout as NDJSON; `runImport` takes any item sink so the runner can reuse it.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { importTabular, parseMapping, type ColumnMapping } from '../pipelines/collectors/import.js';
import { importTelegramExport, type ImportProgress } from '../pipelines/collectors/telegram-export.js';
import type { RawItem, SkippedEntry } from '../pipelines/collectors/types.js';

export type ImportFormat = 'telegram-export' | 'ndjson' | 'csv';

export interface ImportRequest {
  sourceId: string;
  format: ImportFormat;
  file: string;
  mapping?: ColumnMapping;
  channelHandle?: string;
  onBatch: (items: RawItem[]) => void | Promise<void>;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportSummary {
  items: number;
  skipped: SkippedEntry[];
  skippedCount: number;
  bytesRead: number;
  error?: { code: string; message: string };
}

/** Streams one file through the importer for its format. */
export async function runImport(request: ImportRequest): Promise<ImportSummary> {
  if (request.format === 'telegram-export') {
    const report = await importTelegramExport(request.file, {
      sourceId: request.sourceId,
      onBatch: request.onBatch,
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      ...(request.channelHandle ? { channelHandle: request.channelHandle } : {}),
    });
    return report;
  }
  return importTabular(request.file, {
    sourceId: request.sourceId,
    format: request.format,
    onBatch: request.onBatch,
    ...(request.mapping ? { mapping: request.mapping } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
}

function progressLine(started: number) {
  return (p: ImportProgress) => {
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    const percent = p.totalBytes ? ` ${((100 * p.bytesRead) / p.totalBytes).toFixed(1)}%` : '';
    const mb = (p.bytesRead / 1024 / 1024).toFixed(1);
    process.stderr.write(
      `\r${mb} MB${percent}  ${p.messages} records  ${p.items} items  ${Math.round(p.messages / seconds)}/s   `,
    );
  };
}

const USAGE =
  'usage: tsx scripts/import.ts --source <id> --format telegram-export|ndjson|csv [--map field=column,...] [--channel handle] <file>';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      source: { type: 'string' },
      format: { type: 'string' },
      map: { type: 'string' },
      channel: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const file = positionals[0];
  const format = values.format;
  if (values.help || !values.source || !file || (format !== 'telegram-export' && format !== 'ndjson' && format !== 'csv')) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  await stat(file);
  const started = Date.now();
  const write = (line: string) =>
    new Promise<void>((resolve, reject) => {
      if (process.stdout.write(line)) resolve();
      else process.stdout.once('drain', resolve).once('error', reject);
    });
  const summary = await runImport({
    sourceId: values.source,
    format,
    file,
    ...(values.map ? { mapping: parseMapping(values.map) } : {}),
    ...(values.channel ? { channelHandle: values.channel } : {}),
    onBatch: async (items) => {
      await write(items.map((item) => JSON.stringify(item)).join('\n') + '\n');
    },
    onProgress: progressLine(started),
  });
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(
    `\n${summary.items} items, ${summary.skippedCount} skipped, ${(summary.bytesRead / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(1)} s\n`,
  );
  for (const entry of summary.skipped.slice(0, 20)) process.stderr.write(`  skipped ${entry.ref}: ${entry.reason}\n`);
  if (summary.error) {
    process.stderr.write(`error (${summary.error.code}): ${summary.error.message}\n`);
    return 1;
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
