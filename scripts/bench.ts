/**
 * Framewatch benchmark runner (`npm run bench`). Every figure is printed beside a baseline measured
 * in the same run on the same machine, because these machines are shared and noisy: the ratios are
 * what compare across runs, the absolute figures are not. Targets that fail are reported, never
 * turned into a failing exit code; only a crash exits non-zero.
 *
 * The store figures (API ingest, search and analytics on both adapters, and their raw baselines) are
 * measured at every corpus size: the same stores grow from one size to the next (200,000 items, then
 * 800,000 more), and the table shows how each figure grew. The other modules run once.
 *
 *   npm run bench -- [--sizes 200000,1000000] [--ingest 50000] [--only stores|sqlite|elasticsearch|live|alerts|briefings|collection|dashboard] [--briefing-items 100000] [--repeats 30] [--json path]
 *                    [--es-url http://host:9200 | --es-port 9251 --es-heap 1g --es-data-dir /tmp/framewatch-bench-es]
 *                    [--alert-rules 100] [--alert-rate 200] [--alert-seconds 10]
 *                    [--live-clients 500] [--live-rate 200] [--live-seconds 10] [--fanout-clients 1000] [--burst 5000]
 *                    [--enrich-items 100000] [--import-messages 120000]
 *   npm run bench -- --compare a.json b.json    (figures of two runs side by side)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { connectElasticsearch, openElasticsearchTarget, type NodeOptions } from './bench/elasticsearch.js';
import type { IngestFigures, SizeFigures, StoreFigures } from './bench/figures.js';
import { watchMemory } from './bench/measure.js';
import { openSqliteTarget } from './bench/sqlite.js';
import { growAndMeasure, type StoreUnderTest } from './bench/stores.js';
import { liveBench, liveRows } from './bench/live.js';
import { overviewLoad, overviewRows, type OverviewLoadFigures } from './bench/overview.js';
import { enrichBench, importBench } from './bench/collection.js';
import { alertsBench } from './bench/alerts.js';
import { briefingsBench } from './bench/briefings.js';
import { dashboardBench } from './bench/dashboard.js';
import { compareReports, fmt, renderTable, type Row } from './bench/table.js';

const ES_INGEST_TARGET = 0.6;
const SQLITE_INGEST_TARGET = 5_000;
const WARMUP = 3;
const LIVE_P95_TARGET_MS = 250;
const ALERT_P95_TARGET_MS = 1000;
const BRIEFING_TARGET_MS = 10_000;
const IMPORT_RATIO_TARGET = 0.5;
const IMPORT_RSS_TARGET_MB = 300;
const INITIAL_JS_TARGET_KB = 350;

const MODULES = ['stores', 'sqlite', 'elasticsearch', 'live', 'alerts', 'briefings', 'collection', 'dashboard'] as const;

interface Options {
  /** Corpus sizes of the store figures, ascending; the stores grow from one to the next. */
  sizes: number[];
  /** The ingest figure at a size: the last this-many items written before the store reached it. */
  ingest: number;
  only: (typeof MODULES)[number] | undefined;
  elasticsearch: NodeOptions;
  collection: { enrichItems: number; importMessages: number };
  briefingItems: number;
  alerts: { rules: number; rate: number; seconds: number };
  repeats: number;
  json: string;
  live: { clients: number; rate: number; seconds: number; fanoutClients: number; burst: number };
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      items: { type: 'string' },
      ingest: { type: 'string', default: '50000' },
      'es-url': { type: 'string' },
      'es-port': { type: 'string', default: '9251' },
      'es-heap': { type: 'string', default: '1g' },
      'es-data-dir': { type: 'string' },
      only: { type: 'string' },
      repeats: { type: 'string', default: '30' },
      json: { type: 'string' },
      'live-clients': { type: 'string', default: '500' },
      'live-rate': { type: 'string', default: '200' },
      'live-seconds': { type: 'string', default: '10' },
      'fanout-clients': { type: 'string', default: '1000' },
      burst: { type: 'string', default: '5000' },
      'alert-rules': { type: 'string', default: '100' },
      'alert-rate': { type: 'string', default: '200' },
      'alert-seconds': { type: 'string', default: '10' },
      'briefing-items': { type: 'string', default: '100000' },
      'enrich-items': { type: 'string', default: '100000' },
      'import-messages': { type: 'string', default: '120000' },
    },
  });
  const count = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not "${text}"`);
    return n;
  };
  if (values.only !== undefined && !(MODULES as readonly string[]).includes(values.only)) {
    throw new Error(`--only must be one of ${MODULES.join(', ')}, not "${values.only}"`);
  }
  // --items N is the older spelling of a single size.
  const sizes = (values.sizes ?? values.items ?? '200000,1000000').split(',').map((text) => count('sizes', text.trim()));
  if (sizes.some((n, i) => i > 0 && n <= (sizes[i - 1] as number))) {
    throw new Error(`--sizes must be ascending, not "${values.sizes}"`);
  }
  if (values['es-heap'] !== undefined && !/^\d+[mg]$/u.test(values['es-heap'])) {
    throw new Error(`--es-heap must look like 512m or 2g, not "${values['es-heap']}"`);
  }
  const stamp = new Date().toISOString().replace(/[:.]/gu, '-');
  return {
    sizes,
    ingest: count('ingest', values.ingest),
    only: values.only as Options['only'],
    elasticsearch: {
      url: values['es-url'],
      port: count('es-port', values['es-port']),
      heap: values['es-heap'],
      ...(values['es-data-dir'] !== undefined && { dataDir: values['es-data-dir'] }),
    },
    briefingItems: count('briefing-items', values['briefing-items']),
    collection: {
      enrichItems: count('enrich-items', values['enrich-items']),
      importMessages: count('import-messages', values['import-messages']),
    },
    alerts: {
      rules: count('alert-rules', values['alert-rules']),
      rate: count('alert-rate', values['alert-rate']),
      seconds: count('alert-seconds', values['alert-seconds']),
    },
    repeats: count('repeats', values.repeats),
    json: values.json ?? `bench-results/bench-${stamp}.json`,
    live: {
      clients: count('live-clients', values['live-clients']),
      rate: count('live-rate', values['live-rate']),
      seconds: count('live-seconds', values['live-seconds']),
      fanoutClients: count('fanout-clients', values['fanout-clients']),
      burst: count('burst', values.burst),
    },
  };
}

const log = (line: string) => process.stdout.write(`${line}\n`);

const SQLITE_INGEST_ROW = {
  baseline: 'raw INSERT',
  target: `>= ${fmt.int(SQLITE_INGEST_TARGET)} items/s`,
  passes: (f: IngestFigures) => f.framewatch.perSec >= SQLITE_INGEST_TARGET,
};
const ES_INGEST_ROW = {
  baseline: 'raw _bulk',
  target: `>= ${ES_INGEST_TARGET.toFixed(2)}x raw`,
  passes: (f: IngestFigures) => f.ratio >= ES_INGEST_TARGET,
};

/**
 * The rows of one adapter: each figure at every size, one after the other, and beside the larger
 * sizes how it grew since the smallest ("p95 x2.30 ... for 5x items"), its raw baseline's growth in
 * brackets, so growth the engine itself shows is told apart from growth Framewatch adds.
 */
function storeRows(figures: StoreFigures, ingestRow: typeof SQLITE_INGEST_ROW): Row[] {
  const { adapter, sizes } = figures;
  const first = sizes[0];
  if (!first) return [];
  const more = (s: SizeFigures) => `${Number((s.items / first.items).toFixed(1))}x items`;
  const at = (s: SizeFigures) => fmt.size(s.items);
  const rows: Row[] = [];
  for (const s of sizes) {
    rows.push({
      figure: `${adapter} API ingest at ${at(s)} items (last ${fmt.int(s.ingest.items)}, 1,000/request)`,
      value: `${fmt.int(s.ingest.framewatch.perSec)} items/s`,
      baseline: `${ingestRow.baseline} ${fmt.int(s.ingest.raw.perSec)} items/s`,
      ratio: fmt.ratio(s.ingest.ratio),
      growth:
        s === first
          ? '-'
          : `items/s ${fmt.times(s.ingest.framewatch.perSec / first.ingest.framewatch.perSec)} ` +
            `(raw ${fmt.times(s.ingest.raw.perSec / first.ingest.raw.perSec)}) for ${more(s)}`,
      target: ingestRow.target,
      verdict: ingestRow.passes(s.ingest) ? 'PASS' : 'FAIL',
      measures: { itemsPerSec: s.ingest.framewatch.perSec, rawItemsPerSec: s.ingest.raw.perSec, ratio: s.ingest.ratio },
    });
  }
  for (const s of sizes) {
    rows.push({
      figure: `${adapter} growing ${fmt.size(s.stage.fromItems)} -> ${at(s)} through the API (${fmt.int(s.stage.items)} items)`,
      value: `${fmt.int(s.stage.framewatch.perSec)} items/s`,
      baseline: `${ingestRow.baseline} ${fmt.int(s.stage.raw.perSec)} items/s`,
      ratio: fmt.ratio(s.stage.ratio),
      target: '-',
      verdict: 'info',
      measures: { itemsPerSec: s.stage.framewatch.perSec, rawItemsPerSec: s.stage.raw.perSec, ratio: s.stage.ratio },
    });
  }
  first.ops.forEach((firstOp, i) => {
    for (const s of sizes) {
      const op = s.ops[i];
      if (!op) continue;
      rows.push({
        figure: `${adapter} ${op.op} at ${at(s)} (p50 / p95)`,
        value: `${fmt.ms(op.framewatch.p50)} / ${fmt.ms(op.framewatch.p95)} ms`,
        baseline:
          `raw ${fmt.ms(op.raw.p50)} / ${fmt.ms(op.raw.p95)} ms` +
          (op.rawTook ? ` (took p50 ${fmt.int(op.rawTook.p50)} ms)` : ''),
        ratio: fmt.ratio(op.ratio),
        growth:
          s === first
            ? '-'
            : `p95 ${fmt.times(op.framewatch.p95 / firstOp.framewatch.p95)}, p50 ${fmt.times(op.framewatch.p50 / firstOp.framewatch.p50)} ` +
              `(raw p50 ${fmt.times(op.raw.p50 / firstOp.raw.p50)}) for ${more(s)}`,
        target: '-',
        verdict: 'info',
        measures: { p50: op.framewatch.p50, p95: op.framewatch.p95, rawP50: op.raw.p50, rawP95: op.raw.p95, ratio: op.ratio },
      });
    }
  });
  return rows;
}

/** Grows one adapter's stores through every size; closes them whatever happens. */
/** The dashboard's overview load on each adapter, taken while its store holds 200,000 items (or the first size). */
const OVERVIEW_ITEMS = 200_000;
const overviewFigures: OverviewLoadFigures[] = [];

async function storeBench(open: () => Promise<StoreUnderTest>, options: Options): Promise<StoreFigures> {
  const target = await open();
  const overviewAt = options.sizes.includes(OVERVIEW_ITEMS) ? OVERVIEW_ITEMS : options.sizes[0];
  try {
    return await growAndMeasure(target, {
      sizes: options.sizes,
      ingestWindow: options.ingest,
      repeats: options.repeats,
      warmup: WARMUP,
      log,
      atSize: async (size, t) => {
        if (size === overviewAt)
          overviewFigures.push(await overviewLoad(t, { items: size, repeats: options.repeats, warmup: WARMUP, log }));
      },
    });
  } finally {
    await target.close();
  }
}

async function main(): Promise<void> {
  const compare = process.argv.indexOf('--compare');
  if (compare >= 0) {
    const [a, b] = process.argv.slice(compare + 1, compare + 3);
    if (a === undefined || b === undefined) throw new Error('usage: npm run bench -- --compare a.json b.json');
    const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { startedAt?: string; rows?: Row[] };
    log(compareReports({ name: a, ...read(a) }, { name: b, ...read(b) }));
    return;
  }
  const options = parseOptions();
  const memory = watchMemory();
  const started = new Date();
  const rows: Row[] = [];
  const report: Record<string, unknown> = {
    startedAt: started.toISOString(),
    options,
    machine: { node: process.version, cpus: cpus().length, platform: process.platform },
  };

  const stores = options.only === undefined || options.only === 'stores';
  if (stores || options.only === 'sqlite') {
    const sqlite = await storeBench(openSqliteTarget, options);
    report.sqlite = sqlite;
    rows.push(...storeRows(sqlite, SQLITE_INGEST_ROW));
  }

  if (stores || options.only === 'elasticsearch') {
    log('Elasticsearch: connecting');
    const node = await connectElasticsearch(log, options.elasticsearch);
    // A Ctrl-C must not leave a JVM this run started running in the background.
    const interrupted = () => void node.stop().finally(() => process.exit(130));
    process.once('SIGINT', interrupted);
    try {
      log(`Elasticsearch: ${node.origin}`);
      const elasticsearch = await storeBench(() => openElasticsearchTarget(node.url), options);
      report.elasticsearch = { node: node.origin, ...elasticsearch };
      rows.push(...storeRows(elasticsearch, ES_INGEST_ROW));
    } finally {
      process.off('SIGINT', interrupted);
      await node.stop();
    }
  }
  if (overviewFigures.length > 0) {
    report.overview = overviewFigures;
    rows.push(...overviewRows(overviewFigures));
  }

  if (options.only === undefined || options.only === 'live') {
    const live = await liveBench({ ...options.live, log });
    report.live = live;
    rows.push(...liveRows(live, LIVE_P95_TARGET_MS));
  }

  if (options.only === undefined || options.only === 'alerts') {
    const alerts = await alertsBench({ ...options.alerts, log });
    report.alerts = alerts;
    rows.push(
      {
        figure: `Alert latency ingest -> webhook received (${alerts.rules} rules, ${alerts.ratePerSec} items/s, p50 / p95)`,
        value: `${fmt.ms(alerts.latency.p50)} / ${fmt.ms(alerts.latency.p95)} ms`,
        baseline: `ingest answered ${fmt.ms(alerts.ingestAck.p50)} / ${fmt.ms(alerts.ingestAck.p95)} ms`,
        ratio: fmt.ratio(alerts.latency.p95 / alerts.ingestAck.p95),
        target: `p95 <= ${fmt.int(ALERT_P95_TARGET_MS)} ms`,
        verdict: alerts.latency.p95 <= ALERT_P95_TARGET_MS && alerts.missing === 0 ? 'PASS' : 'FAIL',
      },
      {
        figure: 'Alert evaluation cost per item and rule',
        value: `${fmt.int(alerts.evalNsPerItemRule)} ns`,
        baseline: `tokenizing the item ${fmt.int(alerts.tokenizeNsPerItem)} ns (once per item)`,
        ratio: fmt.ratio(alerts.evalNsPerItemRule / alerts.tokenizeNsPerItem),
        target: '-',
        verdict: 'info',
      },
    );
  }

  if (options.only === undefined || options.only === 'briefings') {
    const b = await briefingsBench({ items: options.briefingItems, log });
    report.briefings = b;
    rows.push(
      {
        figure: `Briefing of a ${fmt.int(b.items)}-item week: generate + HTML + Markdown zip + PDF`,
        value: `${fmt.ms(b.totalMs)} ms`,
        baseline: `analytics queries alone ${fmt.ms(b.queriesMs)} ms`,
        ratio: fmt.ratio(b.totalMs / b.queriesMs),
        target: `<= ${fmt.int(BRIEFING_TARGET_MS)} ms`,
        verdict: b.totalMs <= BRIEFING_TARGET_MS ? 'PASS' : 'FAIL',
      },
      {
        figure: 'Briefing steps: generate / HTML / Markdown zip / PDF',
        value: `${fmt.ms(b.generateMs)} / ${fmt.ms(b.htmlMs)} / ${fmt.ms(b.markdownMs)} / ${fmt.ms(b.pdfMs)} ms`,
        baseline: `${fmt.int(b.bytes.html / 1024)} / ${fmt.int(b.bytes.markdown / 1024)} / ${fmt.int(b.bytes.pdf / 1024)} KB`,
        ratio: '-',
        target: '-',
        verdict: 'info',
      },
      {
        figure: 'Briefing peak V8 heap during the briefing (peak RSS of the process)',
        value: `${fmt.int(b.peakHeapMb)} MB`,
        baseline: `RSS ${fmt.int(b.peakRssMb)} MB`,
        ratio: '-',
        target: '-',
        verdict: 'info',
      },
    );
  }

  if (options.only === undefined || options.only === 'dashboard') {
    const d = await dashboardBench({ log });
    report.dashboard = d;
    const kb = d.initialJsGzipBytes / 1024;
    rows.push({
      figure: `Dashboard initial JavaScript, gzip (${d.chunks.length} chunks: entry + modulepreloads)`,
      value: `${kb.toFixed(1)} kB`,
      baseline: `raw ${fmt.int(d.initialJsRawBytes / 1024)} kB`,
      ratio: fmt.ratio(d.initialJsGzipBytes / d.initialJsRawBytes),
      target: `<= ${INITIAL_JS_TARGET_KB} kB`,
      verdict: kb <= INITIAL_JS_TARGET_KB ? 'PASS' : 'FAIL',
    });
    for (const o of d.overview) {
      rows.push({
        figure: `Dashboard overview first render, Chromium, ${fmt.int(d.storedItems)} items stored (${o.label}: ${fmt.int(o.itemsInRange)} in range; p50 / p95)`,
        value: `${fmt.ms(o.render.p50)} / ${fmt.ms(o.render.p95)} ms`,
        baseline: `its ${o.requests} API requests in parallel ${fmt.ms(o.api.p50)} / ${fmt.ms(o.api.p95)} ms`,
        ratio: fmt.ratio(o.render.p50 / o.api.p50),
        target: '-',
        verdict: 'info',
      });
    }
    const { idle, streaming } = d.live;
    rows.push(
      {
        figure: `Dashboard live timeline at ${d.live.ratePerSec} items/s for ${streaming.seconds.toFixed(0)} s: frame p95 / dropped frames / long tasks`,
        value: `${fmt.ms(streaming.frameP95)} ms / ${(streaming.droppedShare * 100).toFixed(1)}% / ${streaming.longTasks} (${fmt.int(streaming.longTaskMs)} ms)`,
        baseline: `idle ${fmt.ms(idle.frameP95)} ms / ${(idle.droppedShare * 100).toFixed(1)}% / ${idle.longTasks} (${fmt.int(idle.longTaskMs)} ms)`,
        ratio: fmt.ratio(streaming.frameP95 / idle.frameP95),
        target: '-',
        verdict: 'info',
      },
      {
        figure: 'Dashboard live timeline: items shown / posted (sent at)',
        value: `${fmt.int(d.live.timelineGrowth)} / ${fmt.int(d.live.posted)}`,
        baseline: `${d.live.achievedRate.toFixed(1)} items/s`,
        ratio: '-',
        target: '= posted',
        verdict: d.live.timelineGrowth === d.live.posted ? 'PASS' : 'FAIL',
      },
    );
  }

  if (options.only === undefined || options.only === 'collection') {
    log(`Collection: enrichment of ${fmt.int(options.collection.enrichItems)} items on one core`);
    const enrichment = enrichBench(options.collection.enrichItems);
    const node = await connectElasticsearch(log, options.elasticsearch);
    let imports;
    try {
      log(`Collection: import of a ${fmt.int(options.collection.importMessages)}-message Telegram export`);
      imports = await importBench(options.collection.importMessages, node.url);
    } finally {
      await node.stop();
    }
    report.collection = { enrichment, imports };
    rows.push({
      figure: `Enrichment on one core (${fmt.int(enrichment.items)} mixed-language items, release linking on)`,
      value: `${fmt.int(enrichment.enrich.perSec)} items/s`,
      baseline: `sanitize alone ${fmt.int(enrichment.sanitizeOnly.perSec)} items/s`,
      ratio: fmt.ratio(enrichment.enrich.perSec / enrichment.sanitizeOnly.perSec),
      target: '-',
      verdict: 'info',
    });
    for (const i of imports) {
      rows.push(
        {
          figure: `Import of a ${fmt.int(i.fileMb)} MB export (${fmt.int(i.messages)} messages) into ${i.store}`,
          value: `${fmt.int(i.framewatch.perSec)} items/s`,
          baseline: `raw store write ${fmt.int(i.raw.perSec)} items/s`,
          ratio: fmt.ratio(i.ratio),
          target: `>= ${IMPORT_RATIO_TARGET.toFixed(2)}x raw`,
          verdict: i.ratio >= IMPORT_RATIO_TARGET ? 'PASS' : 'FAIL',
        },
        {
          figure: `Peak memory of that import (${i.store}, importing process)`,
          value: `${fmt.int(i.peakRssMb)} MB RSS`,
          baseline: '-',
          ratio: '-',
          target: `<= ${IMPORT_RSS_TARGET_MB} MB`,
          verdict: i.peakRssMb <= IMPORT_RSS_TARGET_MB ? 'PASS' : 'FAIL',
        },
      );
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
