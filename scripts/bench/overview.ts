/**
 * The dashboard's overview load over the bench corpus: the exact requests OverviewView makes when
 * it opens (client/src/views/OverviewView.vue and the markers store), at most six at a time as a
 * browser sends them to one origin over HTTP/1.1, timed from the first request to the last answer,
 * releases' spread curves included (they wait for the releases list, as in the view). Measured on
 * each adapter while its store holds the corpus (200,000 items), with the overview showing the
 * corpus's last 7 days (the dashboard's default range) and "now" at the corpus's end.
 *
 * Baseline: the raw engine queries equivalent to the requests that have one (the analytics counts),
 * run one after another and summed; releases, spread curves, alerts and markers have none, so the
 * baseline covers part of the load and says how much.
 */
import { getJson } from './api.js';
import { CORPUS, corpusDay } from './data.js';
import { summarize, timed, type Summary } from './measure.js';
import type { RawQuery } from './queries.js';
import type { StoreUnderTest } from './stores.js';
import { fmt, type Row } from './table.js';

/** Connections a browser opens to one origin over HTTP/1.1. */
const BROWSER_CONNECTIONS = 6;

export interface OverviewLoadFigures {
  adapter: string;
  items: number;
  range: { from: string; to: string };
  /** Requests in one load: the fixed ones and one spread curve per release the list returned. */
  requests: number;
  /** First request to last answer. */
  load: Summary;
  /** The raw equivalents of `rawCovered` of the requests, one after another, summed per load. */
  rawSum: Summary;
  rawCovered: number;
  /** Requests that failed (the view shows an error in that panel; a spread curve it leaves out). */
  failed: number;
  /** Each request's own time (p50 over the loads), slowest first: where a load's time goes. */
  slowest: { name: string; p50: number }[];
}

interface OverviewRequest {
  name: string;
  path: string;
  raw?: RawQuery;
}

const qs = (route: string, params: Record<string, string | number>) =>
  `/api/v1/${route}?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`;

/** What the overview asks on load, in the order the view's code starts the requests. */
export function overviewRequests(range: { from: string; to: string }, now: Date): OverviewRequest[] {
  const length = Date.parse(range.to) - Date.parse(range.from);
  const previous = { from: new Date(Date.parse(range.from) - length).toISOString(), to: range.from };
  const days = length / 86_400_000;
  const interval = days <= 8 ? 'hour' : days <= 120 ? 'day' : 'week';
  const day = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const end = now.getTime();
  const terms = (label: string, r: { from: string; to: string }, field: 'side' | 'source' | 'lang', size: number) => ({
    name: `terms ${field} ${size} (${label})`,
    path: qs('analytics/terms', { ...r, field, size }),
    raw: { groupBy: [field], ...r } satisfies RawQuery,
  });
  return [
    // The markers store, loaded by the view as it opens.
    { name: 'markers', path: qs('markers', { limit: 1000 }) },
    // Counters: the period and the one before it.
    terms('period', range, 'side', 50),
    terms('period', range, 'source', 500),
    terms('period', range, 'lang', 100),
    terms('previous', previous, 'side', 50),
    terms('previous', previous, 'source', 500),
    terms('previous', previous, 'lang', 100),
    {
      name: `timeline ${interval} by side`,
      path: qs('analytics/timeline', { ...range, interval, split: 'side' }),
      ...(interval !== 'week' && { raw: { groupBy: [interval, 'side'], ...range } satisfies RawQuery }),
    },
    // The raw baseline has no platform grouping.
    { name: 'terms platform 10', path: qs('analytics/terms', { ...range, field: 'platform', size: 10 }) },
    { ...terms('period', range, 'lang', 10), name: 'terms lang 10' },
    { name: 'framing', path: qs('analytics/framing', range), raw: { groupBy: ['side', 'frame'], ...range } },
    { name: 'alerts', path: qs('alerts', { limit: 100 }) },
    // New releases: the last 24 hours against the 24 before, whatever the range.
    { name: 'releases last 24 h', path: qs('releases', { from: iso(end - day), to: iso(end), limit: 1 }) },
    { name: 'releases 24 h before', path: qs('releases', { from: iso(end - 2 * day), to: iso(end - day), limit: 1 }) },
  ];
}

