/**
 * A real Elasticsearch cluster of several nodes on loopback (same launcher and jars as node.ts),
 * for tests of what happens when one node goes away. No dependencies beyond node: builtins.
 *
 * Node i is named fw-<i>, listens on HTTP basePort+i and transport transportBasePort+i, and keeps
 * everything (data, es.pid, es.json, es.log) in <dataDir>/node-<i>. The nodes find each other
 * through discovery.seed_hosts (every transport port) and bootstrap once through
 * cluster.initial_master_nodes (every node name); all nodes are master-eligible data nodes.
 * <dataDir>/cluster.json records the layout for `cli.ts stop|status --data-dir D`.
 * See README.md ("Cluster mode").
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CLUSTER_NAME,
  buildIfNeeded,
  clearState,
  health,
  isAlive,
  isOurNode,
  paths,
  readState,
  spawnNode,
  stopElasticsearch,
  tail,
  waitHealthy,
} from './node.js';

export const DEFAULT_CLUSTER_BASE_PORT = 9330;
export const DEFAULT_CLUSTER_HEAP = '320m';

export interface ClusterOptions {
  /** Number of nodes (default 3). */
  nodes?: number | undefined;
  /** HTTP port of node 0; node i listens on basePort + i (default 9330). */
  basePort?: number | undefined;
  /** Transport port of node 0 (default basePort + 100). */
  transportBasePort?: number | undefined;
  /** Parent of the nodes' data dirs (required: a cluster never shares the single node's .data). */
  dataDir: string;
  /** JVM heap of each node (default 320m). */
  heap?: string | undefined;
  log?: ((s: string) => void) | undefined;
  /** How long to wait for the cluster to form (default 180 s). */
  timeoutMs?: number | undefined;
  verbose?: boolean | undefined;
}

export interface ClusterNode {
  index: number;
  name: string;
  url: string;
  port: number;
  transportPort: number;
  dataDir: string;
  /** The running JVM's pid, or undefined while the node is stopped. */
  pid: () => number | undefined;
}

export interface RunningCluster {
  /** Every node's HTTP URL, node 0 first. */
  urls: string[];
  nodes: ClusterNode[];
  /** Cluster health as seen from the first node that answers (undefined if none does). */
  health: (query?: string) => Promise<Record<string, unknown> | undefined>;
  /** Waits until the cluster has all its nodes and the given status (default green). */
  waitFor: (status?: 'green' | 'yellow', timeoutMs?: number) => Promise<Record<string, unknown>>;
  /** Stops one node (SIGTERM, as an operator would); its data dir stays. */
  stopNode: (index: number) => Promise<void>;
  /** Starts a stopped node again with the same name, ports and data dir; resolves when it has joined. */
  startNode: (index: number) => Promise<void>;
  /** Stops every node. */
  stop: () => Promise<void>;
}

interface ClusterLayout {
  nodes: number;
  basePort: number;
  transportBasePort: number;
  heap: string;
}

const layoutFile = (dataDir: string) => join(dataDir, 'cluster.json');

function describe(dataDir: string, layout: ClusterLayout): ClusterNode[] {
  return Array.from({ length: layout.nodes }, (_, i) => {
    const nodeDir = join(dataDir, `node-${i}`);
    const port = layout.basePort + i;
    return {
      index: i,
      name: `fw-${i}`,
      url: `http://127.0.0.1:${port}`,
      port,
      transportPort: layout.transportBasePort + i,
      dataDir: nodeDir,
      pid: () => {
        const state = readState(nodeDir);
        return state !== undefined && isOurNode(state.pid) ? state.pid : undefined;
      },
    };
  });
}

async function firstHealth(nodes: ClusterNode[], query = ''): Promise<Record<string, unknown> | undefined> {
  for (const node of nodes) {
    if (node.pid() === undefined) continue;
    const h = await health(node.url, query, 5_000);
    if (h !== undefined && h['cluster_name'] === CLUSTER_NAME) return h;
  }
  return undefined;
}

