/**
 * Framewatch soak run (`npm run soak`): a real server process (SQLite by default) under steady ingest
 * through the API, 200 live dashboard sockets and periodic dashboard queries, for 10 minutes. Prints
 * per minute the latency percentiles (ingest acknowledgement, live delivery, queries), the server's
 * RSS and event-loop delay (scraped from its /metrics), and at the end whether RSS grew less than 10%
 * after the warm-up. Only a crash (the server process dying, or this run failing) exits non-zero.
 *
 *   npm run soak -- [--minutes 10] [--store sqlite|elasticsearch] [--clients 200] [--rate 50] [--batch 5]
 *                   [--preload 50000] [--query-every 5] [--warmup 2] [--json path]
 *                   [--es-url http://host:9200 | --es-port 9252 --es-heap 1g --es-data-dir /tmp/framewatch-soak-es]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Socket } from 'socket.io-client';
import type { ItemBatchEvent, ItemNewEvent } from '../server/live/protocol.js';
import { itemBatches } from './bench/data.js';
import { connectElasticsearch, dropPrefix, type ElasticsearchNode } from './bench/elasticsearch.js';
import { benchItem, connectClients, filterFor, post } from './bench/live.js';
import { fmt } from './bench/table.js';
import { MinuteStats, summarizeRun, type MinuteReport } from './soak/minutes.js';
import { sampleServer, startServer, stopServer, type SoakServer } from './soak/server.js';

const RSS_GROWTH_LIMIT = 0.1;
const WORDS = ['prisoners', 'exchange', 'полонених', '우크라이나', 'statement'];

function parseOptions() {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      store: { type: 'string', default: 'sqlite' },
      clients: { type: 'string', default: '200' },
      rate: { type: 'string', default: '50' },
      batch: { type: 'string', default: '5' },
      preload: { type: 'string', default: '50000' },
      'query-every': { type: 'string', default: '5' },
      warmup: { type: 'string', default: '2' },
      json: { type: 'string' },
      'es-url': { type: 'string' },
      'es-port': { type: 'string', default: '9252' },
      'es-heap': { type: 'string', default: '1g' },
      'es-data-dir': { type: 'string' },
    },
  });
  const count = (name: string, text: string, min = 1) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, not "${text}"`);
    return n;
  };
  if (values.store !== 'sqlite' && values.store !== 'elasticsearch') {
    throw new Error(`--store must be sqlite or elasticsearch, not "${values.store}"`);
  }
  const stamp = new Date().toISOString().replace(/[:.]/gu, '-');
  return {
    minutes: count('minutes', values.minutes),
    store: values.store as 'sqlite' | 'elasticsearch',
    clients: count('clients', values.clients, 10),
    rate: count('rate', values.rate),
    batch: count('batch', values.batch),
    preload: count('preload', values.preload, 0),
    queryEverySec: count('query-every', values['query-every']),
    warmupMinutes: count('warmup', values.warmup, 0),
    json: values.json ?? `bench-results/soak-${stamp}.json`,
    elasticsearch: {
      url: values['es-url'],
      port: count('es-port', values['es-port']),
      heap: values['es-heap'],
      dataDir: values['es-data-dir'] ?? join(tmpdir(), 'framewatch-soak-es'),
    },
  };
}

type Options = ReturnType<typeof parseOptions>;
const log = (line: string) => process.stdout.write(`${line}\n`);
const tail = (file: string) => readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The dashboard's periodic queries, with the analyst's session cookie. */
function dashboardQueries(round: number, releaseId: string | undefined): [string, string][] {
  const q = WORDS[round % WORDS.length] ?? 'prisoners';
  return [
    ['search', `/api/v1/search?${new URLSearchParams({ q })}`],
    ['timeline', '/api/v1/analytics/timeline?interval=day&split=side'],
    ['framing', '/api/v1/analytics/framing'],
    ['releases', '/api/v1/releases?sort=spread&limit=20'],
    ...(releaseId ? [['spread', `/api/v1/releases/${encodeURIComponent(releaseId)}/spread`] as [string, string]] : []),
  ];
}