/** A browser's connection limit: at most `size` requests in flight, the others wait for a slot. */
function slots(size: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let free = size;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (free === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    else free--;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

interface OneLoad {
  ms: number;
  requests: number;
  failed: number;
  times: Map<string, number>;
}

async function loadOnce(url: string, range: { from: string; to: string }, now: Date): Promise<OneLoad> {
  const inSlot = slots(BROWSER_CONNECTIONS);
  const times = new Map<string, number>();
  let requests = 0;
  let failed = 0;
  const get = <T>(name: string, path: string): Promise<T | null> =>
    inSlot(async () => {
      requests++;
      const started = performance.now();
      try {
        return await getJson<T>(`${url}${path}`);
      } catch {
        failed++;
        return null;
      } finally {
        times.set(name, performance.now() - started);
      }
    });
  const started = performance.now();
  await Promise.all([
    ...overviewRequests(range, now).map((r) => get(r.name, r.path)),
    // The latest releases, then each one's spread curve.
    get<{ releases: { id: string }[] }>('releases recency 6', qs('releases', { ...range, sort: 'recency', limit: 6 })).then(
      (page) =>
        Promise.all(
          (page?.releases ?? []).map((r, n) =>
            get(`spread ${n + 1}`, `/api/v1/releases/${encodeURIComponent(r.id)}/spread?interval=hour`),
          ),
        ),
    ),
  ]);
  return { ms: performance.now() - started, requests, failed, times };
}

export async function overviewLoad(
  target: Pick<StoreUnderTest, 'adapter' | 'api' | 'runRaw' | 'beforeEach'>,
  options: { items: number; repeats: number; warmup: number; log: (line: string) => void },
): Promise<OverviewLoadFigures> {
  const range = { from: corpusDay(CORPUS.days - 7), to: corpusDay(CORPUS.days) };
  const now = new Date(range.to);
  const raws = overviewRequests(range, now).flatMap((r) => (r.raw ? [r.raw] : []));
  const rawSum = async () => {
    let ms = 0;
    for (const raw of raws) ms += (await timed(() => target.runRaw(raw))).ms;
    return ms;
  };
  options.log(`${target.adapter}: overview load over ${fmt.int(options.items)} items, ${options.repeats} loads`);
  for (let i = 0; i < options.warmup; i++) {
    await loadOnce(target.api.url, range, now);
    await rawSum();
  }
  const loads: OneLoad[] = [];
  const sums: number[] = [];
  for (let i = 0; i < options.repeats; i++) {
    // Alternating which goes first, each after the engine's caches are cleared (Elasticsearch).
    const order = i % 2 === 0 ? (['api', 'raw'] as const) : (['raw', 'api'] as const);
    for (const side of order) {
      await target.beforeEach?.();
      if (side === 'api') loads.push(await loadOnce(target.api.url, range, now));
      else sums.push(await rawSum());
    }
  }
  const names = [...new Set(loads.flatMap((l) => [...l.times.keys()]))];
  const slowest = names
    .map((name) => ({ name, p50: summarize(loads.flatMap((l) => l.times.get(name) ?? [])).p50 }))
    .sort((a, b) => b.p50 - a.p50)
    .slice(0, 3);
  const figures: OverviewLoadFigures = {
    adapter: target.adapter,
    items: options.items,
    range,
    requests: Math.max(...loads.map((l) => l.requests)),
    load: summarize(loads.map((l) => l.ms)),
    rawSum: summarize(sums),
    rawCovered: raws.length,
    failed: loads.reduce((n, l) => n + l.failed, 0),
    slowest,
  };
  options.log(
    `  overview load p50 ${fmt.ms(figures.load.p50)} ms, p95 ${fmt.ms(figures.load.p95)} ms (${figures.requests} requests); ` +
      `raw sum of ${raws.length} p50 ${fmt.ms(figures.rawSum.p50)} ms; slowest ${slowest.map((s) => `${s.name} ${fmt.ms(s.p50)} ms`).join(', ')}`,
  );
  return figures;
}

export function overviewRows(figures: readonly OverviewLoadFigures[]): Row[] {
  return figures.map((f) => ({
    figure: `${f.adapter} overview load, ${f.requests} requests, 6 at a time (${fmt.size(f.items)} items, last 7 days; p50 / p95)`,
    value: `${fmt.ms(f.load.p50)} / ${fmt.ms(f.load.p95)} ms`,
    baseline:
      `raw sum of ${f.rawCovered} analytics equivalents ${fmt.ms(f.rawSum.p50)} / ${fmt.ms(f.rawSum.p95)} ms; ` +
      `slowest ${f.slowest.map((s) => `${s.name} ${fmt.ms(s.p50)}`).join(', ')}` +
      (f.failed > 0 ? `; ${fmt.int(f.failed)} requests failed` : ''),
    ratio: fmt.ratio(f.load.p50 / f.rawSum.p50),
    target: '-',
    verdict: f.failed > 0 ? 'FAIL' : 'info',
  }));
}
