/**
 * The bulk body written straight into UTF-8 bytes: it must be exactly the NDJSON the operations'
 * strings make, whatever the scripts in the documents and however often its buffer grows or is
 * reused, and a retry's body must hold exactly the operations asked for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkBody } from '../../../server/store/elasticsearch/bulk-body.js';

const text = fc.string({ unit: 'grapheme', maxLength: 300 });
const operation = fc.record({
  id: fc.string({ maxLength: 20 }),
  pieces: fc.array(text, { minLength: 1, maxLength: 5 }),
});

function expected(ops: { id: string; pieces: string[] }[]): string {
  return ops.map((o) => `${JSON.stringify({ index: { _index: 'items', _id: o.id } })}\n${o.pieces.join('')}\n`).join('');
}

function write(ops: { id: string; pieces: string[] }[], expectedBytes?: number): BulkBody {
  const body = new BulkBody(expectedBytes);
  for (const o of ops) body.add({ index: { _index: 'items', _id: o.id } }, ...o.pieces);
  return body;
}

describe('BulkBody', () => {
  it('is the NDJSON of its operations, in UTF-8, through any growth of its buffer', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), fc.integer({ min: 1, max: 4096 }), (ops, size) => {
        const body = write(ops, size);
        expect(body.operations).toBe(ops.length);
        expect(body.all().toString('utf8')).toBe(expected(ops));
        expect(body.all().equals(Buffer.from(expected(ops), 'utf8'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('gives a retry exactly the operations asked for, in that order', () => {
    fc.assert(
      fc.property(
        fc
          .array(operation, { minLength: 1, maxLength: 30 })
          .chain((ops) => fc.tuple(fc.constant(ops), fc.uniqueArray(fc.nat({ max: ops.length - 1 }), { minLength: 1 }))),
        ([ops, positions]) => {
          const body = write(ops);
          expect(body.only(positions).toString('utf8')).toBe(expected(positions.map((at) => ops[at] as (typeof ops)[number])));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes an action without a document (a delete) as one line', () => {
    const body = new BulkBody().add({ delete: { _index: 'items', _id: 'a' } }).add({ delete: { _index: 'items', _id: 'b' } });
    expect(body.all().toString()).toBe('{"delete":{"_index":"items","_id":"a"}}\n{"delete":{"_index":"items","_id":"b"}}\n');
  });

  it('starts a body on a released buffer with none of the released bytes', () => {
    const first = write([{ id: 'x', pieces: ['Курськ — 쿠르스크 '.repeat(500)] }]);
    first.release();
    const second = write([{ id: 'y', pieces: ['{"a":1}'] }]);
    expect(second.all().toString()).toBe('{"index":{"_index":"items","_id":"y"}}\n{"a":1}\n');
    expect(second.only([0]).toString()).toBe('{"index":{"_index":"items","_id":"y"}}\n{"a":1}\n');
  });
});
