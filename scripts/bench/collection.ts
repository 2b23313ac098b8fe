/**
 * Collection benchmarks: enrichment throughput on one core, and the end-to-end import of a large
 * Telegram Desktop export (parse, enrich, validate, store) beside the raw store write of the same
 * items, with the importing process's peak memory.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElasticsearchStore } from '../../server/store/elasticsearch/elasticsearch-store.js';
import { dropPrefix } from './elasticsearch.js';
import type { ItemInput, Source } from '../../server/domain/schemas.js';
import type { Store } from '../../server/store/port.js';
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.js';
import type { RawItem } from '../../pipelines/collectors/types.js';
import { enrich, ReleaseLinker } from '../../pipelines/enrich/index.js';
import { sanitizeLine, sanitizeText } from '../../pipelines/enrich/sanitize.js';
import { generateItems, telegramExportMessage } from '../../pipelines/generator/index.js';
import { perSecond, type Throughput } from './figures.js';

export interface EnrichFigures {
  items: number;
  enrich: Throughput;
  /** Sanitizing alone (the first step of enrichment), as the same-run baseline. */
  sanitizeOnly: Throughput;
}

export interface ImportFigures {
  store: 'sqlite' | 'elasticsearch';
  messages: number;
  fileMb: number;
  framewatch: Throughput;
  raw: Throughput;
  ratio: number;
  peakRssMb: number;
}

const START = new Date('2025-11-01T00:00:00Z');
const SOURCE: Source = {
  id: 'bench-export',
  platform: 'telegram',
  handle: null,
  url: null,
  name: 'Bench export channel',
  side: 'UA',
  type: 'channel',
  country: null,
  lang: null,
  schedule: null,
  enabled: true,
  releaseSource: false,
  sensitive: false,
  verified: true,
  demo: false,
  createdAt: START.toISOString(),
  updatedAt: START.toISOString(),
  lastRunAt: null,
  lastRunStatus: null,
  lastError: null,
  itemsCollected: 0,
};

function rawOf(item: ItemInput): RawItem {
  return {
    platform: 'telegram',
    sourceId: SOURCE.id,
    externalId: item.externalId,
    kind: item.kind,
    ...(item.title && { title: item.title }),
    text: item.text,
    publishedAt: item.publishedAt,
    ...(item.media && { media: item.media }),
    ...(item.engagement && { engagement: item.engagement }),
    raw: {},
  };
}

export function enrichBench(count: number): EnrichFigures {
  const raws = [...generateItems({ seed: 11, count, start: START, days: 120 })].map(rawOf);
  let started = performance.now();
  for (const r of raws) {
    sanitizeText(r.text);
    if (r.title) sanitizeLine(r.title);
  }
  const sanitizeOnly = perSecond(count, performance.now() - started);
  const linker = new ReleaseLinker();
  const now = new Date();
  started = performance.now();
  for (const r of raws) enrich(r, { source: SOURCE, linker, now });
  return { items: count, enrich: perSecond(count, performance.now() - started), sanitizeOnly };
}

/** Writes a Telegram Desktop export of `count` messages; returns the items they carry. */
async function writeExport(path: string, count: number): Promise<ItemInput[]> {
  const out = createWriteStream(path);
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write('{\n "name": "Bench export channel",\n "type": "public_channel",\n "id": 1900000001,\n "messages": [\n');
  const items: ItemInput[] = [];
  let n = 0;
  for (const item of generateItems({ seed: 13, count, start: START, days: 120 })) {
    n++;
    const message = { ...telegramExportMessage(item, n), from: 'Bench export channel', from_id: 'channel1900000001' };
    await write(`${n > 1 ? ',\n' : ''}  ${JSON.stringify(message)}`);
    items.push({
      ...item,
      platform: 'telegram',
      sourceId: SOURCE.id,
      externalId: String(n),
      side: 'UA',
      title: '',
      text: message.text,
    });
  }
  await write('\n ]\n}\n');
  out.end();
  await once(out, 'finish');
  return items;
}

interface ImportRun {
  ms: number;
  created: number;
  maxRssKb: number;
}

/**
 * Runs the import exactly as a user does (npm run import, with the Node options that script
 * sets), so the peak memory is that of the process doing the import as users run it.
 */
async function runImportCli(file: string, env: Record<string, string>): Promise<ImportRun> {
  const child = spawn(
    process.platform === 'win32' ? 'npm.cmd' : 'npm',
    ['run', '--silent', 'import', '--', '--json', '--source', SOURCE.id, '--format', 'telegram-export', file],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  const line = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0) throw new Error(`the import CLI exited with ${code}: ${stdout.slice(-500)}`);
  const summary = JSON.parse(line) as { ms: number; counts: { created: number }; maxRssKb: number };
  return { ms: summary.ms, created: summary.counts.created, maxRssKb: summary.maxRssKb };
}

