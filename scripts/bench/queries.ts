/**
 * The fixed query shapes measured on both adapters, each paired with a raw equivalent for the same
 * run's baseline. Framewatch is timed over real HTTP; the raw query goes straight to the engine.
 */
import { getJson } from './api.js';
import { corpusDay } from './data.js';
import { summarize, timed, type Summary } from './measure.js';

export type GroupKey = 'day' | 'hour' | 'side' | 'lang' | 'source' | 'frame';

/** What the raw baseline asks the engine, described once and translated by each adapter module. */
export interface RawQuery {
  /** Folded tokens of one word or one phrase, matched in the indexed text. */
  text?: string[];
  sides?: string[];
  from?: string;
  to?: string;
  /** Count per combination of these keys (nested, outermost first). */
  groupBy?: GroupKey[];
}

export interface QueryOp {
  name: string;
  group: 'search' | 'timeline' | 'terms' | 'framing';
  /** Path and query of the API call; a function when it needs an earlier answer (a cursor). */
  path: string | ((api: string) => Promise<string>);
  raw: RawQuery;
}

export interface RunOptions {
  repeats: number;
  warmup: number;
  log: (line: string) => void;
  /** Runs untimed before every timed call (Elasticsearch clears its shard request cache here). */
  beforeEach?: () => Promise<void>;
}

export type RawRunner = (query: RawQuery) => Promise<{ tookMs?: number }>;

export interface OpResult {
  op: string;
  group: QueryOp['group'];
  framewatch: Summary;
  raw: Summary;
  /** Elasticsearch only: the `took` the node reported for the raw query (server-side time). */
  rawTook?: Summary;
  /** Framewatch p50 / raw p50. */
  ratio: number;
}

const WEEK = { from: corpusDay(60), to: corpusDay(67) };
const MONTH = { from: corpusDay(30), to: corpusDay(60) };
// Frequent words of each language in the generated corpus (already in folded, indexed form).
const WORDS = { uk: 'полонених', ru: 'пленных', ko: '우크라이나', en: 'prisoners' } as const;

const qs = (route: string, params: Record<string, string>) => `/api/v1/${route}?${new URLSearchParams(params)}`;

export function queryOps(): QueryOp[] {
  const words = Object.entries(WORDS).map(([lang, word]): QueryOp => ({
    name: `search q=${lang} word`,
    group: 'search',
    path: qs('search', { q: word }),
    raw: { text: [word] },
  }));
  return [
    ...words,
    {
      name: 'search "north korean"',
      group: 'search',
      path: qs('search', { q: '"north korean"' }),
      raw: { text: ['north', 'korean'] },
    },
    {
      name: 'search side=UA, 30 days',
      group: 'search',
      path: qs('search', { side: 'UA', ...MONTH }),
      raw: { sides: ['UA'], ...MONTH },
    },
    {
      name: 'search en word, sort=views',
      group: 'search',
      path: qs('search', { q: WORDS.en, sort: 'views' }),
      raw: { text: [WORDS.en] },
    },
    {
      name: 'search en word, sort=relevance',
      group: 'search',
      path: qs('search', { q: WORDS.en, sort: 'relevance' }),
      raw: { text: [WORDS.en] },
    },
    {
      name: 'search en word, page 2 (cursor)',
      group: 'search',
      path: async (api) => {
        const first = await getJson<{ nextCursor: string | null }>(`${api}${qs('search', { q: WORDS.en })}`);
        if (!first.nextCursor) throw new Error('the first search page has no next page; the corpus is too small');
        return qs('search', { q: WORDS.en, cursor: first.nextCursor });
      },
      raw: { text: [WORDS.en] },
    },
    {
      name: 'timeline day, split side',
      group: 'timeline',
      path: qs('analytics/timeline', { interval: 'day', split: 'side' }),
      raw: { groupBy: ['day', 'side'] },
    },
    {
      name: 'timeline hour 7 days, split frame',
      group: 'timeline',
      path: qs('analytics/timeline', { interval: 'hour', split: 'frame', ...WEEK }),
      raw: { groupBy: ['hour', 'frame'], ...WEEK },
    },
    { name: 'terms source', group: 'terms', path: qs('analytics/terms', { field: 'source' }), raw: { groupBy: ['source'] } },
    { name: 'terms lang', group: 'terms', path: qs('analytics/terms', { field: 'lang' }), raw: { groupBy: ['lang'] } },
    { name: 'terms frame', group: 'terms', path: qs('analytics/terms', { field: 'frame' }), raw: { groupBy: ['frame'] } },
    { name: 'framing whole range', group: 'framing', path: qs('analytics/framing', {}), raw: { groupBy: ['side', 'frame'] } },
    {
      name: 'framing 7 days',
      group: 'framing',
      path: qs('analytics/framing', WEEK),
      raw: { groupBy: ['side', 'frame'], ...WEEK },
    },
  ];
}

/**
 * Times every op after a warm-up. Framewatch and the raw query alternate within each repetition so
 * that a noisy neighbour slows both sides alike instead of skewing one of them.
 */
export async function runOps(api: string, runRaw: RawRunner, options: RunOptions): Promise<OpResult[]> {
  const results: OpResult[] = [];
  for (const op of queryOps()) {
    const path = typeof op.path === 'string' ? op.path : await op.path(api);
    const call = () => getJson<unknown>(`${api}${path}`);
    for (let i = 0; i < options.warmup; i++) {
      await call();
      await runRaw(op.raw);
    }
    const fw: number[] = [];
    const raw: number[] = [];
    const took: number[] = [];
    for (let i = 0; i < options.repeats; i++) {
      await options.beforeEach?.();
      fw.push((await timed(call)).ms);
      await options.beforeEach?.();
      const r = await timed(() => runRaw(op.raw));
      raw.push(r.ms);
      if (r.value.tookMs !== undefined) took.push(r.value.tookMs);
    }
    const result: OpResult = {
      op: op.name,
      group: op.group,
      framewatch: summarize(fw),
      raw: summarize(raw),
      ...(took.length > 0 && { rawTook: summarize(took) }),
      ratio: 0,
    };
    result.ratio = result.framewatch.p50 / result.raw.p50;
    options.log(
      `  ${op.name.padEnd(34)} p50 ${result.framewatch.p50.toFixed(1)} ms, p95 ${result.framewatch.p95.toFixed(1)} ms; raw p50 ${result.raw.p50.toFixed(2)} ms`,
    );
    results.push(result);
  }
  return results;
}
