/**
 * Import a file into a source, enriched and stored like collected items:
 *   npm run import -- --source <id> --format telegram-export|ndjson|csv [--map text=message,...] [--channel handle] <file>
 * The file is streamed (a 100 MB export is never held in memory); progress goes to stderr.
 * Uses the same configuration as the server (STORE, DATA_DIR, ELASTICSEARCH_URL).
 *
 * Memory (the "import" script in package.json sets the Node options): a 100 MB export must import
 * in at most 300 MB RSS. The script runs as a bundle on Node itself (scripts/launch.mjs), and so
 * does the import worker (pipelines/workers/spawn.ts): without tsx's compiler threads the process
 * takes about 50 MB less, which goes to this thread's young generation (--max-semi-space-size=16):
 * with 8 MB the collector took about a third of this thread's time, copying the batches that wait
 * for their write. --max-old-space-size=300 leaves room above the live data (the release linker's
 * two-week window and the batches in flight, about 40-60 MB) so that full collections stay rare;
 * the heap grows to about 90 MB. The worker thread has its own small limits (WORKER_HEAP in
 * pipelines/imports.ts). Measured: 223-236 MB peak RSS for the 102 MB bench export into
 * Elasticsearch.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseMapping } from '../pipelines/collectors/import.js';
import { IMPORT_FORMATS, importIntoSource, type ImportFormat } from '../pipelines/imports.js';
import { loadConfig } from '../server/config/index.js';
import { createPipeline } from '../server/services/collection.js';
import { createStore } from '../server/store/index.js';

const USAGE =
  'usage: npm run import -- --source <id> --format telegram-export|ndjson|csv [--map field=column,...] [--channel handle] [--json] <file>';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      source: { type: 'string' },
      format: { type: 'string' },
      map: { type: 'string' },
      channel: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const file = positionals[0];
  const format = values.format as ImportFormat | undefined;
  if (values.help || !values.source || !file || !format || !IMPORT_FORMATS.includes(format)) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const totalBytes = (await stat(file)).size;
  const config = loadConfig();
  const store = createStore(config);
  await store.init();
  const pipeline = createPipeline(store, config.collection);
  try {
    const source = await store.getSource(values.source);
    if (!source) throw new Error(`no source "${values.source}"; add it first (API or npm run collect -- --load-defaults)`);
    const started = Date.now();
    const result = await importIntoSource(pipeline, source, file, {
      format,
      totalBytes,
      ...(values.map && { mapping: parseMapping(values.map) }),
      ...(values.channel && { channelHandle: values.channel }),
      onProgress: (p) => {
        const seconds = Math.max(0.001, (Date.now() - started) / 1000);
        const percent = ((100 * p.bytesRead) / totalBytes).toFixed(1);
        process.stderr.write(
          `\r${(p.bytesRead / 1024 / 1024).toFixed(1)} MB ${percent}%  ${p.messages} records  ${p.counts.created} new  ${Math.round(p.messages / seconds)}/s   `,
        );
      },
    });
    const c = result.counts;
    process.stderr.write(
      `\n${result.records} records: ${c.created} new, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    for (const entry of result.skipped.slice(0, 20)) process.stderr.write(`  skipped ${entry.ref}: ${entry.reason}\n`);
    const maxRssKb = process.resourceUsage().maxRSS;
    process.stderr.write(`peak memory ${(maxRssKb / 1024).toFixed(0)} MB RSS\n`);
    if (values.json) {
      const { counts, records, bytesRead } = result;
      process.stdout.write(`${JSON.stringify({ ms: Date.now() - started, counts, records, bytesRead, maxRssKb })}\n`);
    }
    if (result.error) {
      process.stderr.write(`stopped (${result.error.code}): ${result.error.message}; everything before it is stored\n`);
      return 1;
    }
    return 0;
  } finally {
    await pipeline.close();
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`import: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
