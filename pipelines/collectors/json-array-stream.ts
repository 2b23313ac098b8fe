/**
 * Streaming the elements of one array of a large JSON document: the `messages` array of a Telegram
 * Desktop export, which may be hundreds of megabytes. The bytes are scanned only for structure
 * (strings, brackets, commas), which is cheap: inside strings, where most of an export's bytes are,
 * the scanner jumps from quote to quote. Each element's bytes are then parsed by JSON.parse, and
 * the document around the array (its header and its end) is checked by JSON.parse as well, so a
 * document that is not valid JSON is refused as a whole parser would refuse it, with the byte
 * offset where it went wrong. Only the element being read is held in memory.
 */

/** The document is not valid JSON, or ends early; `offset` is the byte where that was found. */
export class JsonStreamError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonStreamError';
  }
}

export interface ArrayElement {
  value: unknown;
  /** Position in the array, from 0. */
  index: number;
  /** Byte offset of the element's first byte in the document. */
  offset: number;
}

export interface ArrayStreamOptions {
  /** Bytes read from the source so far, updated as chunks arrive. */
  progress?: { bytes: number };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** The header and end of the document are kept (to be checked) up to this size; exports keep them small. */
const MAX_KEPT = 1024 * 1024;
/** Keys longer than this are not the key looked for, and are not kept. */
const MAX_KEY = 256;

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

type Mode = 'start' | 'header' | 'before' | 'element' | 'after' | 'tail' | 'done';

/** Pieces of bytes that may span chunks, joined only when read. */
class Pieces {
  private parts: Buffer[] = [];
  size = 0;
  add(part: Buffer): void {
    if (part.length === 0) return;
    this.parts.push(part);
    this.size += part.length;
  }
  text(): string {
    const whole = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
    return whole.toString('utf8');
  }
  clear(): void {
    this.parts = [];
    this.size = 0;
  }
}

/** A key as read (with its quotes), decoded; null when it is not a valid JSON string. */
function decodeKey(raw: string): string | null {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return null;
  }
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 200);

/**
 * Yields the elements of the array that is the value of `key` in the top-level object of the
 * document. Yields nothing when the top-level value is not an object or has no such key; throws
 * JsonStreamError when the document is not valid JSON (after yielding the elements before the fault).
 */
