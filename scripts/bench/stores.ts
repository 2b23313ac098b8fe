/**
 * The store figures at several corpus sizes: one Framewatch store and one raw baseline per adapter
 * grow together, stage by stage (say 200,000 items, then 800,000 more up to 1,000,000), and at each
 * size the bench times API ingest against raw writes and every query shape against its raw query.
 */
import type { ItemInput } from '../../server/domain/schemas.js';
import { postItems, type Api } from './api.js';
import { stageBatches } from './data.js';
import { perSecond, type IngestFigures, type SizeFigures, type StoreFigures } from './figures.js';
import { timed } from './measure.js';
import { runOps, type RawRunner, type RunOptions } from './queries.js';
import { fmt } from './table.js';

/** One adapter under test: a Framewatch API over its store, and the same engine reached directly. */
export interface StoreUnderTest {
  adapter: string;
  api: Api;
  /** Builds (outside the clock) the raw write of a batch: the same rows or documents, no Framewatch. */
  rawWriter: (batch: ItemInput[], now: Date) => () => Promise<void>;
  runRaw: RawRunner;
  /** Runs untimed before every timed query (Elasticsearch clears its shard request cache). */
  beforeEach?: () => Promise<void>;
  /** Makes everything written so far visible to searches. */
  sync: () => Promise<void>;
  close: () => Promise<void>;
}

export interface GrowOptions extends RunOptions {
  sizes: readonly number[];
  /** The ingest figure at a size covers this many of the last items written before reaching it. */
  ingestWindow: number;
  /** Runs at each size once its figures are taken, while the stores hold that size (other modules' figures). */
  atSize?: (size: number, target: StoreUnderTest) => Promise<void>;
}

const sum = (values: readonly number[], from = 0) => values.slice(from).reduce((a, b) => a + b, 0);
const rssMb = () => process.memoryUsage.rss() / 2 ** 20;

function throughput(items: number, apiMs: number, rawMs: number): IngestFigures {
  const framewatch = perSecond(items, apiMs);
  const raw = perSecond(items, rawMs);
  return { items, framewatch, raw, ratio: framewatch.perSec / raw.perSec };
}

/**
 * Grows the stores through every size and measures at each. API and raw writes alternate batch by
 * batch, which goes first alternating too, so a noisy neighbour, a GC pause or the engine's
 * background merges land on both alike; only the calls are timed, never building their inputs.
 */
export async function growAndMeasure(target: StoreUnderTest, options: GrowOptions): Promise<StoreFigures> {
  const sizes: SizeFigures[] = [];
  let held = 0;
  for (let stage = 0; stage < options.sizes.length; stage++) {
    const size = options.sizes[stage] as number;
    options.log(`${target.adapter}: growing to ${fmt.int(size)} items (${fmt.int(size - held)} more through the API and raw)`);
    const counts: number[] = [];
    const apiMs: number[] = [];
    const rawMs: number[] = [];
    const now = new Date();
    let written = held;
    let nextReport = held + 100_000;
    for (const batch of stageBatches(options.sizes, stage)) {
      const body = JSON.stringify(batch);
      const raw = target.rawWriter(batch, now);
      const calls: (() => Promise<unknown>)[] = [() => postItems(target.api.url, body, batch.length), raw];
      const times = [0, 0];
      for (const side of counts.length % 2 === 0 ? [0, 1] : [1, 0]) {
        times[side] = (await timed(calls[side] as () => Promise<unknown>)).ms;
      }
      counts.push(batch.length);
      apiMs.push(times[0] as number);
      rawMs.push(times[1] as number);
      written += batch.length;
      if (written >= nextReport) {
        nextReport += 100_000;
        const recent = Math.max(0, counts.length - 100);
        const n = sum(counts, recent);
        options.log(
          `  ${fmt.int(written)} items; last ${fmt.int(n)}: API ${fmt.int(perSecond(n, sum(apiMs, recent)).perSec)} items/s, ` +
            `raw ${fmt.int(perSecond(n, sum(rawMs, recent)).perSec)} items/s; RSS ${fmt.int(rssMb())} MB`,
        );
      }
    }
    if (written !== size) throw new Error(`${target.adapter}: stage ${stage} wrote ${written} items, not ${size}`);
    // The ingest figure: the last `ingestWindow` items (whole batches) before the store reached this size.
    let from = counts.length;
    let windowItems = 0;
    while (from > 0 && windowItems < options.ingestWindow) windowItems += counts[--from] as number;
    const ingest = throughput(windowItems, sum(apiMs, from), sum(rawMs, from));
    const stageFigures = { ...throughput(size - held, sum(apiMs), sum(rawMs)), fromItems: held };
    options.log(
      `  at ${fmt.int(size)}: API ingest ${fmt.int(ingest.framewatch.perSec)} items/s, raw ${fmt.int(ingest.raw.perSec)} items/s (last ${fmt.int(windowItems)})`,
    );
    held = size;
    await target.sync();
    options.log(`${target.adapter}: queries over ${fmt.int(size)} items, ${options.repeats} repetitions each`);
    const ops = await runOps(target.api.url, target.runRaw, {
      ...options,
      ...(target.beforeEach && { beforeEach: target.beforeEach }),
    });
    sizes.push({ items: size, ingest, stage: stageFigures, ops, rssMb: rssMb() });
    await options.atSize?.(size, target);
  }
  return { adapter: target.adapter, sizes };
}