/** Writes the items into a store of its own, 1,000 per call, and closes it; resolves with the time the writes took. */
async function rawWrite(store: Store, items: ItemInput[]): Promise<number> {
  await store.init();
  try {
    const started = performance.now();
    for (let i = 0; i < items.length; i += 1000) await store.upsertItems(items.slice(i, i + 1000));
    return performance.now() - started;
  } finally {
    await store.close();
  }
}

/** Where one import and its raw write go: a fresh store each, so that every import creates its items. */
interface ImportRound {
  env: Record<string, string>;
  open: () => Store;
  raw: () => Store;
}

export async function importBench(count: number, elasticsearchUrl: string | undefined): Promise<ImportFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fwbench-import-'));
  try {
    const file = join(dir, 'result.json');
    const items = await writeExport(file, count);
    const fileMb = statSync(file).size / 1024 / 1024;
    const results: ImportFigures[] = [];
    const targets: {
      name: 'sqlite' | 'elasticsearch';
      /** The stores of a round, by a tag of its own. */
      round: (tag: string) => ImportRound;
      /** Timed rounds; each after the first swaps which of the two writes comes first. */
      rounds: number;
      /** Untimed work before the rounds, with the stores of the 'warmup' round. */
      warmUp?: (round: ImportRound) => Promise<void>;
      /** Removes what a round wrote outside the temporary folder. */
      cleanUp?: (tag: string) => Promise<void>;
    }[] = [
      {
        name: 'sqlite',
        round: (tag) => ({
          env: { STORE: 'sqlite', DATA_DIR: join(dir, `fw-${tag}`) },
          open: () => new SqliteStore({ file: join(dir, `fw-${tag}`, 'framewatch.sqlite') }),
          raw: () => new SqliteStore({ file: join(dir, `raw-${tag}`, 'framewatch.sqlite') }),
        }),
        rounds: 1,
      },
    ];
    if (elasticsearchUrl) {
      const prefix = `fwbench-import-${Date.now().toString(36)}`;
      const es = (p: string) => new ElasticsearchStore({ url: elasticsearchUrl, indexPrefix: p, shards: 1, replicas: 0 });
      targets.push({
        name: 'elasticsearch',
        round: (tag) => ({
          env: {
            STORE: 'elasticsearch',
            ELASTICSEARCH_URL: elasticsearchUrl,
            ELASTICSEARCH_INDEX_PREFIX: `${prefix}-${tag}`,
            DATA_DIR: join(dir, `fw-es-${tag}`),
          },
          open: () => es(`${prefix}-${tag}`),
          raw: () => es(`${prefix}-${tag}-raw`),
        }),
        // A node that has just started compiles its indexing code during its first writes, for the
        // documents it is given: whichever write came first paid for it, and a warm-up with the raw
        // write's documents left the import's richer ones (frames, entities, releases) to the
        // import (measured: 0.49x on a fresh node after such a warm-up, 0.56x on a node that had
        // seen both). So the node does each write once before anything is timed, and the timed
        // rounds take turns at going first, as the one that follows writes while the node still
        // merges what the first wrote.
        rounds: 2,
        warmUp: async (round) => {
          await runImportCli(file, round.env);
          await rawWrite(round.raw(), items);
        },
        // `<prefix>-<tag>-raw-*` is under `<prefix>-<tag>-*`.
        cleanUp: (tag) => dropPrefix(elasticsearchUrl, `${prefix}-${tag}`),
      });
    }
    for (const target of targets) {
      const prepared = async (tag: string) => {
        const round = target.round(tag);
        const store = round.open();
        await store.init();
        await store.createSource({
          id: SOURCE.id,
          platform: SOURCE.platform,
          name: SOURCE.name,
          side: SOURCE.side,
          type: SOURCE.type,
        });
        await store.close();
        return round;
      };
      if (target.warmUp) {
        await target.warmUp(await prepared('warmup'));
        await target.cleanUp?.('warmup');
      }
      const timed = { importMs: 0, created: 0, rawMs: 0, rawItems: 0, maxRssKb: 0 };
      for (let r = 0; r < target.rounds; r++) {
        const round = await prepared(`r${r}`);
        const doImport = async () => {
          const run = await runImportCli(file, round.env);
          timed.importMs += run.ms;
          timed.created += run.created;
          timed.maxRssKb = Math.max(timed.maxRssKb, run.maxRssKb);
        };
        const doRaw = async () => {
          timed.rawMs += await rawWrite(round.raw(), items);
          timed.rawItems += items.length;
        };
        for (const write of r % 2 === 0 ? [doImport, doRaw] : [doRaw, doImport]) await write();
        await target.cleanUp?.(`r${r}`);
      }
      const framewatch = perSecond(timed.created, timed.importMs);
      const rawFigures = perSecond(timed.rawItems, timed.rawMs);
      results.push({
        store: target.name,
        messages: count,
        fileMb,
        framewatch,
        raw: rawFigures,
        ratio: framewatch.perSec / rawFigures.perSec,
        peakRssMb: timed.maxRssKb / 1024,
      });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