export async function startCluster(opts: ClusterOptions): Promise<RunningCluster> {
  const count = opts.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`framewatch-es: bad node count ${count}`);
  const basePort = opts.basePort ?? DEFAULT_CLUSTER_BASE_PORT;
  const layout: ClusterLayout = {
    nodes: count,
    basePort,
    transportBasePort: opts.transportBasePort ?? basePort + 100,
    heap: opts.heap ?? DEFAULT_CLUSTER_HEAP,
  };
  const dataDir = resolve(opts.dataDir);
  const log = opts.log ?? (() => {});
  const timeoutMs = opts.timeoutMs ?? 180_000;
  mkdirSync(dataDir, { recursive: true });
  const nodes = describe(dataDir, layout);

  for (const node of nodes) {
    const running = node.pid();
    if (running !== undefined) {
      throw new Error(
        `framewatch-es: node ${node.name} (pid ${running}) of ${dataDir} is already running; stop the cluster first (cli.ts stop --data-dir ${dataDir})`,
      );
    }
    clearState(node.dataDir);
    const other = await health(node.url);
    if (other !== undefined) {
      throw new Error(`framewatch-es: port ${node.port} already answers /_cluster/health; use another --base-port`);
    }
  }
  buildIfNeeded(log);
  writeFileSync(layoutFile(dataDir), `${JSON.stringify(layout, null, 2)}\n`);

  const seedHosts = nodes.map((n) => `127.0.0.1:${n.transportPort}`).join(',');
  const masters = nodes.map((n) => n.name).join(',');
  const spawnOne = (node: ClusterNode) =>
    spawnNode({
      port: node.port,
      transportPort: node.transportPort,
      dataDir: node.dataDir,
      heap: layout.heap,
      verbose: opts.verbose,
      launcherArgs: [
        '--node-name',
        node.name,
        ...(count > 1 ? ['--seed-hosts', seedHosts] : []),
        // Only to bootstrap a new cluster: a node that has joined one keeps its state in data/_state
        // and warns ("locked into cluster UUID") if it is still given initial master nodes.
        ...(count > 1 && !existsSync(join(node.dataDir, 'data', '_state')) ? ['--initial-master-nodes', masters] : []),
      ],
    });
  const waitJoined = async (node: ClusterNode, pid: number, ms: number) =>
    waitHealthy(node.url, pid, paths(node.dataDir).logFile, ms, `?wait_for_nodes=${count}&timeout=1s`);

  const stopNode = async (index: number) => {
    const node = nodes[index];
    if (node === undefined) throw new Error(`framewatch-es: no node ${index}`);
    await stopElasticsearch({ dataDir: node.dataDir, log });
  };
  const stopAll = async () => {
    await Promise.all(nodes.map((n) => stopElasticsearch({ dataDir: n.dataDir, log })));
  };

  const t0 = Date.now();
  const pids: number[] = [];
  try {
    for (const node of nodes) {
      const pid = await spawnOne(node);
      pids.push(pid);
      log(
        `framewatch-es: ${node.name} pid ${pid} at ${node.url} (transport ${node.transportPort}, log ${paths(node.dataDir).logFile})`,
      );
    }
    await Promise.all(nodes.map((node, i) => waitJoined(node, pids[i] ?? -1, timeoutMs)));
  } catch (e) {
    for (const pid of pids) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    for (const node of nodes) clearState(node.dataDir);
    throw e;
  }
  log(`framewatch-es: cluster of ${count} formed after ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const waitFor = async (status: 'green' | 'yellow' = 'green', ms = 120_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const h = await firstHealth(nodes, `?wait_for_status=${status}&wait_for_nodes=${count}&timeout=2s`);
      if (h !== undefined && h['timed_out'] === false) return h;
      if (Date.now() > deadline) {
        throw new Error(`framewatch-es: cluster not ${status} with ${count} nodes after ${ms / 1000}s: ${JSON.stringify(h)}`);
      }
      await sleep(250);
    }
  };

  return {
    urls: nodes.map((n) => n.url),
    nodes,
    health: (query = '') => firstHealth(nodes, query),
    waitFor,
    stopNode,
    startNode: async (index: number) => {
      const node = nodes[index];
      if (node === undefined) throw new Error(`framewatch-es: no node ${index}`);
      if (node.pid() !== undefined) throw new Error(`framewatch-es: ${node.name} is already running`);
      clearState(node.dataDir);
      const pid = await spawnOne(node);
      try {
        await waitJoined(node, pid, timeoutMs);
      } catch (e) {
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
        clearState(node.dataDir);
        throw e;
      }
      log(`framewatch-es: ${node.name} back (pid ${pid})`);
    },
    stop: stopAll,
  };
}

/** The cluster recorded in dataDir (by startCluster), or undefined. */
function readLayout(dataDir: string): ClusterLayout | undefined {
  const file = layoutFile(resolve(dataDir));
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterLayout;
}

/** True if dataDir holds a cluster (cluster.json). */
export function isClusterDir(dataDir: string): boolean {
  return readLayout(dataDir) !== undefined;
}

export async function stopCluster(opts: { dataDir: string; log?: ((s: string) => void) | undefined }): Promise<void> {
  const layout = readLayout(opts.dataDir);
  if (layout === undefined) return;
  await Promise.all(describe(resolve(opts.dataDir), layout).map((n) => stopElasticsearch({ dataDir: n.dataDir, log: opts.log })));
}

export async function statusCluster(opts: { dataDir: string }): Promise<{
  nodes: { name: string; url: string; pid: number | undefined }[];
  health: Record<string, unknown> | undefined;
}> {
  const layout = readLayout(opts.dataDir);
  if (layout === undefined) return { nodes: [], health: undefined };
  const nodes = describe(resolve(opts.dataDir), layout);
  return { nodes: nodes.map((n) => ({ name: n.name, url: n.url, pid: n.pid() })), health: await firstHealth(nodes) };
}

/** The last lines of one node's log (for failure messages). */
export function nodeLogTail(node: ClusterNode, lines = 30): string {
  return tail(paths(node.dataDir).logFile, lines);
}
