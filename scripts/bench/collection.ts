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

async function rawWrite(store: Store, items: ItemInput[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < items.length; i += 1000) await store.upsertItems(items.slice(i, i + 1000));
  return performance.now() - started;
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
      env: Record<string, string>;
      open: () => Store;
      raw: () => Store;
      /** Removes what the two runs wrote outside the temporary folder. */
      cleanUp?: () => Promise<void>;
    }[] = [
      {
        name: 'sqlite',
        env: { STORE: 'sqlite', DATA_DIR: join(dir, 'fw') },
        open: () => new SqliteStore({ file: join(dir, 'fw', 'framewatch.sqlite') }),
        raw: () => new SqliteStore({ file: join(dir, 'raw', 'framewatch.sqlite') }),
      },
    ];
    if (elasticsearchUrl) {
      const prefix = `fwbench-import-${Date.now().toString(36)}`;
      const es = (p: string) => new ElasticsearchStore({ url: elasticsearchUrl, indexPrefix: p, shards: 1, replicas: 0 });
      // A node that has just started compiles its indexing code during its first writes: whichever
      // of the two runs came first paid for it (raw writes measured 11,300 items/s on a fresh node,
      // 16,000 on one that had indexed these items before; 20,000 items of warm-up were not enough).
      // Both runs come after one full write of the same items into a throwaway index.
      const warm = es(`${prefix}-warmup`);
      await warm.init();
      await rawWrite(warm, items);
      await warm.close();
      await dropPrefix(elasticsearchUrl, `${prefix}-warmup`);
      targets.push({
        name: 'elasticsearch',
        env: {
          STORE: 'elasticsearch',
          ELASTICSEARCH_URL: elasticsearchUrl,
          ELASTICSEARCH_INDEX_PREFIX: prefix,
          DATA_DIR: join(dir, 'fw-es'),
        },
        open: () => es(prefix),
        raw: () => es(`${prefix}-raw`),
        // The import's indices and the raw write's (`<prefix>-raw-*` is under `<prefix>-*`).
        cleanUp: () => dropPrefix(elasticsearchUrl, prefix),
      });
    }
    for (const target of targets) {
      const store = target.open();
      await store.init();
      await store.createSource({
        id: SOURCE.id,
        platform: SOURCE.platform,
        name: SOURCE.name,
        side: SOURCE.side,
        type: SOURCE.type,
      });
      await store.close();
      const run = await runImportCli(file, target.env);
      const raw = target.raw();
      await raw.init();
      const rawMs = await rawWrite(raw, items);
      await raw.close();
      await target.cleanUp?.();
      const framewatch = perSecond(run.created, run.ms);
      const rawFigures = perSecond(items.length, rawMs);
      results.push({
        store: target.name,
        messages: count,
        fileMb,
        framewatch,
        raw: rawFigures,
        ratio: framewatch.perSec / rawFigures.perSec,
        peakRssMb: run.maxRssKb / 1024,
      });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
