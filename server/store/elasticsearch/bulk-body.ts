/**
 * The NDJSON body of a bulk request, written operation by operation straight into UTF-8 bytes.
 *
 * Joining the operations' strings into one body string and letting the client encode it made a
 * second copy of every document, twice the size of its UTF-8 bytes (Cyrillic and Hangul make
 * two-byte strings), in the JavaScript heap: that copy was the largest single allocation of a large
 * import and set off most of its full garbage collections. The bytes live outside the heap, and a
 * document given as pieces (see PreparedItem.openJson) is never copied into one string at all.
 */
import type { estypes } from '@elastic/elasticsearch';
import type { RawJson } from '../prepare.js';

/**
 * Buffers of bodies whose requests were answered, for the next bodies: a fresh buffer for every
 * request counts as new memory outside the heap, and enough of that makes V8 collect the whole heap.
 */
const spare: Buffer[] = [];
const SPARE_BUFFERS = 4;
/** A body this large is not kept for reuse. */
const SPARE_MAX_BYTES = 16 * 1024 * 1024;

export class BulkBody {
  private bytes: Buffer;
  private used = 0;
  /** Where each operation's bytes end. */
  private readonly ends: number[] = [];

  constructor(expectedBytes = 64 * 1024) {
    const last = spare[spare.length - 1];
    this.bytes =
      last && last.length >= expectedBytes ? (spare.pop() as Buffer) : Buffer.allocUnsafe(Math.max(64 * 1024, expectedBytes));
  }

  /** Operations added so far. */
  get operations(): number {
    return this.ends.length;
  }

  /**
   * Appends one operation: its action line, then, unless it is a delete, its document's JSON given
   * whole or as pieces (text, or UTF-8 bytes) that are written one after the other.
   */
  add(action: estypes.BulkOperationContainer, ...document: readonly RawJson[]): this {
    this.write(JSON.stringify(action));
    this.write('\n');
    if (document.length > 0) {
      for (const piece of document) this.write(piece);
      this.write('\n');
    }
    this.ends.push(this.used);
    return this;
  }

  /** The whole body. */
  all(): Buffer {
    return this.bytes.subarray(0, this.used);
  }

  /** The body of the operations at the given positions, in that order (a retry resends them). */
  only(positions: readonly number[]): Buffer {
    return Buffer.concat(positions.map((at) => this.bytes.subarray(at === 0 ? 0 : (this.ends[at - 1] as number), this.ends[at])));
  }

  /**
   * Gives the body's memory back for another body. Only once the cluster has answered the request:
   * an answer means it has read the whole body, so the bytes are no longer being sent.
   */
  release(): void {
    if (spare.length < SPARE_BUFFERS && this.bytes.length <= SPARE_MAX_BYTES) spare.push(this.bytes);
    this.bytes = Buffer.alloc(0);
    this.used = 0;
    this.ends.length = 0;
  }

  private write(piece: RawJson): void {
    // A UTF-16 code unit takes at most three bytes (a surrogate pair, two units, takes four).
    const needed = this.used + (typeof piece === 'string' ? piece.length * 3 : piece.byteLength);
    if (needed > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    if (typeof piece === 'string') this.used += this.bytes.write(piece, this.used, 'utf8');
    else {
      this.bytes.set(piece, this.used);
      this.used += piece.byteLength;
    }
  }
}
