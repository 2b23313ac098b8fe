/**
 * Framewatch benchmark runner (`npm run bench`). Every figure is printed beside a baseline measured
 * in the same run on the same machine, because these machines are shared and noisy: the ratios are
 * what compare across runs, the absolute figures are not. Targets that fail are reported, never
 * turned into a failing exit code; only a crash exits non-zero.
 *
 *   npm run bench -- [--items 200000] [--ingest 50000] [--only sqlite|elasticsearch] [--repeats 30] [--json path]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { connectElasticsearch, elasticsearchIngest, elasticsearchQueries } from './bench/elasticsearch.js';
import type { IngestFigures, QueryFigures } from './bench/figures.js';
import { watchMemory } from './bench/measure.js';
import { sqliteIngest, sqliteQueries } from './bench/sqlite.js';
import { fmt, renderTable, type Row } from './bench/table.js';

const ES_INGEST_TARGET = 0.6;
const SQLITE_INGEST_TARGET = 5_000;
const WARMUP = 3;

interface Options {
  items: number;
  ingest: number;
  only: 'sqlite' | 'elasticsearch' | undefined;
  repeats: number;
  json: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '200000' },
      ingest: { type: 'string', default: '50000' },
      only: { type: 'string' },
      repeats: { type: 'string', default: '30' },
      json: { type: 'string' },
    },
  });
  const count = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not "${text}"`);
    return n;
  };
  if (values.only !== undefined && values.only !== 'sqlite' && values.only !== 'elasticsearch') {
    throw new Error(`--only must be sqlite or elasticsearch, not "${values.only}"`);
  }
  const stamp = new Date().toISOString().replace(/[:.]/gu, '-');
  return {
    items: count('items', values.items),
    ingest: count('ingest', values.ingest),
    only: values.only,
    repeats: count('repeats', values.repeats),
    json: values.json ?? `bench-results/bench-${stamp}.json`,
  };
}

const log = (line: string) => process.stdout.write(`${line}\n`);

interface AdapterFigures {
  ingest: IngestFigures;
  queries: QueryFigures;
}

function adapterRows(name: string, figures: AdapterFigures, ingestRow: Row): Row[] {
  const { load, ops } = figures.queries;
  return [
    ingestRow,
    {
      figure: `${name} load via store.upsertItems (${fmt.int(load.items)} items)`,
      value: `${fmt.int(load.perSec)} items/s`,
      baseline: '-',
      ratio: '-',
      target: '-',
      verdict: 'info',
    },
    ...ops.map((op): Row => ({
      figure: `${name} ${op.op} (p50 / p95)`,
      value: `${fmt.ms(op.framewatch.p50)} / ${fmt.ms(op.framewatch.p95)} ms`,
      baseline:
        `raw ${fmt.ms(op.raw.p50)} / ${fmt.ms(op.raw.p95)} ms` + (op.rawTook ? ` (took p50 ${fmt.int(op.rawTook.p50)} ms)` : ''),
      ratio: fmt.ratio(op.ratio),
      target: '-',
      verdict: 'info',
    })),
  ];
}

async function main(): Promise<void> {
  const options = parseOptions();
  const memory = watchMemory();
  const started = new Date();
  const queryOptions = { repeats: options.repeats, warmup: WARMUP, log };
  const rows: Row[] = [];
  const report: Record<string, unknown> = {
    startedAt: started.toISOString(),
    options,
    machine: { node: process.version, cpus: cpus().length, platform: process.platform },
  };

  if (options.only !== 'elasticsearch') {
    log(`SQLite: ingest ${fmt.int(options.ingest)} items (API and raw inserts)`);
    const ingest = await sqliteIngest(options.ingest);
    log(`SQLite: queries over ${fmt.int(options.items)} items, ${options.repeats} repetitions each`);
    const queries = await sqliteQueries(options.items, queryOptions);
    report.sqlite = { ingest, queries };
    rows.push(
      ...adapterRows(
        'SQLite',
        { ingest, queries },
        {
          figure: `SQLite API ingest (${fmt.int(ingest.items)} items, 1,000/request)`,
          value: `${fmt.int(ingest.framewatch.perSec)} items/s`,
          baseline: `raw INSERT ${fmt.int(ingest.raw.perSec)} items/s`,
          ratio: fmt.ratio(ingest.ratio),
          target: `>= ${fmt.int(SQLITE_INGEST_TARGET)} items/s`,
          verdict: ingest.framewatch.perSec >= SQLITE_INGEST_TARGET ? 'PASS' : 'FAIL',
        },
      ),
    );
  }

  if (options.only !== 'sqlite') {
    log('Elasticsearch: connecting');
    const node = await connectElasticsearch(log);
    // A Ctrl-C must not leave a JVM this run started running in the background.
    const interrupted = () => void node.stop().finally(() => process.exit(130));
    process.once('SIGINT', interrupted);
    try {
      log(`Elasticsearch: ${node.origin}`);
      log(`Elasticsearch: ingest ${fmt.int(options.ingest)} items (API and raw _bulk)`);
      const ingest = await elasticsearchIngest(node.url, options.ingest);
      log(`Elasticsearch: queries over ${fmt.int(options.items)} items, ${options.repeats} repetitions each`);
      const queries = await elasticsearchQueries(node.url, options.items, queryOptions);
      report.elasticsearch = { node: node.origin, ingest, queries };
      rows.push(
        ...adapterRows(
          'Elasticsearch',
          { ingest, queries },
          {
            figure: `Elasticsearch API ingest (${fmt.int(ingest.items)} items, 1,000/request)`,
            value: `${fmt.int(ingest.framewatch.perSec)} items/s`,
            baseline: `raw _bulk ${fmt.int(ingest.raw.perSec)} items/s`,
            ratio: fmt.ratio(ingest.ratio),
            target: `>= ${ES_INGEST_TARGET.toFixed(2)}x raw`,
            verdict: ingest.ratio >= ES_INGEST_TARGET ? 'PASS' : 'FAIL',
          },
        ),
      );
    } finally {
      process.off('SIGINT', interrupted);
      await node.stop();
    }
  }

  const peak = memory.stop();
  report.memory = peak;
  const durationSec = (Date.now() - started.getTime()) / 1000;
  report.durationSec = durationSec;
  rows.push(
    {
      figure: 'peak RSS (bench process: client + API server)',
      value: `${fmt.int(peak.peakRssMb)} MB`,
      baseline: '-',
      ratio: '-',
      target: '-',
      verdict: 'info',
    },
    {
      figure: 'peak V8 heap used (sampled every 50 ms)',
      value: `${fmt.int(peak.peakHeapMb)} MB`,
      baseline: '-',
      ratio: '-',
      target: '-',
      verdict: 'info',
    },
  );
  report.rows = rows;

  mkdirSync(dirname(options.json), { recursive: true });
  writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  log('');
  log(renderTable(rows));
  log('');
  const failed = rows.filter((r) => r.verdict === 'FAIL');
  log(failed.length > 0 ? `FAILED targets: ${failed.map((r) => r.figure).join('; ')}` : 'All targets met.');
  log(`Results written to ${options.json} (${durationSec.toFixed(0)} s)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
