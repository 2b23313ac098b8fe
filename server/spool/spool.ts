/**
 * The ingest spool: an append-only, fsync'd, bounded on-disk queue of validated item batches, kept
 * while the store is unreachable and replayed in order when it returns.
 *
 * Layout: DIR/seg-<12-digit sequence>.log segment files. Each record is one line
 *   `<byte length of JSON> <crc32 of JSON, 8 hex> <JSON>\n`
 * where the JSON is `{ "at": ISO instant (the batch's collection time), "items": ItemInput[] }`.
 * append() writes the record and fsyncs the file (and the folder when it created a segment) before
 * it resolves, so an acknowledged batch survives a crash. A torn or corrupt record (a crash in the
 * middle of a write that was never acknowledged) ends its segment's readable records; later
 * segments are read on. Segments are deleted only once every record in them was acknowledged by
 * the store (commit()); a crash between the store's acknowledgement and the deletion replays the
 * segment again, which the store's upsert by deterministic id makes harmless.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { ItemInput } from '../domain/schemas.js';

export interface SpoolBatch {
  /** Collection time of the batch (the `now` its upsert uses, so replays are identical). */
  at: string;
  items: ItemInput[];
}

export interface SpooledRecord extends SpoolBatch {
  segment: number;
  /** Position of the record in its segment (0-based). */
  position: number;
}

export interface SpoolDepth {
  items: number;
  bytes: number;
  batches: number;
  /** Collection time of the oldest spooled batch, or null when the spool is empty. */
  oldestAt: string | null;
}

export interface SpoolOptions {
  dir: string;
  /** Bound on the bytes on disk; an append that would pass it is refused with SpoolFullError. */
  maxBytes: number;
  /** A segment is closed and a new one started past this size (default 8 MB, at most maxBytes). */
  segmentBytes?: number;
}

export class SpoolFullError extends Error {
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`the ingest spool is full (${bytes} of ${maxBytes} bytes)`);
    this.name = 'SpoolFullError';
  }
}

const SEGMENT = /^seg-(\d{12})\.log$/u;
const segmentName = (n: number) => `seg-${String(n).padStart(12, '0')}.log`;

interface Segment {
  n: number;
  bytes: number;
  records: { at: string; count: number }[];
}

/** Parses the readable records of a segment's bytes; stops at the first torn or corrupt one. */
export function parseSegment(data: Buffer): { records: SpoolBatch[]; validBytes: number } {
  const records: SpoolBatch[] = [];
  let offset = 0;
  while (offset < data.length) {
    const space1 = data.indexOf(0x20, offset);
    if (space1 < 0 || space1 - offset > 12) break;
    const length = Number(data.toString('latin1', offset, space1));
    const space2 = space1 + 9;
    if (!Number.isSafeInteger(length) || length <= 0 || data[space2] !== 0x20) break;
    const checksum = data.toString('latin1', space1 + 1, space2);
    const start = space2 + 1;
    const end = start + length;
    if (end + 1 > data.length) break;
    if (data[end] !== 0x0a) break;
    const json = data.subarray(start, end);
    if (crc32(json).toString(16).padStart(8, '0') !== checksum) break;
    try {
      const value = JSON.parse(json.toString('utf8')) as SpoolBatch;
      if (typeof value.at !== 'string' || !Array.isArray(value.items)) break;
      records.push(value);
    } catch {
      break;
    }
    offset = end + 1;
  }
  return { records, validBytes: offset };
}

export function frameRecord(batch: SpoolBatch): Buffer {
  const json = Buffer.from(JSON.stringify({ at: batch.at, items: batch.items }), 'utf8');
  const head = Buffer.from(`${json.length} ${crc32(json).toString(16).padStart(8, '0')} `, 'latin1');
  return Buffer.concat([head, json, Buffer.from('\n')]);
}

export class Spool {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly segments: Segment[] = [];
  /** The open segment appends go to (its file descriptor), or null before the first append. */
  private writer: { n: number; fd: number } | null = null;
  /** Records of the head segment already acknowledged by the store (this process). */
  private committed = 0;
  private closed = false;
  /** The head segment's records, parsed once for replay. */
  private headCache: { n: number; records: SpoolBatch[] } | null = null;

