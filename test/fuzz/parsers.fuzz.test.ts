/**
 * What test/unit/collectors/parsers.test.ts does not cover yet: the streaming importers (Telegram
 * Desktop export, NDJSON, CSV) fed arbitrary bytes in arbitrary chunks. They resolve with a report
 * (never throw anything but a SourceError, never hang), and where the bytes cross a chunk boundary
 * does not change what is imported.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importTabular, parseMapping } from '../../pipelines/collectors/import.js';
import { importTelegramExport } from '../../pipelines/collectors/telegram-export.js';
import { SourceError, type RawItem } from '../../pipelines/collectors/types.js';
import { nastyString, params, testTimeout } from './settings.js';
import { cutBytes } from '../helpers/chunks.js';

/** The bytes cut at the given points, as a stream. */
function chunked(bytes: Buffer, cuts: number[]): Readable {
  return Readable.from(cutBytes(bytes, cuts).filter((p) => p.length > 0));
}

async function settle<T>(run: () => Promise<T>): Promise<T | SourceError> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
}

const texts = fc.oneof(nastyString(40), fc.constantFrom('', ' ', 'обмін полонених', '포로 😀'));
const message = fc.record({
  id: fc.oneof(fc.integer({ min: 1, max: 1e6 }), fc.jsonValue({ maxDepth: 0 })),
  type: fc.constantFrom('message', 'service', 'x'),
  date: fc.constantFrom('2026-01-12T09:00:00', 'not a date', ''),
  date_unixtime: fc.oneof(fc.constantFrom('1768208400', '0', '-1', 'x'), fc.integer().map(String)),
  text: fc.oneof(
    texts,
    fc.array(
      fc.oneof(texts, fc.record({ type: fc.constantFrom('plain', 'bold', 'text_link', 'link'), text: texts, href: texts })),
      {
        maxLength: 4,
      },
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  views: fc.oneof(fc.integer({ min: 0, max: 1e9 }), fc.jsonValue({ maxDepth: 0 })),
});
const exportBytes = fc.oneof(
  fc
    .record({
      name: texts,
      type: fc.constantFrom('public_channel', 'x'),
      id: fc.integer(),
      messages: fc.array(message, { maxLength: 6 }),
    })
    .map((e) => JSON.stringify(e)),
  fc.array(message, { maxLength: 4 }).map((m) => `{"name":"x","messages":${JSON.stringify(m).slice(0, -1)}`),
  nastyString(200),
);
const cuts = fc.array(fc.nat({ max: 10_000 }), { maxLength: 8 });

const summary = (r: { items: number; skippedCount: number }, items: RawItem[]) => ({
  items: r.items,
  skipped: r.skippedCount,
  texts: items.map((i) => [i.externalId, i.text, i.publishedAt]),
});

describe('streaming importers under arbitrary bytes and chunking', () => {
  it(
    'Telegram Desktop export: a report on any input, the same whatever the chunking',
    async () => {
      await fc.assert(
        fc.asyncProperty(exportBytes, cuts, async (text, points) => {
          const bytes = Buffer.from(text);
          const run = async (input: Readable) => {
            const items: RawItem[] = [];
            const report = await settle(() =>
              importTelegramExport(input, { sourceId: 's', onBatch: (b) => void items.push(...b) }),
            );
            return report instanceof SourceError ? report.code : summary(report, items);
          };
          const whole = await run(Readable.from([bytes]));
          expect(await run(chunked(bytes, points))).toEqual(whole);
        }),
        params(),
      );
    },
    testTimeout(100),
  );

  it(
    'NDJSON and CSV: a report on any input, the same whatever the chunking',
    async () => {
      const ndjsonLine = fc.oneof(
        fc
          .record({ message: texts, date: fc.constantFrom('2026-01-12T09:00:00Z', '2026-01-12 09:00', 'x'), id: fc.string() })
          .map((o) => JSON.stringify(o)),
        nastyString(40),
      );
      const csvRow = fc
        .array(fc.oneof(texts, fc.constantFrom('"', '""', '"a,b"', '2026-01-12T09:00:00Z')), { maxLength: 4 })
        .map((cells) => cells.join(','));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('ndjson' as const, 'csv' as const),
          fc.array(fc.oneof(ndjsonLine, csvRow), { maxLength: 10 }),
          fc.constantFrom('\n', '\r\n', '\r'),
          cuts,
          async (format, lines, eol, points) => {
            const header = format === 'csv' ? `message,date,id${eol}` : '';
            const bytes = Buffer.from(header + lines.join(eol));
            const mapping = parseMapping('text=message,publishedAt=date,externalId=id');
            const run = async (input: Readable) => {
              const report = await settle(() => importTabular(input, { sourceId: 's', format, mapping }));
              return report instanceof SourceError ? report.code : summary(report, report.collected ?? []);
            };
            const whole = await run(Readable.from([bytes]));
            expect(await run(chunked(bytes, points))).toEqual(whole);
          },
        ),
        params(),
      );
    },
    testTimeout(100),
  );
});
