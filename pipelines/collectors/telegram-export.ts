/**
 * Telegram Desktop export (result.json) import. The file can be hundreds of megabytes, so it is
 * streamed message by message (json-array-stream.ts) and handed on in batches; nothing holds the
 * whole export.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { JsonStreamError, streamArrayElements } from './json-array-stream.js';
import type { RawItem, RawMedia, SkippedEntry } from './types.js';
import { SourceError } from './types.js';
import { safeLink, truncate, unixToIso } from './util.js';

export interface ImportProgress {
  bytesRead: number;
  /** Known for files and for uploads with a Content-Length. */
  totalBytes?: number;
  messages: number;
  items: number;
}

export interface ImportReport {
  items: number;
  messages: number;
  /** Per-entry reasons, capped (see skippedCount for the total). */
  skipped: SkippedEntry[];
  skippedCount: number;
  bytesRead: number;
  /** A fault that stopped the import; everything handed to onBatch before it is kept. */
  error?: { code: string; message: string; bytesRead: number; messagesParsed: number; lastMessageId?: string };
  /** Present only when no onBatch was given. */
  collected?: RawItem[];
}

export interface ImportOptions {
  sourceId: string;
  /** Channel username, to build t.me links for items (exports do not carry it). */
  channelHandle?: string;
  totalBytes?: number;
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Awaited before parsing continues, so a slow store applies backpressure. */
  onBatch?: (items: RawItem[]) => void | Promise<void>;
  signal?: AbortSignal;
}

const MAX_SKIPPED_KEPT = 1000;
const MAX_TEXT = 100_000;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text and links from text_entities (always an array), falling back to `text` (string or mixed array). */
function textAndLinks(message: JsonObject): { text: string; links: string[] } {
  const links = new Set<string>();
  const parts = Array.isArray(message.text_entities) ? message.text_entities : Array.isArray(message.text) ? message.text : null;
  let text = '';
  if (parts) {
    for (const part of parts) {
      if (typeof part === 'string') {
        text += part;
      } else if (isObject(part) && typeof part.text === 'string') {
        text += part.text;
        const href =
          part.type === 'link' ? safeLink(part.text) : part.type === 'text_link' ? safeLink(String(part.href ?? '')) : undefined;
        if (href) links.add(href);
      }
    }
  } else if (typeof message.text === 'string') {
    text = message.text;
  }
  return { text: truncate(text, MAX_TEXT), links: [...links] };
}

const VIDEO_TYPES = new Set(['video_file', 'video_message', 'animation']);
const AUDIO_TYPES = new Set(['voice_message', 'audio_file']);

function mediaOf(message: JsonObject): RawMedia[] {
  const media: RawMedia[] = [];
  const duration = typeof message.duration_seconds === 'number' ? message.duration_seconds : undefined;
  const mediaType = typeof message.media_type === 'string' ? message.media_type : undefined;
  if (mediaType && VIDEO_TYPES.has(mediaType))
    media.push({ type: 'video', ...(duration !== undefined ? { durationSec: duration } : {}) });
  else if (mediaType && AUDIO_TYPES.has(mediaType))
    media.push({ type: 'audio', ...(duration !== undefined ? { durationSec: duration } : {}) });
  else if (mediaType === 'sticker') media.push({ type: 'photo' });
  else if (typeof message.file === 'string') media.push({ type: 'document' });
  if (typeof message.photo === 'string') media.push({ type: 'photo' });
  return media;
}

