/**
 * tsx test/elasticsearch/cli.ts start [--port N] [--data-dir D] [--heap 512m] [--verbose]
 * tsx test/elasticsearch/cli.ts start --nodes 3 --data-dir D [--port 9330] [--heap 320m]   (a cluster)
 * tsx test/elasticsearch/cli.ts stop [--data-dir D]
 * tsx test/elasticsearch/cli.ts status [--data-dir D]
 *
 * start leaves the node running in the background (detached) and exits; stop ends it.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CLUSTER_BASE_PORT, isClusterDir, startCluster, statusCluster, stopCluster } from './cluster.js';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, startElasticsearch, statusElasticsearch, stopElasticsearch } from './node.js';

const USAGE = `usage: cli.ts start [--port N] [--data-dir D] [--heap SIZE] [--verbose]
       cli.ts start --nodes N --data-dir D [--port BASE] [--heap SIZE] [--verbose]
       cli.ts stop [--data-dir D]
       cli.ts status [--data-dir D]
defaults: --port ${DEFAULT_PORT}, --data-dir ${DEFAULT_DATA_DIR}, --heap 512m
cluster (--nodes): node i on HTTP port BASE+i (default BASE ${DEFAULT_CLUSTER_BASE_PORT}), transport BASE+100+i,
  data in D/node-i, --heap per node (default 320m); stop and status find the cluster by D`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      heap: { type: 'string' },
      nodes: { type: 'string' },
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
      if (values.nodes !== undefined) {
        const nodes = Number.parseInt(values.nodes, 10);
        if (!(nodes >= 1 && nodes <= 9)) throw new Error(`bad --nodes ${values.nodes} (1 to 9)`);
        if (dataDir === undefined) throw new Error('a cluster needs --data-dir');
        const cluster = await startCluster({ nodes, basePort: port, dataDir, heap: values.heap, verbose: values.verbose, log });
        console.log(`started: ${cluster.urls.join(',')} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
        return 0;
      }
      const es = await startElasticsearch({ port, dataDir, heap: values.heap, verbose: values.verbose, log });
      console.log(
        `${es.reused ? 'already running' : 'started'}: ${es.url} (pid ${es.pid}${es.reused ? '' : `, ${((Date.now() - t0) / 1000).toFixed(1)}s`})`,
      );
      return 0;
    }
    case 'stop':
      if (dataDir !== undefined && isClusterDir(dataDir)) await stopCluster({ dataDir, log });
      else await stopElasticsearch({ dataDir, log });
      return 0;
    case 'status': {
      if (dataDir !== undefined && isClusterDir(dataDir)) {
        const c = await statusCluster({ dataDir });
        for (const n of c.nodes) console.log(`${n.name} ${n.url} ${n.pid !== undefined ? `pid ${n.pid}` : 'stopped'}`);
        console.log(
          c.health !== undefined
            ? `cluster ${String(c.health['status'])}, ${String(c.health['number_of_nodes'])} node(s)`
            : 'not healthy',
        );
        return c.health !== undefined ? 0 : 1;
      }
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
