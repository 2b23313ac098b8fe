/**
 * The worker thread of a large import (see pipelines/imports.ts): reads the file, or the upload
 * the main thread passes on chunk by chunk, through the format's importer, prepares enrichment of
 * every batch (prepareEnrichment: everything but release linking) and posts the batches back. It
 * keeps at most `ahead` batches posted and not yet stored; a failed store stops the importer the
 * way a failing batch handler stops it on the main thread.
 */
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import type { ImportProgress } from '../collectors/telegram-export.js';
import type { Codebook } from '../codebook/index.js';
import { compileCodebook, prepareEnrichment, type EnrichSource, type PreEnriched } from '../enrich/index.js';
import { runImporter, type ImporterOptions, type ImporterReport } from '../imports.js';
import { rawJson } from '../../server/store/prepare.js';

export interface ImportJob extends Omit<ImporterOptions, 'onBatch' | 'onProgress'> {
  /** A file to read; without it the main thread streams the input ('pull' / 'chunk' / 'end'). */
  path?: string;
  source: EnrichSource;
  codebook?: Codebook;
  /** Batches posted and not yet stored, at most: those being written and one prepared behind them. */
  ahead: number;
}

/**
 * A prepared item as posted to the main thread, shaped so that copying it between threads (which
 * is by value) costs little: the link candidate's title and text are the item's own, so they cross
 * once, in the item; the raw payload crosses as the UTF-8 bytes of its JSON (instead of an
 * object tree that repeats the text, as a Telegram message's text entities do; and bytes, unlike a
 * string, are kept outside the main thread's heap, which its collector would copy while the item
 * waits for its write); and the signatures of a batch share one buffer, as do its raw payloads.
 * The main thread makes it whole again (restore in pipelines/imports.ts).
 */
export type PostedItem = Omit<PreEnriched, 'candidate' | 'item'> & {
  item: Omit<PreEnriched['item'], 'raw'>;
  rawJson?: Uint8Array;
  candidate: Omit<PreEnriched['candidate'], 'title' | 'text'>;
};

export type ToImportWorker =
  | { type: 'chunk'; data: Uint8Array }
  | { type: 'end' }
  | { type: 'error'; message: string }
  /** A batch was stored (or failed to be: error). */
  | { type: 'stored'; error?: string };

export type FromImportWorker =
  | { type: 'pull' }
  | { type: 'batch'; items: PostedItem[] }
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'done'; report: ImporterReport }
  | { type: 'failed'; message: string };

async function run(port: NonNullable<typeof parentPort>, job: ImportJob): Promise<void> {
  const post = (message: FromImportWorker) => port.postMessage(message);
  const stream = job.path === undefined ? new Readable({ read: () => post({ type: 'pull' }) }) : undefined;
  const input: string | Readable = job.path ?? (stream as Readable);
  let pending = 0;
  let failure: string | undefined;
  let wake: (() => void) | undefined;
  port.on('message', (message: ToImportWorker) => {
    switch (message.type) {
      case 'chunk':
        stream?.push(message.data);
        break;
      case 'end':
        stream?.push(null);
        break;
      case 'error':
        stream?.destroy(new Error(message.message));
        break;
      case 'stored':
        pending--;
        if (message.error !== undefined) failure ??= message.error;
        wake?.();
        break;
    }
  });
  const settled = async (limit: number) => {
    while (pending > limit && failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
    if (failure !== undefined) throw new Error(failure);
  };
  const context = {
    source: job.source,
    now: new Date(),
    codebook: compileCodebook(job.codebook ?? (await import('../codebook/index.js')).defaultCodebook()),
  };
  const { path: _path, source: _source, codebook: _codebook, ahead: _ahead, ...importer } = job;
  const report = await runImporter(input, {
    ...importer,
    onBatch: async (raws) => {
      await settled(job.ahead - 1);
      const items = toPosted(raws.map((raw) => prepareEnrichment(raw, context)));
      pending++;
      post({ type: 'batch', items });
    },
    onProgress: (progress) => post({ type: 'progress', progress }),
  });
  // The main thread answers 'done' only after storing every batch before it.
  post({ type: 'done', report });
}

/** A batch as posted (see PostedItem). */
function toPosted(batch: PreEnriched[]): PostedItem[] {
  const width = batch[0]?.signature.mins.length ?? 0;
  const mins = new Uint32Array(width * batch.length);
  const texts = batch.map((pre) => rawJson(pre.item.raw));
  const raws = Buffer.allocUnsafeSlow(texts.reduce((sum, t) => sum + (t === undefined ? 0 : Buffer.byteLength(t)), 0));
  let at = 0;
  return batch.map((pre, n) => {
    const { title: _title, text: _text, ...candidate } = pre.candidate;
    const { raw: _raw, ...item } = pre.item;
    mins.set(pre.signature.mins, n * width);
    const signature = { ...pre.signature, mins: mins.subarray(n * width, (n + 1) * width) };
    const json = texts[n];
    if (json === undefined) return { ...pre, item, candidate, signature };
    const start = at;
    at += typeof json === 'string' ? raws.write(json, at, 'utf8') : (raws.set(json, at), json.byteLength);
    return { ...pre, item, candidate, signature, rawJson: raws.subarray(start, at) };
  });
}

const port = parentPort;
if (port) {
  run(port, workerData as ImportJob).catch((error: unknown) =>
    port.postMessage({
      type: 'failed',
      message: error instanceof Error ? error.message : String(error),
    } satisfies FromImportWorker),
  );
}
