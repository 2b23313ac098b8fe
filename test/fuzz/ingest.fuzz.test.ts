/**
 * POST /api/v1/items under hostile input: arbitrary JSON, near-valid items with mutated fields,
 * NDJSON with random lines, control characters and long strings. Every answer is a success or the
 * one error shape with a 4xx status; none is a 500, none hangs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, type TestApp } from '../helpers/auth.js';
import { anItem } from '../helpers/factories.js';
import { sqliteTestStore, type TestStore } from '../helpers/stores.js';
import { FUZZ_APP_OPTIONS, isErrorBody, nastyString, params, testTimeout } from './settings.js';

const ACCEPTED = new Set([200, 400, 413, 415, 422]);

let test: TestStore;
let t: TestApp;

beforeAll(async () => {
  test = await sqliteTestStore();
  t = await buildTestApp(test.store, FUZZ_APP_OPTIONS);
});
afterAll(async () => {
  await t?.app.close();
  await test?.dispose();
});

/** Checks one answer; returns false (with the reason logged by expect) when it breaks the contract. */
function wellFormed(res: LightMyRequestResponse): boolean {
  expect(ACCEPTED.has(res.statusCode), `status ${res.statusCode}: ${res.body.slice(0, 500)}`).toBe(true);
  const body: unknown = JSON.parse(res.body);
  if (res.statusCode === 200) {
    const ok = body as { received: number; results: unknown[]; errors: unknown[] };
    expect(ok.errors).toEqual([]);
    expect(ok.results).toHaveLength(ok.received);
  } else {
    expect(isErrorBody(body, res.statusCode), res.body.slice(0, 500)).toBe(true);
  }
  if (res.statusCode === 422) {
    const partial = body as { received: number; results: unknown[]; errors: unknown[] };
    expect(partial.errors.length).toBeGreaterThan(0);
    expect(partial.results.length).toBeLessThan(partial.received);
  }
  return true;
}

const post = (payload: string, contentType = 'application/json') =>
  t.inject({ method: 'POST', url: '/api/v1/items', headers: { 'content-type': contentType }, payload });

const FIELDS = [
  'platform',
  'sourceId',
  'externalId',
  'kind',
  'side',
  'url',
  'title',
  'text',
  'lang',
  'publishedAt',
  'collectedAt',
  'editedAt',
  'media',
  'engagement',
  'frames',
  'entities',
  'releaseId',
  'forwardedFrom',
  'sensitive',
  'demo',
  'raw',
  '__proto__',
  'constructor',
  'id',
];

/** Values a field might wrongly carry. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  nastyString(),
  fc.constantFrom('', ' ', '2026-13-45T99:99:99Z', '2026-01-21', 'javascript:alert(1)', 'http://', '-1', 'NaN', 'telegram'),
  fc.double(),
  fc.integer(),
  fc.array(fc.record({ type: fc.constantFrom('video', 'image', 'x'), url: nastyString(20) }), { maxLength: 3 }),
  // Long strings near and past the field limits (title 2,000, text 200,000 characters).
  fc.tuple(fc.constantFrom('a', 'й', '😀', '\u0000', ' '), fc.integer({ min: 1_900, max: 210_000 })).map(([c, n]) => c.repeat(n)),
);

/** An item that is valid but for a few fields changed, removed or added. */
const nearValidItem: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...FIELDS), wrongValue, { maxKeys: 3 }),
    fc.subarray(FIELDS.slice(0, 11), { maxLength: 2 }),
    fc.option(fc.record({ sourceId: nastyString(30), externalId: nastyString(30), text: nastyString(200) }), { nil: undefined }),
  )
  .map(([changes, removed, strings]) => {
    const item: Record<string, unknown> = { ...anItem(), ...strings };
    for (const key of removed) delete item[key];
    for (const [key, value] of Object.entries(changes)) {
      Object.defineProperty(item, key, { value, enumerable: true, configurable: true, writable: true });
    }
    return item;
  });

describe('ingest API fuzzing', () => {
  it(
    'arbitrary JSON bodies',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => wellFormed(await post(JSON.stringify(value)))),
        params(),
      );
    },
    testTimeout(100),
  );

  it(
    'arrays of near-valid items',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(nearValidItem, { minLength: 1, maxLength: 8 }), async (items) =>
          wellFormed(await post(JSON.stringify(items))),
        ),
        params(),
      );
    },
    testTimeout(300),
  );

  it(
    'NDJSON with random lines',
    async () => {
      const line = fc.oneof(
        nearValidItem.map((item) => JSON.stringify(item)),
        fc.constant(JSON.stringify(anItem())),
        nastyString(60),
        fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
        fc.constantFrom('{', '}', '[]', 'null', '{"a":', '\r', '\u2028', '\ufeff{}'),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(line, { maxLength: 12 }),
          fc.constantFrom('\n', '\r\n'),
          fc.constantFrom('application/x-ndjson', 'application/ndjson', 'application/jsonl'),
          async (lines, eol, type) => wellFormed(await post(lines.join(eol), type)),
        ),
        params(),
      );
    },
    testTimeout(300),
  );

  it(
    'raw bodies, broken JSON and odd content types',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            nastyString(200),
            fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
          ),
          fc.constantFrom(
            'application/json',
            'text/plain',
            'application/x-ndjson',
            'application/json; charset=utf-16',
            'multipart/form-data',
          ),
          async (body, type) => {
            const res = await post(body, type);
            // 415 for types no parser takes; the rest as above.
            expect([...ACCEPTED, 415].includes(res.statusCode), `${res.statusCode} ${res.body.slice(0, 300)}`).toBe(true);
            return wellFormed(res);
          },
        ),
        params(),
      );
    },
    testTimeout(100),
  );
});
