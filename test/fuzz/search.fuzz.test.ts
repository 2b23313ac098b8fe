/**
 * GET /api/v1/search with arbitrary query strings on both engines: FTS5 syntax (NEAR, column
 * filters, ^, parentheses), Elasticsearch query_string syntax (field:, ranges, ~, /regex/, boosts),
 * quotes, backslashes, control characters. Every answer is 200 or 400 with the one error shape.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/auth.js';
import { anItem } from '../helpers/factories.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../helpers/stores.js';
import { FUZZ_APP_OPTIONS, isErrorBody, nastyString, params, testTimeout } from './settings.js';

const SYNTAX = [
  '"',
  '""',
  '\\',
  '\\"',
  '*',
  '**',
  '-',
  '--',
  '(',
  ')',
  '^',
  ':',
  '~',
  '~2',
  '/',
  '[',
  ']',
  '{',
  '}',
  '!',
  '?',
  '+',
  '&&',
  '||',
  '<',
  '>',
  '=',
  '@',
  '#',
  "'",
  ' ',
  '  ',
  '\t',
  '\n',
  '\u0000',
  'OR',
  'AND',
  'NOT',
  'NEAR',
  'NEAR(',
  'NEAR/3',
  'title:',
  'text:',
  '{title text}:',
  '_exists_:',
  'title:*',
  '*:*',
  '[* TO *]',
  '{1 TO 5]',
  '/.*/',
  '/[a-z]+/',
  '^2',
  'exchange',
  'prisoners',
  'обмін',
  'полонених',
  '포로',
  'ex*',
  'e*',
  '-exchange',
  '"exchange of',
  'of prisoners"',
];
const token = fc.oneof(fc.constantFrom(...SYNTAX), fc.string({ maxLength: 5 }), nastyString(4));
const query = fc.oneof(
  fc.array(token, { maxLength: 20 }).map((parts) => parts.join('')),
  fc.array(token, { maxLength: 12 }).map((parts) => parts.join(' ')),
  fc.string({ unit: 'binary', maxLength: 60 }),
  // Around the 500-character limit.
  fc.tuple(fc.constantFrom('a ', 'ab* ', '" ', 'OR ', '-x '), fc.integer({ min: 80, max: 260 })).map(([s, n]) => s.repeat(n)),
);

describe.each([
  ['SQLite', sqliteTestStore],
  ['Elasticsearch', elasticsearchTestStore],
] as const)('search syntax fuzzing on %s', (_engine, makeStore) => {
  let test: TestStore;
  let t: TestApp;

  beforeAll(async () => {
    test = await makeStore();
    t = await buildTestApp(test.store, FUZZ_APP_OPTIONS);
    await test.store.upsertItems(
      [
        anItem({ text: 'The exchange of prisoners was announced.' }),
        anItem({ title: 'Обмін полонених', text: 'Обмін полонених відбувся вчора.', lang: 'uk' }),
        anItem({ title: '포로 교환', text: '북한군 포로 교환 소식', lang: 'ko' }),
        anItem({ text: 'title:exchange NEAR(a b) "quoted" \\ backslash' }),
      ],
      new Date(),
    );
  });
  afterAll(async () => {
    await t?.app.close();
    await test?.dispose();
  });

  it(
    'answers 200 or 400, never 500',
    async () => {
      await fc.assert(
        fc.asyncProperty(query, fc.constantFrom('time', 'relevance', 'views'), async (q, sort) => {
          const res = await t.inject({ method: 'GET', url: `/api/v1/search?${new URLSearchParams({ q, sort, limit: '5' })}` });
          expect([200, 400].includes(res.statusCode), `q=${JSON.stringify(q)}: ${res.statusCode} ${res.body.slice(0, 300)}`).toBe(
            true,
          );
          const body: unknown = res.json();
          if (res.statusCode === 400) expect(isErrorBody(body, 400), res.body).toBe(true);
          else expect(Array.isArray((body as { hits: unknown[] }).hits)).toBe(true);
        }),
        params(),
      );
    },
    testTimeout(200),
  );

  it(
    'arbitrary cursors and filter lists answer 200 or 400',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.option(fc.oneof(nastyString(40), fc.base64String({ maxLength: 80 })), { nil: undefined }),
          fc.option(nastyString(30), { nil: undefined }),
          fc.option(nastyString(30), { nil: undefined }),
          async (cursor, side, source) => {
            const query = new URLSearchParams({ q: 'exchange', limit: '2' });
            if (cursor !== undefined) query.set('cursor', cursor);
            if (side !== undefined) query.set('side', side);
            if (source !== undefined) query.set('source', source);
            const res = await t.inject({ method: 'GET', url: `/api/v1/search?${query}` });
            expect([200, 400].includes(res.statusCode), `${query}: ${res.statusCode} ${res.body.slice(0, 300)}`).toBe(true);
            if (res.statusCode === 400) expect(isErrorBody(res.json(), 400), res.body).toBe(true);
          },
        ),
        params(0.5),
      );
    },
    testTimeout(200),
  );
});
