/**
 * Imports of files and uploads into a source: a Telegram Desktop export or NDJSON/CSV with a
 * column mapping, streamed through its importer, enriched and stored batch by batch by the
 * pipeline. A fault keeps everything stored before it and is reported with its position.
 *
 * Large imports run in two threads: a worker thread reads and parses the file and prepares
 * enrichment (sanitizing, language, frames, entities, text signatures), while this thread links
 * releases in file order and validates and stores, so parsing and storing overlap instead of taking
 * turns. Both paths give the same items; small imports stay on this thread (a worker costs a start).
 */
import type { Readable } from 'node:stream';
import type { Source } from '../server/domain/schemas.js';
import { SerializedRaw } from '../server/store/prepare.js';
import { importTabular, type ColumnMapping, type TabularImportReport } from './collectors/import.js';
import { importTelegramExport, type ImportProgress, type ImportReport } from './collectors/telegram-export.js';
import type { RawItem } from './collectors/types.js';
import type { PreEnriched } from './enrich/index.js';
import type { Pipeline, RunCounts } from './runner.js';
import { startTypeScriptWorker } from './workers/spawn.js';
import type { ImportJob, PostedItem, ToImportWorker, FromImportWorker } from './workers/import-worker.js';

export const IMPORT_FORMATS = ['telegram-export', 'ndjson', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Imports at least this large (or of unknown size) are parsed and prepared in a worker thread. */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

export interface ImportOptions {
  format: ImportFormat;
  mapping?: ColumnMapping;
  /** Channel username for t.me links of exported messages. */
  channelHandle?: string;
  totalBytes?: number;
  onProgress?: (progress: ImportProgress & { counts: RunCounts }) => void;
  /**
   * Parse and prepare in a worker thread (true), on this thread (false), or decide by size
   * (default: a worker from WORKER_MIN_BYTES on, or when the size is unknown).
   */
  worker?: boolean;
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

export type ImporterReport = ImportReport | TabularImportReport;

export interface ImporterOptions {
  format: ImportFormat;
  sourceId: string;
  mapping?: ColumnMapping;
  channelHandle?: string;
  totalBytes?: number;
  /** Records per batch (each importer has its default). */
  batchSize?: number;
  onBatch: (items: RawItem[]) => Promise<void>;
  onProgress: (progress: ImportProgress) => void;
}

/** Streams a file or upload through the importer of its format (on whichever thread calls it). */
export function runImporter(input: string | Readable, options: ImporterOptions): Promise<ImporterReport> {
  const common = {
    sourceId: options.sourceId,
    ...(options.totalBytes !== undefined && { totalBytes: options.totalBytes }),
    ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
    onBatch: options.onBatch,
    onProgress: options.onProgress,
  };
  return options.format === 'telegram-export'
    ? importTelegramExport(input, { ...common, ...(options.channelHandle && { channelHandle: options.channelHandle }) })
    : importTabular(input, { ...common, format: options.format, ...(options.mapping && { mapping: options.mapping }) });
}

/** The error an importer reports when its batch handler throws, for a failure it can no longer see. */
function storeFailure(format: ImportFormat, report: ImporterReport, error: Error): NonNullable<ImportResult['error']> {
  return format === 'telegram-export'
    ? {
        code: 'broken_export',
        message: `export unreadable after ${'messages' in report ? report.messages : 0} messages near byte ${report.bytesRead}: ${error.message.slice(0, 300)}`,
      }
    : {
        code: 'broken_import',
        message: `import stopped after line ${'lines' in report ? report.lines : 0}: ${error.message.slice(0, 300)}`,
      };
}

export async function importIntoSource(
  pipeline: Pipeline,
  source: Source,
  input: string | Readable,
  options: ImportOptions,
): Promise<ImportResult> {
  const counts: RunCounts = { fetched: 0, created: 0, updated: 0, unchanged: 0, skipped: 0 };
  const skipped: { ref: string; reason: string }[] = [];
  const importer = {
    format: options.format,
    sourceId: source.id,
    ...(options.totalBytes !== undefined && { totalBytes: options.totalBytes }),
    ...(options.mapping && { mapping: options.mapping }),
    ...(options.channelHandle && { channelHandle: options.channelHandle }),
    onProgress: (p: ImportProgress) => options.onProgress?.({ ...p, counts: { ...counts } }),
  };
  const useWorker = options.worker ?? (options.totalBytes === undefined || options.totalBytes >= WORKER_MIN_BYTES);
  let report: ImporterReport;
  let storeError: Error | undefined;
  if (useWorker) {
    ({ report, storeError } = await importInWorker(pipeline, source, input, importer, counts, skipped));
  } else {
    report = await runImporter(input, {
      ...importer,
      onBatch: async (items) => {
        counts.fetched += items.length;
        await pipeline.storeRawItems(source, items, counts, skipped);
      },
    });
  }
  counts.skipped += report.skippedCount;
  for (const s of report.skipped) if (skipped.length < 100) skipped.push(s);
  const error = report.error ?? (storeError && storeFailure(options.format, report, storeError));
  return {
    sourceId: source.id,
    format: options.format,
    bytesRead: report.bytesRead,
    records: 'messages' in report ? report.messages : report.lines,
    counts,
    skipped,
    ...(error && { error: { code: error.code, message: error.message } }),
  };
}

/**
 * Heap limits of the import worker. Its live data is small (the batches it parses and prepares);
 * a roomy young generation keeps its short-lived allocations from being copied over and over.
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 };

/**
 * Records per batch the worker posts. Everything of a batch stays alive on this thread until its
 * write is acknowledged, and the collector copies what is alive: batches of 250 instead of 500
 * took 20 MB less peak RSS for the same speed on the 120,000-message bench export.
 */
const WORKER_BATCH = 250;

/**
 * A batch item as the worker posts it (see PostedItem), made whole again: in place, as the posted
 * objects are this thread's own copies.
 */
function restore(posted: PostedItem): PreEnriched {
  const item: PreEnriched['item'] = posted.item;
  if (posted.rawJson !== undefined) item.raw = new SerializedRaw(posted.rawJson);
  const candidate = Object.assign(posted.candidate, { title: item.title ?? '', text: item.text });
  return { item, candidate, language: posted.language, signature: posted.signature, search: posted.search };
}

/**
 * Batches written at once by an import into a store that takes concurrent writes (Elasticsearch):
 * with more than one, the next batch is linked, validated and prepared here while the store writes
 * the one before. Measured on the 120,000-message bench export, two gained about 5% but cost about
 * 18 MB of peak RSS (over the 300 MB budget), because this thread, not the store, is the import's
 * bottleneck; so one, until this thread's share of the work shrinks. Stores without concurrent
 * writes (SQLite) always take one batch at a time.
 */
export const WRITES_IN_FLIGHT: number = 1;

/**
 * Runs the importer and prepareEnrichment in a worker thread; batches are linked here strictly in
 * the order the worker sent them, then written (several at once where the store allows it, never
 * two holding the same item) and counted in that order. The worker runs a bounded number of
 * batches ahead of the store, and an upload is passed to it chunk by chunk as it asks for more, so
 * memory stays bounded either way. After a failed write no further batch is started.
 */
async function importInWorker(
  pipeline: Pipeline,
  source: Source,
  input: string | Readable,
  importer: Omit<ImporterOptions, 'onBatch' | 'onProgress'> & { onProgress: (p: ImportProgress) => void },
  counts: RunCounts,
  skipped: { ref: string; reason: string }[],
): Promise<{ report: ImporterReport; storeError: Error | undefined }> {
  const { onProgress, ...settings } = importer;
  const { codebook } = pipeline.enrichmentContext(source);
  const inFlightLimit = pipeline.concurrentWrites ? WRITES_IN_FLIGHT : 1;
  const job: ImportJob = {
    ...settings,
    ...(typeof input === 'string' && { path: input }),
    source: {
      id: source.id,
      side: source.side,
      type: source.type,
      releaseSource: source.releaseSource,
      sensitive: source.sensitive,
    },
    ...(codebook && { codebook }),
    batchSize: WORKER_BATCH,
    // One batch being parsed and prepared beside those being written.
    ahead: inFlightLimit + 1,
  };
  const worker = await startTypeScriptWorker(new URL('./workers/import-worker.ts', import.meta.url), {
    workerData: job,
    resourceLimits: WORKER_HEAP,
  });
  const send = (message: ToImportWorker) => worker.postMessage(message);
  const chunks = typeof input === 'string' ? undefined : (input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>);
  let storeError: Error | undefined;
  const failed = (error: unknown) => (storeError ??= error instanceof Error ? error : new Error(String(error)));
  // started: each batch is linked and its write started after the one before it (in file order).
  // counted: each batch's outcome is counted and acknowledged to the worker in the same order.
  let started: Promise<void> = pipeline.warmUp().then(
    () => undefined,
    (error: unknown) => void failed(error),
  );
  let counted: Promise<void> = Promise.resolve();
  const writing: { ids: Set<string>; settled: Promise<void> }[] = [];
  const blocked = (items: PreEnriched[]) =>
    writing.length >= inFlightLimit || (writing.length > 0 && items.some((p) => writing.some((w) => w.ids.has(p.candidate.id))));
  const begin = async (items: PreEnriched[]) => {
    while (!storeError && blocked(items)) await Promise.race(writing.map((w) => w.settled));
    counts.fetched += items.length;
    if (storeError) {
      counted = counted.then(() => send({ type: 'stored', error: storeError?.message ?? '' }));
      return;
    }
    // Links now, synchronously: the order of these calls is the order of linking.
    const written = pipeline.writePreEnriched(items);
    const entry = { ids: new Set(items.map((p) => p.candidate.id)), settled: Promise.resolve() };
    entry.settled = written.then(
      () => void writing.splice(writing.indexOf(entry), 1),
      () => void writing.splice(writing.indexOf(entry), 1),
    );
    writing.push(entry);
    counted = counted.then(async () => {
      try {
        (await written)(counts, skipped);
      } catch (error) {
        failed(error);
      }
      send({ type: 'stored', ...(storeError && { error: storeError.message }) });
    });
  };
  const allStored = () => started.then(() => counted);
  try {
    const report = await new Promise<ImporterReport>((resolve, reject) => {
      worker.on('message', (message: FromImportWorker) => {
        switch (message.type) {
          case 'pull':
            chunks?.next().then(
              (next) =>
                send(
                  next.done
                    ? { type: 'end' }
                    : { type: 'chunk', data: typeof next.value === 'string' ? Buffer.from(next.value) : next.value },
                ),
              (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
            );
            break;
          case 'batch': {
            const items = message.items.map(restore);
            started = started
              .then(() => begin(items))
              .catch((error: unknown) => {
                failed(error);
                counted = counted.then(() => send({ type: 'stored', error: storeError?.message ?? '' }));
              });
            break;
          }
          case 'progress':
            void allStored().then(() => onProgress(message.progress));
            break;
          case 'done':
            void allStored().then(() => resolve(message.report));
            break;
          case 'failed':
            reject(new Error(`the import worker failed: ${message.message}`));
            break;
        }
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the import worker stopped (exit code ${code}) before finishing`)));
    });
    return { report, storeError };
  } finally {
    await allStored();
    await worker.terminate();
    if (chunks && typeof input !== 'string' && !input.destroyed) input.destroy();
  }
}
