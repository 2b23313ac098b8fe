/**
 * How hard the property tests push: a fixed seed and a bounded number of cases in `npm test`;
 * `npm run fuzz` sets FUZZ_RUNS (and may set FUZZ_SEED) for a longer run. A failure prints the
 * seed and path fast-check needs to replay it.
 */
import fc from 'fast-check';

const positive = (value: string | undefined, fallback: number): number => {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
};

/** Cases per property (default 100). */
export const FUZZ_RUNS = positive(process.env.FUZZ_RUNS, 100);
/** The seed every property starts from. */
export const FUZZ_SEED = positive(process.env.FUZZ_SEED, 20_260_126);
/** Ms one case may take before it counts as a hang. */
export const CASE_TIMEOUT_MS = 10_000;
/** Vitest timeout of a property test: room for every case at a generous per-case budget. */
export const testTimeout = (msPerCase: number): number => Math.max(60_000, FUZZ_RUNS * msPerCase);

/** Parameters for fc.assert: the fixed seed, `runs` cases (a share of FUZZ_RUNS), a hang timeout per case. */
export function params<T>(share = 1): fc.Parameters<T> {
  return { seed: FUZZ_SEED, numRuns: Math.max(10, Math.round(FUZZ_RUNS * share)), timeout: CASE_TIMEOUT_MS, endOnFailure: true };
}

/** The one error shape every route answers with. */
export function isErrorBody(body: unknown, status: number): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as Record<string, unknown>;
  return typeof e.code === 'string' && typeof e.message === 'string' && e.statusCode === status;
}

/** Characters that break naive parsers: controls, quotes, backslashes, surrogates' neighbours, bidi marks. */
export const NASTY_CHARS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u000b',
  '\u000c',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u200b',
  '\u200e',
  '\u202e',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  '"',
  "'",
  '\\',
  '`',
  '<',
  '>',
  '&',
  '{',
  '}',
  '[',
  ']',
  '%',
  '$',
  '😀',
  'й',
  '한',
];

/** Strings of ordinary text with hostile characters mixed in. */
export const nastyString = (maxLength = 80): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof(fc.constantFrom(...NASTY_CHARS), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), {
      maxLength,
    })
    .map((parts) => parts.join(''));

/** App options for fuzzing: the per-principal rate limit out of the way (it is tested on its own). */
export const FUZZ_APP_OPTIONS = { auth: { apiRateLimit: 1_000_000 } } as const;