async function soak(options: Options, server: SoakServer): Promise<{ minutes: MinuteReport[]; crashed: boolean }> {
  const target = { url: server.url, token: server.ingestToken };
  if (options.preload > 0) {
    log(`Preloading ${fmt.int(options.preload)} generated items through the API (not measured)`);
    for (const batch of itemBatches(options.preload)) await post(target, batch);
  }

  log(`Connecting ${options.clients} live clients (read token in the handshake; every tenth sees every item)`);
  const filters = Array.from({ length: options.clients }, (_, n) => (n % 10 === 0 ? {} : filterFor(n)));
  const sockets: Socket[] = await connectClients(server.url, server.readToken, filters);
  const probes = sockets.filter((_, n) => n % 10 === 0);
  let disconnects = 0;
  for (const socket of sockets) socket.on('disconnect', () => disconnects++);

  const stats = new MinuteStats(probes.length);
  const started = performance.now();
  const minuteOf = (at: number) => Math.floor((at - started) / 60_000);
  const endAt = started + options.minutes * 60_000;
  for (const socket of probes) {
    socket.on('item:new', (e: ItemNewEvent) => stats.arrived(e.item.externalId, performance.now()));
    socket.on('item:batch', (e: ItemBatchEvent) => {
      const at = performance.now();
      for (const item of e.items) stats.arrived(item.externalId, at);
      stats.coalesced(minuteOf(at), e.omitted);
    });
  }

  let crashed = false;
  void server.exited.then(() => {
    crashed = true;
  });
  const running = () => !crashed && performance.now() < endAt;

  // Steady ingest: batch n is due at started + n * interval; at most 32 requests in flight.
  const ingest = (async () => {
    const intervalMs = (options.batch * 1000) / options.rate;
    const inFlight = new Set<Promise<void>>();
    let k = 0;
    for (let n = 0; running(); n++) {
      while (inFlight.size >= 32) await Promise.race(inFlight);
      const wait = started + n * intervalMs - performance.now();
      if (wait > 1) await sleep(wait);
      if (!running()) break;
      const items = Array.from({ length: options.batch }, () => benchItem(k++));
      const sentAt = performance.now();
      const minute = minuteOf(sentAt);
      for (const item of items) stats.sent(minute, item.externalId, sentAt);
      const request = post(target, items).then(
        () => stats.acked(minute, performance.now() - sentAt),
        (error: unknown) => stats.failed(minute, 'ingest', error),
      );
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    await Promise.all(inFlight);
  })();

  const queries = (async () => {
    // The spread chart opens the top release of the previous round's list.
    let releaseId: string | undefined;
    for (let round = 0; running(); round++) {
      const due = started + round * options.queryEverySec * 1000;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      for (const [name, path] of dashboardQueries(round, releaseId)) {
        if (!running()) return;
        const at = performance.now();
        try {
          const response = await fetch(`${server.url}${path}`, { headers: { cookie: server.cookie } });
          const text = await response.text();
          if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 200)}`);
          stats.queried(minuteOf(at), name, performance.now() - at);
          if (name === 'releases') releaseId = (JSON.parse(text) as { releases: { id: string }[] }).releases[0]?.id;
        } catch (error) {
          stats.failed(minuteOf(at), 'query', error);
        }
      }
    }
  })();

  // At each minute's end: scrape the server; 5 s later (deliveries of the minute's last items have
  // arrived) print the minute.
  const minutes: MinuteReport[] = [];
  log('');
  log(MinuteStats.header());
  const reporter = (async () => {
    for (let m = 0; m < options.minutes && !crashed; m++) {
      const boundary = started + (m + 1) * 60_000;
      while (!crashed && performance.now() < boundary) await sleep(Math.min(500, boundary - performance.now()));
      if (crashed) break;
      const sample = await sampleServer(server).catch((error: unknown) => {
        log(`  (minute ${m + 1}: scraping /metrics failed: ${error instanceof Error ? error.message : String(error)})`);
        return undefined;
      });
      await sleep(5_000);
      const report = stats.report(m, sample, disconnects);
      minutes.push(report);
      log(MinuteStats.line(report));
    }
  })();

  await Promise.all([ingest, queries, reporter]);
  for (const socket of sockets) socket.disconnect();
  return { minutes, crashed };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const startedAt = new Date();
  const dataDir = mkdtempSync(join(tmpdir(), 'framewatch-soak-'));
  let node: ElasticsearchNode | undefined;
  const indexPrefix = `soak-${process.pid}-${Date.now().toString(36)}`;
  let server: SoakServer | undefined;
  let exitCode = 0;
  try {
    if (options.store === 'elasticsearch') {
      node = await connectElasticsearch(log, options.elasticsearch);
      log(`Elasticsearch: ${node.origin}`);
    }
    server = await startServer({
      store: options.store,
      dataDir,
      ...(node && { elasticsearchUrl: node.url, indexPrefix }),
    });
    log(`Server: pid ${server.pid} at ${server.url} (${options.store}; log ${server.logFile})`);
    log(
      `Soak: ${options.minutes} min, ${options.rate} items/s in requests of ${options.batch}, ${options.clients} sockets, ` +
        `dashboard queries every ${options.queryEverySec} s, warm-up ${options.warmupMinutes} min`,
    );
    const { minutes, crashed } = await soak(options, server);
    const summary = summarizeRun(minutes, options.warmupMinutes, RSS_GROWTH_LIMIT);
    const stopCode = crashed ? server.child.exitCode : await stopServer(server);
    log('');
    for (const line of summary.lines) log(line);
    if (crashed) {
      exitCode = 1;
      log(`CRASH: the server exited with ${server.child.exitCode} during the run. Last lines of its log:`);
      log(tail(server.logFile));
    } else {
      log(`Server stopped with SIGTERM: exit code ${stopCode}${stopCode === 0 ? ' (graceful)' : ' (not graceful)'}`);
    }
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(
      options.json,
      `${JSON.stringify(
        {
          startedAt: startedAt.toISOString(),
          options,
          machine: { node: process.version, cpus: cpus().length, platform: process.platform },
          minutes,
          summary: summary.figures,
          crashed,
          serverExitCode: crashed ? server.child.exitCode : stopCode,
        },
        null,
        2,
      )}\n`,
    );
    log(`Results written to ${options.json}`);
  } catch (error) {
    // The server's log goes with the run's data dir: show its end before it does.
    if (server) {
      await stopServer(server); // flushes its log
      process.stderr.write(`Last lines of the server log:\n${tail(server.logFile)}\n`);
    }
    throw error;
  } finally {
    if (server && server.child.exitCode === null) await stopServer(server);
    if (node) {
      // The soak's indices go whoever owns the node; a node this run started goes too.
      await dropPrefix(node.url, indexPrefix).catch(() => {});
      await node.stop();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(exitCode);
}

main().catch((error: unknown) => {
  process.stderr.write(`soak crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
