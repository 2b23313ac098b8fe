/**
 * tsx test/elasticsearch/cli.ts start [--port N] [--data-dir D] [--heap 512m] [--verbose]
 * tsx test/elasticsearch/cli.ts stop [--data-dir D]
 * tsx test/elasticsearch/cli.ts status [--data-dir D]
 *
 * start leaves the node running in the background (detached) and exits; stop ends it.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, startElasticsearch, statusElasticsearch, stopElasticsearch } from './node.js';

const USAGE = `usage: cli.ts start [--port N] [--data-dir D] [--heap SIZE] [--verbose]
       cli.ts stop [--data-dir D]
       cli.ts status [--data-dir D]
defaults: --port ${DEFAULT_PORT}, --data-dir ${DEFAULT_DATA_DIR}, --heap 512m`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      heap: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help === true || command === undefined || positionals.length > 1) {
    console.log(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  const dataDir = values['data-dir'];
  const log = (s: string): void => console.log(s);

  switch (command) {
    case 'start': {
      const port = values.port !== undefined ? Number.parseInt(values.port, 10) : undefined;
      if (port !== undefined && !(port > 0 && port < 65536)) throw new Error(`bad --port ${values.port}`);
      const t0 = Date.now();
      const es = await startElasticsearch({ port, dataDir, heap: values.heap, verbose: values.verbose, log });
      console.log(
        `${es.reused ? 'already running' : 'started'}: ${es.url} (pid ${es.pid}${es.reused ? '' : `, ${((Date.now() - t0) / 1000).toFixed(1)}s`})`,
      );
      return 0;
    }
    case 'stop':
      await stopElasticsearch({ dataDir, log });
      return 0;
    case 'status': {
      const s = await statusElasticsearch({ dataDir });
      if (!s.running || s.state === undefined) {
        console.log('not running');
        return 1;
      }
      const h = s.health;
      console.log(
        s.healthy && h !== undefined
          ? `running: ${s.state.url} (pid ${s.state.pid}, status ${String(h['status'])}, started ${s.state.startedAt})`
          : `running but not healthy: ${s.state.url} (pid ${s.state.pid})`,
      );
      return s.healthy ? 0 : 1;
    }
    default:
      console.error(`unknown command ${command}\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