/** One export message → a raw item, or the reason it is skipped. Exported for tests and other importers. */
export function exportMessageToItem(
  value: unknown,
  options: Pick<ImportOptions, 'sourceId' | 'channelHandle'>,
): RawItem | string {
  if (!isObject(value)) return 'not an object';
  if (value.type === 'service') return 'service message';
  if (value.type !== 'message') return `unknown message type ${truncate(String(value.type), 40)}`;
  const id = value.id;
  if (typeof id !== 'number' && typeof id !== 'string') return 'missing id';
  // `date` is the exporting computer's local time without a zone; only date_unixtime is trustworthy.
  const publishedAt = unixToIso(value.date_unixtime);
  if (!publishedAt) return 'missing or invalid date_unixtime';
  const editedAt = unixToIso(value.edited_unixtime);
  const { text, links } = textAndLinks(value);
  const media = mediaOf(value);
  const forwardedFrom = typeof value.forwarded_from === 'string' && value.forwarded_from ? value.forwarded_from : undefined;
  const handle = options.channelHandle?.replace(/^@/, '');
  return {
    platform: 'telegram',
    sourceId: options.sourceId,
    externalId: String(id),
    kind: media.some((m) => m.type === 'video') ? 'video' : 'post',
    ...(handle && /^[A-Za-z0-9_]{3,64}$/.test(handle) ? { url: `https://t.me/${handle}/${String(id)}` } : {}),
    text,
    publishedAt,
    ...(editedAt ? { editedAt } : {}),
    ...(media.length ? { media } : {}),
    ...(forwardedFrom ? { forwardedFrom: { name: truncate(forwardedFrom, 200) } } : {}),
    ...(links.length ? { links } : {}),
    raw: value,
  };
}

/**
 * Stream-imports a Telegram Desktop export from a path or a readable stream (e.g. an upload body).
 * Resolves with a report; a broken or truncated export resolves too, with `error` set.
 */
export async function importTelegramExport(input: string | Readable, options: ImportOptions): Promise<ImportReport> {
  let totalBytes = options.totalBytes;
  let source: Readable;
  if (typeof input === 'string') {
    totalBytes ??= (await stat(input)).size;
    source = createReadStream(input, { highWaterMark: 1024 * 1024 });
  } else {
    source = input;
  }
  const counter = { bytes: 0 };
  const messages = streamArrayElements(source as AsyncIterable<Buffer | string>, 'messages', { progress: counter });

  const batchSize = options.batchSize ?? 500;
  const report: ImportReport = { items: 0, messages: 0, skipped: [], skippedCount: 0, bytesRead: 0 };
  const collected: RawItem[] | undefined = options.onBatch ? undefined : [];
  let batch: RawItem[] = [];
  let lastMessageId: string | undefined;
  let lastProgress = 0;

  const progress = (force: boolean) => {
    report.bytesRead = counter.bytes;
    const now = Date.now();
    if (!options.onProgress || (!force && now - lastProgress < 250)) return;
    lastProgress = now;
    options.onProgress({ bytesRead: counter.bytes, totalBytes, messages: report.messages, items: report.items });
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const out = batch;
    batch = [];
    if (options.onBatch) await options.onBatch(out);
    else collected?.push(...out);
  };

  try {
    for await (const entry of messages) {
      if (options.signal?.aborted) throw new SourceError('import aborted', 'aborted');
      report.messages++;
      const result = exportMessageToItem(entry.value, options);
      if (typeof result === 'string') {
        report.skippedCount++;
        const id = isObject(entry.value) ? entry.value.id : undefined;
        if (report.skipped.length < MAX_SKIPPED_KEPT && result !== 'service message') {
          report.skipped.push({ ref: id !== undefined ? `message ${String(id)}` : `index ${entry.index}`, reason: result });
        }
        continue;
      }
      lastMessageId = result.externalId;
      report.items++;
      batch.push(result);
      if (batch.length >= batchSize) await flush();
      progress(false);
    }
    await flush();
  } catch (err) {
    await flush();
    const message = err instanceof Error ? err.message : String(err);
    report.error = {
      code: err instanceof SourceError ? err.code : 'broken_export',
      message: `export unreadable after ${report.messages} messages near byte ${err instanceof JsonStreamError ? err.offset : counter.bytes}: ${truncate(message, 300)}`,
      bytesRead: counter.bytes,
      messagesParsed: report.messages,
      ...(lastMessageId ? { lastMessageId } : {}),
    };
    source.destroy();
  }
  if (!report.error && report.messages === 0 && counter.bytes > 0) {
    report.error = {
      code: 'not_an_export',
      message: 'no "messages" array found: not a Telegram Desktop export',
      bytesRead: counter.bytes,
      messagesParsed: 0,
    };
  }
  progress(true);
  if (collected) report.collected = collected;
  return report;
}

/** Convenience for small inputs (tests, property checks): parse a buffer or string completely. */
export async function parseTelegramExport(data: string | Buffer, sourceId: string): Promise<ImportReport> {
  return importTelegramExport(Readable.from([typeof data === 'string' ? Buffer.from(data) : data]), { sourceId });
}