export async function* streamArrayElements(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  key: string,
  options: ArrayStreamOptions = {},
): AsyncGenerator<ArrayElement, void, undefined> {
  const progress = options.progress ?? { bytes: 0 };
  let mode: Mode = 'start';
  let offset = 0; // document offset of the current chunk's first byte
  let depth = 0; // nesting outside the array's elements
  let inString = false;
  let escaped = false; // the chunk before ended inside a string on an unpaired backslash
  const header = new Pieces(); // the document up to the array's '[' (checked when the array opens)
  const tail = new Pieces(); // the document after the array's ']' (checked at the end)
  let keptHeader = true;
  let keptTail = true;
  const keyBytes = new Pieces(); // the string last read at depth 1 (a key, if a colon follows)
  let keyStart = -1; // chunk index where that string's bytes start while it is read (-2: at the next chunk's start)
  let keyLong = false;
  let lastKey: string | null = null;
  let wantKey = false; // the key was read and its colon seen: the value comes next
  const element = new Pieces();
  let elementStart = -1; // chunk index of the element's first byte, while it is in this chunk
  let elementOffset = 0;
  let elementDepth = 0;
  let index = 0;
  let expectElement = false; // after a comma an element must follow, not ']'
  let bom = true;

  /**
   * Within a string starting at chunk index i: the index just past its closing quote, or -1 when
   * the chunk ends first (escaped then says whether the chunk ended on an unpaired backslash).
   */
  const endOfString = (buf: Buffer, i: number): number => {
    let from = i;
    if (escaped) {
      escaped = false;
      from++;
    }
    for (;;) {
      const quote = buf.indexOf(QUOTE, from);
      if (quote < 0) {
        let k = buf.length - 1;
        while (k >= from && buf[k] === BACKSLASH) k--;
        escaped = (buf.length - 1 - k) % 2 === 1;
        return -1;
      }
      let k = quote - 1;
      while (k >= from && buf[k] === BACKSLASH) k--;
      if ((quote - 1 - k) % 2 === 0) return quote + 1;
      from = quote + 1;
    }
  };

  const keep = (pieces: Pieces, part: Buffer, kept: boolean): boolean => {
    if (!kept) return false;
    if (pieces.size + part.length > MAX_KEPT) {
      pieces.clear();
      return false;
    }
    pieces.add(part);
    return true;
  };

  const parseElement = (): unknown => {
    try {
      return JSON.parse(element.text()) as unknown;
    } catch (error) {
      throw new JsonStreamError(
        `element ${index + 1} (from byte ${elementOffset}) is not valid JSON: ${reason(error)}`,
        elementOffset,
      );
    } finally {
      element.clear();
    }
  };

  for await (const input of source) {
    const buf = typeof input === 'string' ? Buffer.from(input) : input;
    progress.bytes += buf.length;
    let i = 0;
    if (bom && buf.length > 0) {
      bom = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
    }
    const headerFrom = i; // where this chunk's share of the header starts
    let tailFrom = mode === 'tail' ? 0 : -1;
    if (mode === 'element') elementStart = 0;
    if (keyStart === -2) keyStart = 0;
    while (i < buf.length) {
      if (inString) {
        const end = endOfString(buf, i);
        if (end < 0) {
          i = buf.length;
          break;
        }
        inString = false;
        i = end;
        if (mode !== 'element') {
          if (keyStart !== -1) {
            if (!keyLong) keyBytes.add(buf.subarray(Math.max(keyStart, 0), end));
            keyLong ||= keyBytes.size > MAX_KEY;
            lastKey = keyLong ? null : keyBytes.text();
            keyBytes.clear();
            keyStart = -1;
          }
          continue;
        }
        if (elementDepth > 0) continue;
        // A string element ends with its string.
      } else if (mode === 'element') {
        const b = buf[i] as number;
        if (b === QUOTE) {
          inString = true;
          i++;
          continue;
        }
        if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
          elementDepth++;
          i++;
          continue;
        }
        if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
          if (elementDepth > 0) {
            elementDepth--;
            i++;
            if (elementDepth > 0) continue;
          }
          // elementDepth 0 and a closing bracket: it ends a scalar element (and the array).
        } else if (elementDepth > 0 || !(b === COMMA || isSpace(b))) {
          i++;
          continue;
        }
      }
      if (mode === 'element') {
        // The element ends before buf[i].
        element.add(buf.subarray(Math.max(elementStart, 0), i));
        elementStart = -1;
        const value = parseElement();
        mode = 'after';
        yield { value, index, offset: elementOffset };
        index++;
        continue;
      }
      const b = buf[i] as number;
      i++;
      if (isSpace(b)) continue;
      switch (mode) {
        case 'start':
          // Only an object can have the key; anything else has no such array.
          if (b !== OPEN_OBJECT) return;
          depth = 1;
          mode = 'header';
          break;
        case 'header':
          if (wantKey) {
            wantKey = false;
            if (b !== OPEN_ARRAY) throw new JsonStreamError(`"${key}" is not an array`, offset + i - 1);
            keptHeader = keep(header, buf.subarray(headerFrom, i), keptHeader);
            if (keptHeader) {
              try {
                JSON.parse(`${header.text()}]}`);
              } catch (error) {
                throw new JsonStreamError(`the document before "${key}" is not valid JSON: ${reason(error)}`, offset + i - 1);
              }
            }
            header.clear();
            depth = 2;
            mode = 'before';
            expectElement = false;
            break;
          }
          if (b === QUOTE) {
            inString = true;
            keyLong = false;
            lastKey = null;
            keyStart = depth === 1 ? i - 1 : -1;
          } else if (b === COLON) {
            wantKey = depth === 1 && lastKey !== null && decodeKey(lastKey) === key;
          } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
          else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
            depth--;
            // The top-level object closed without the key: no elements.
            if (depth === 0) return;
          }
          if (b !== QUOTE && b !== COLON) lastKey = null;
          break;
        case 'before':
          if (b === CLOSE_ARRAY || b === COMMA) {
            if (b === COMMA || expectElement) throw new JsonStreamError(`expected an element after ","`, offset + i - 1);
            depth = 1;
            mode = 'tail';
            tailFrom = i;
          } else {
            // The element starts here: read it from this byte on.
            mode = 'element';
            i--;
            elementStart = i;
            elementOffset = offset + i;
            elementDepth = 0;
          }
          break;
        case 'after':
          if (b === COMMA) {
            mode = 'before';
            expectElement = true;
          } else if (b === CLOSE_ARRAY) {
            depth = 1;
            mode = 'tail';
            tailFrom = i;
          } else {
            throw new JsonStreamError(`expected "," or "]" after element ${index}`, offset + i - 1);
          }
          break;
        case 'tail':
          if (b === QUOTE) inString = true;
          else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
          else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
            depth--;
            if (depth === 0) mode = 'done';
          }
          break;
        case 'done':
          throw new JsonStreamError('unexpected data after the end of the document', offset + i - 1);
        default:
          break;
      }
    }
    if (mode === 'header') keptHeader = keep(header, buf.subarray(headerFrom, buf.length), keptHeader);
    if (keyStart >= 0) {
      // A key being read goes on in the next chunk.
      if (!keyLong) keyBytes.add(buf.subarray(keyStart, buf.length));
      keyLong ||= keyBytes.size > MAX_KEY;
      keyStart = -2;
    }
    if (mode === 'element' && elementStart >= 0) element.add(buf.subarray(elementStart, buf.length));
    if ((mode === 'tail' || mode === 'done') && tailFrom >= 0)
      keptTail = keep(tail, buf.subarray(tailFrom, buf.length), keptTail);
    offset += buf.length;
  }
  if (mode === 'start' || mode === 'header') {
    if (mode === 'header') throw new JsonStreamError('the document ends before its top-level object closes', offset);
    return;
  }
  if (mode !== 'done') {
    const where = mode === 'element' ? `inside element ${index + 1}` : mode === 'tail' ? 'after the array' : 'inside the array';
    throw new JsonStreamError(`the document ends early, ${where}`, offset);
  }
  if (keptTail) {
    try {
      JSON.parse(`{"a":[]${tail.text()}`);
    } catch (error) {
      throw new JsonStreamError(`the document after "${key}" is not valid JSON: ${reason(error)}`, offset);
    }
  }
}
