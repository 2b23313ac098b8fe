/**
 * Collect from sources once, outside the server:
 *   npm run collect -- --source <id>        run one source now
 *   npm run collect -- --all                run every enabled source
 *   npm run collect -- --load-defaults      add the shipped watch list's sources that are missing
 * Uses the same configuration as the server (STORE, DATA_DIR, ELASTICSEARCH_URL, FETCH_ALLOW_PRIVATE).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config/index.js';
import { createPipeline } from '../server/services/collection.js';
import { createStore } from '../server/store/index.js';
import { addMissingSources, readWatchList } from '../pipelines/sources/index.js';
import type { RunReport } from '../pipelines/runner.js';

const USAGE = 'usage: npm run collect -- --source <id> | --all | --load-defaults';

function line(report: RunReport): string {
  const c = report.counts;
  const head = `${report.sourceId}: ${report.state}, ${c.fetched} fetched, ${c.created} new, ${c.updated} updated, ${c.skipped} skipped`;
  return report.error ? `${head}\n  error: ${report.error}` : head;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      source: { type: 'string' },
      all: { type: 'boolean' },
      'load-defaults': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || (!values.source && !values.all && !values['load-defaults'])) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const config = loadConfig();
  const store = createStore(config);
  await store.init();
  const pipeline = createPipeline(store, config.collection);
  try {
    if (values['load-defaults']) {
      const added = await addMissingSources(store, readWatchList());
      process.stdout.write(`added ${added.length} source(s)${added.length ? `: ${added.join(', ')}` : ''}\n`);
    }
    const ids = values.source
      ? [values.source]
      : values.all
        ? (await store.listSources()).filter((s) => s.enabled).map((s) => s.id)
        : [];
    let failed = 0;
    for (const id of ids) {
      const report = await pipeline.runSource(id);
      if (report.state === 'failed') failed++;
      process.stdout.write(`${line(report)}\n`);
    }
    return failed > 0 ? 1 : 0;
  } finally {
    await pipeline.close();
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`collect: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