  constructor(options: SpoolOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    this.segmentBytes = Math.max(1024, Math.min(options.segmentBytes ?? 8 * 1024 * 1024, options.maxBytes));
    mkdirSync(this.dir, { recursive: true });
    const names = readdirSync(this.dir)
      .map((name) => SEGMENT.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    for (const n of names) {
      const file = join(this.dir, segmentName(n));
      const data = readFileSync(file);
      const { records, validBytes } = parseSegment(data);
      if (records.length === 0) {
        // Only a torn first record: it was never acknowledged.
        unlinkSync(file);
        continue;
      }
      // A torn tail (a crash in the middle of an unacknowledged append) is cut off.
      if (validBytes < data.length) truncateSync(file, validBytes);
      this.segments.push({ n, bytes: validBytes, records: records.map((r) => ({ at: r.at, count: r.items.length })) });
    }
  }

  /** Whether anything waits to be replayed (new batches must then queue behind it, to keep order). */
  get empty(): boolean {
    return this.depth().batches === 0;
  }

  depth(): SpoolDepth {
    let items = 0;
    let bytes = 0;
    let batches = 0;
    let oldestAt: string | null = null;
    this.segments.forEach((segment, i) => {
      bytes += segment.bytes;
      const pending = i === 0 ? segment.records.slice(this.committed) : segment.records;
      for (const r of pending) {
        items += r.count;
        batches++;
        oldestAt ??= r.at;
      }
    });
    return { items, bytes, batches, oldestAt };
  }

  /** Appends one batch and fsyncs it; returns only once the batch is on disk. Throws SpoolFullError past the bound. */
  append(batch: SpoolBatch): void {
    if (this.closed) throw new Error('the ingest spool is closed');
    const record = frameRecord(batch);
    const bytes = this.depth().bytes;
    if (bytes + record.length > this.maxBytes) throw new SpoolFullError(bytes, this.maxBytes);
    let last = this.segments.at(-1);
    if (!last || !this.writer || this.writer.n !== last.n || last.bytes + record.length > this.segmentBytes) {
      this.closeWriter();
      const n = (last?.n ?? 0) + 1;
      const fd = openSync(join(this.dir, segmentName(n)), 'a');
      this.writer = { n, fd };
      last = { n, bytes: 0, records: [] };
      this.segments.push(last);
      this.syncDir();
    }
    writeSync(this.writer.fd, record);
    fsyncSync(this.writer.fd);
    last.bytes += record.length;
    last.records.push({ at: batch.at, count: batch.items.length });
  }

  /** The oldest batch not yet acknowledged by the store, or null. */
  peek(): SpooledRecord | null {
    const head = this.segments[0];
    if (!head || this.committed >= head.records.length) return null;
    if (this.headCache?.n !== head.n || this.headCache.records.length <= this.committed) {
      this.headCache = { n: head.n, records: parseSegment(readFileSync(join(this.dir, segmentName(head.n)))).records };
    }
    const record = this.headCache.records[this.committed];
    if (!record) return null;
    return { ...record, segment: head.n, position: this.committed };
  }

  /** Marks the record peek() returned as stored; deletes its segment when every record in it is. */
  commit(record: SpooledRecord): void {
    const head = this.segments[0];
    if (!head || head.n !== record.segment || this.committed !== record.position) return;
    this.committed++;
    if (this.committed < head.records.length) return;
    // The segment still taking appends is kept open (and reused) unless it is the only one left.
    if (this.writer?.n === head.n) this.closeWriter();
    unlinkSync(join(this.dir, segmentName(head.n)));
    this.syncDir();
    this.segments.shift();
    this.committed = 0;
    this.headCache = null;
  }

  /** Flushes and closes the open segment; the spool's files stay for the next start. */
  close(): void {
    this.closeWriter();
    this.closed = true;
  }

  private closeWriter(): void {
    if (!this.writer) return;
    fsyncSync(this.writer.fd);
    closeSync(this.writer.fd);
    this.writer = null;
  }

  private syncDir(): void {
    // Makes a created or deleted segment's directory entry durable (not supported on every platform).
    try {
      const fd = openSync(this.dir, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      // Windows cannot open a folder; the file's own fsync is what acknowledges a batch.
    }
  }
}
