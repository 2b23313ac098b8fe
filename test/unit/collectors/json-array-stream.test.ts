import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonStreamError, streamArrayElements } from '../../../pipelines/collectors/json-array-stream.js';
import { cutBytes } from '../../helpers/chunks.js';

/** The document's bytes in chunks cut at the given points (any byte, inside characters too). */
const chunked = (text: string, cuts: number[]) => cutBytes(Buffer.from(text), cuts);

async function read(chunks: Buffer[], key = 'messages'): Promise<{ values: unknown[]; error?: JsonStreamError }> {
  const values: unknown[] = [];
  try {
    for await (const e of streamArrayElements(chunks, key)) values.push(e.value);
    return { values };
  } catch (error) {
    if (!(error instanceof JsonStreamError)) throw error;
    return { values, error };
  }
}

// Strings that stress the scanner: quotes, backslashes (escaped quotes and runs), brackets, commas,
// multi-byte characters cut between chunks.
const tricky = fc.stringMatching(/^[a-z"\\{}[\],:ыї한😀 \n]{0,12}$/u);
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('any'), { maxLength: 3 }),
    fc.dictionary(tricky, tie('any'), { maxKeys: 3 }),
  ),
})).any;
const envelope = fc.dictionary(
  tricky.filter((k) => k !== 'messages'),
  value,
  { maxKeys: 3 },
);

describe('streaming the elements of a JSON array', () => {
  it('yields exactly the elements JSON.parse finds, however the bytes are cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        envelope,
        fc.array(value, { maxLength: 6 }),
        envelope,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        async (before, messages, after, cuts, pretty) => {
          const doc = { ...before, messages, ...after };
          const text = JSON.stringify(doc, null, pretty ? 1 : undefined);
          const { values, error } = await read(chunked(text, cuts));
          expect(error).toBeUndefined();
          expect(values).toEqual((JSON.parse(text) as { messages: unknown[] }).messages);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses a document cut short, after yielding the elements before the cut', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 5 }), fc.nat(), async (messages, at) => {
        const text = JSON.stringify({ name: 'channel', messages });
        const bytes = Buffer.from(text);
        const cut = 1 + (at % (bytes.length - 1));
        const { values, error } = await read([bytes.subarray(0, cut)]);
        expect(error).toBeInstanceOf(JsonStreamError);
        expect(error?.offset).toBeLessThanOrEqual(cut);
        const whole = (JSON.parse(text) as { messages: unknown[] }).messages;
        expect(whole.slice(0, values.length)).toEqual(values);
      }),
      { numRuns: 400 },
    );
  });

  it('names what is wrong and where', async () => {
    const cases: [string, RegExp, number][] = [
      ['{"messages": [{"id": 1} {"id": 2}]}', /expected "," or "\]" after element 1/u, 24],
      ['{"messages": [{"id": 1},]}', /expected an element after ","/u, 24],
      ['{"messages": [{"id": 1}, {"id": 2,}]}', /element 2 \(from byte 25\) is not valid JSON/u, 25],
      ['{"name": x, "messages": []}', /before "messages" is not valid JSON/u, 24],
      ['{"messages": [], "more": }', /after "messages" is not valid JSON/u, 26],
      ['{"messages": []} trailing', /unexpected data after the end/u, 17],
      ['{"messages": {"id": 1}}', /"messages" is not an array/u, 13],
      ['{"messages": [{"text": "never closed}]}', /ends early, inside element 1/u, 39],
    ];
    for (const [text, message, offset] of cases) {
      const { error } = await read([Buffer.from(text)]);
      expect(error?.message, text).toMatch(message);
      expect(error?.offset, text).toBe(offset);
    }
  });

  it('finds only the top-level key, and nothing in documents without it', async () => {
    const nested = '{"chats": {"messages": [1, 2]}, "messages": [3], "x": {"messages": [4]}}';
    expect((await read([Buffer.from(nested)])).values).toEqual([3]);
    for (const text of ['{"hello": "world"}', '[{"messages": [1]}]', '"messages"', '', '  ']) {
      expect(await read([Buffer.from(text)]), text).toEqual({ values: [] });
    }
    // A key spelled with escapes is the same key, as JSON.parse reads it; a byte-order mark is skipped.
    expect((await read([Buffer.from('\ufeff{"m\\u0065ssages": [true]}')])).values).toEqual([true]);
  });
});
