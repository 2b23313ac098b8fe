/**
 * Framewatch benchmark runner (`npm run bench`). Every figure is printed beside a baseline measured
 * in the same run on the same machine, because these machines are shared and noisy: the ratios are
 * what compare across runs, the absolute figures are not. Targets that fail are reported, never
 * turned into a failing exit code; only a crash exits non-zero.
 *
 *   npm run bench -- [--items 200000] [--ingest 50000] [--only sqlite|elasticsearch|live|alerts|briefings|collection|dashboard] [--briefing-items 100000] [--repeats 30] [--json path]
 *                    [--alert-rules 100] [--alert-rate 200] [--alert-seconds 10]
 *                    [--live-clients 500] [--live-rate 200] [--live-seconds 10] [--fanout-clients 1000] [--burst 5000]
 *                    [--enrich-items 100000] [--import-messages 120000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { connectElasticsearch, elasticsearchIngest, elasticsearchQueries } from './bench/elasticsearch.js';
import type { IngestFigures, QueryFigures } from './bench/figures.js';
import { watchMemory } from './bench/measure.js';
import { sqliteIngest, sqliteQueries } from './bench/sqlite.js';
import { liveBench } from './bench/live.js';
import { enrichBench, importBench } from './bench/collection.js';
import { alertsBench } from './bench/alerts.js';
import { briefingsBench } from './bench/briefings.js';
import { dashboardBench } from './bench/dashboard.js';
import { fmt, renderTable, type Row } from './bench/table.js';

const ES_INGEST_TARGET = 0.6;
const SQLITE_INGEST_TARGET = 5_000;
const WARMUP = 3;
const LIVE_P95_TARGET_MS = 250;
const ALERT_P95_TARGET_MS = 1000;
const BRIEFING_TARGET_MS = 10_000;
const IMPORT_RATIO_TARGET = 0.5;
const IMPORT_RSS_TARGET_MB = 300;
const INITIAL_JS_TARGET_KB = 350;

interface Options {
  items: number;
  ingest: number;
  only: 'sqlite' | 'elasticsearch' | 'live' | 'alerts' | 'briefings' | 'collection' | 'dashboard' | undefined;
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
      items: { type: 'string', default: '200000' },
      ingest: { type: 'string', default: '50000' },
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
  if (
    values.only !== undefined &&
    !['sqlite', 'elasticsearch', 'live', 'alerts', 'briefings', 'collection', 'dashboard'].includes(values.only)
  ) {
    throw new Error(
      `--only must be sqlite, elasticsearch, live, alerts, briefings, collection or dashboard, not "${values.only}"`,
    );
  }
  const stamp = new Date().toISOString().replace(/[:.]/gu, '-');
  return {
    items: count('items', values.items),
    ingest: count('ingest', values.ingest),
    only: values.only as Options['only'],
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

  if (options.only === undefined || options.only === 'sqlite') {
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

  if (options.only === undefined || options.only === 'elasticsearch') {
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

  if (options.only === undefined || options.only === 'live') {
    const live = await liveBench({ ...options.live, log });
    report.live = live;
    const { latency, fanout } = live;
    rows.push(
      {
        figure: `Live latency POST sent -> event (${fmt.int(latency.clients)} clients, ${latency.ratePerSec} items/s, p50 / p95)`,
        value: `${fmt.ms(latency.sendToEvent.p50)} / ${fmt.ms(latency.sendToEvent.p95)} ms`,
        baseline: `POST answered -> event ${fmt.ms(latency.ackToEvent.p50)} / ${fmt.ms(latency.ackToEvent.p95)} ms`,
        ratio: '-',
        target: `p95 <= ${LIVE_P95_TARGET_MS} ms`,
        verdict: latency.sendToEvent.p95 <= LIVE_P95_TARGET_MS && latency.missing === 0 ? 'PASS' : 'FAIL',
      },
      {
        figure: 'Live events at probe clients before the POST answer / missing',
        value: `${fmt.int(latency.beforeAck)} of ${fmt.int(latency.sendToEvent.n)} / ${fmt.int(latency.missing)}`,
        baseline: `sent ${latency.achievedRate.toFixed(0)} items/s; CPU s/s: server ${latency.serverCpu.toFixed(2)}, clients ${latency.clientCpu.toFixed(2)}`,
        ratio: '-',
        target: '-',
        verdict: 'info',
      },
      {
        figure: `Live fan-out delivery (${fmt.int(fanout.clients)} filtered clients, burst of ${fmt.int(fanout.items)}, p50 / p95)`,
        value: `${fmt.ms(fanout.delivery.p50)} / ${fmt.ms(fanout.delivery.p95)} ms`,
        baseline: `${fmt.int(fanout.delivered)} single + ${fmt.int(fanout.inBatches)} batched + ${fmt.int(fanout.omitted)} coalesced of ${fmt.int(fanout.expected)}`,
        ratio: '-',
        target: '-',
        verdict: fanout.delivered + fanout.inBatches + fanout.omitted === fanout.expected ? 'info' : 'FAIL',
      },
      {
        figure: 'Live fan-out server RSS (after the burst / peak)',
        value: `${fmt.int(fanout.serverRssMb)} / ${fmt.int(fanout.serverPeakRssMb)} MB`,
        baseline: '-',
        ratio: '-',
        target: '-',
        verdict: 'info',
      },
    );
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
  }

  if (options.only === undefined || options.only === 'collection') {
    log(`Collection: enrichment of ${fmt.int(options.collection.enrichItems)} items on one core`);
    const enrichment = enrichBench(options.collection.enrichItems);
    const node = await connectElasticsearch(log);
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
