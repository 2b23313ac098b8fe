/**
 * Start/stop a real single-node Elasticsearch (8.19.21, from Maven Central jars) for
 * Framewatch development and tests. No dependencies beyond node: builtins.
 *
 * One node per data dir. State lives in the data dir:
 *   es.pid   the JVM's pid (plain number)
 *   es.json  { pid, port, transportPort, url, startedAt } (used by reuse / status)
 *   es.log   the JVM's stdout+stderr
 *   es.lock  a short-lived lock (mkdir) so concurrent test processes don't start two nodes
 *
 * Reuse: if the data dir's node is already running and healthy, startElasticsearch() returns
 * it with `reused: true` and a stop() that does nothing (someone else owns it) unless
 * `ownExisting: true` was passed. A node we start ourselves is stopped by stop().
 * See README.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** This module's folder (test/elasticsearch): pom.xml, src/, target/ live here. */
export const ES_DIR = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_PORT = 9250;
export const DEFAULT_DATA_DIR = join(ES_DIR, '.data');
export const CLUSTER_NAME = 'framewatch-test';
const MAIN_CLASS = 'org.elasticsearch.node.FramewatchTestNode';

export interface StartOptions {
  /** HTTP port (default 9250, so a real ES on 9200 is left alone). */
  port?: number | undefined;
  /** Transport port (default port + 100). Nothing connects to it, but ES must bind one. */
  transportPort?: number | undefined;
  /** Data dir (default test/elasticsearch/.data). Index data persists here across restarts. */
  dataDir?: string | undefined;
  /** JVM heap, used for -Xms and -Xmx (default "512m"). */
  heap?: string | undefined;
  /** Progress messages (default: none). */
  log?: ((s: string) => void) | undefined;
  /** How long to wait for the node to be healthy (default 180 s). */
  timeoutMs?: number | undefined;
  /** If a node is already running on this data dir, let stop() stop it anyway (default false). */
  ownExisting?: boolean | undefined;
  /** Log INFO from all of Elasticsearch into es.log instead of WARN (default false). */
  verbose?: boolean | undefined;
}

export interface RunningElasticsearch {
  /** e.g. "http://127.0.0.1:9250" (no trailing slash) */
  url: string;
  pid: number;
  /** true if an already-running node was found and returned */
  reused: boolean;
  /** Stops the node if this call owns it (started it, or ownExisting); otherwise does nothing. */
  stop: () => Promise<void>;
}

export interface NodeState {
  pid: number;
  port: number;
  transportPort: number;
  url: string;
  startedAt: string;
}

export interface StatusResult {
  running: boolean;
  healthy: boolean;
  state?: NodeState;
  /** cluster health body when healthy */
  health?: Record<string, unknown>;
}

export function paths(dataDir: string) {
  return {
    pidFile: join(dataDir, 'es.pid'),
    stateFile: join(dataDir, 'es.json'),
    logFile: join(dataDir, 'es.log'),
    lockDir: join(dataDir, 'es.lock'),
  };
}

function resolveDataDir(dataDir: string | undefined): string {
  return resolve(dataDir ?? DEFAULT_DATA_DIR);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM means it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True if pid is alive and (on Linux, where /proc exists) is our Java launcher. */
export function isOurNode(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(MAIN_CLASS);
  } catch {
    return true; // no /proc: trust the pid file
  }
}

export function readState(dataDir: string): NodeState | undefined {
  const { pidFile, stateFile } = paths(dataDir);
  try {
    const s = JSON.parse(readFileSync(stateFile, 'utf8')) as NodeState;
    if (typeof s.pid === 'number' && typeof s.port === 'number') return s;
  } catch {
    /* fall through */
  }
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    if (Number.isInteger(pid) && pid > 0) {
      return {
        pid,
        port: DEFAULT_PORT,
        transportPort: DEFAULT_PORT + 100,
        url: `http://127.0.0.1:${DEFAULT_PORT}`,
        startedAt: '',
      };
    }
  } catch {
    /* no pid file */
  }
  return undefined;
}

export function clearState(dataDir: string): void {
  const { pidFile, stateFile } = paths(dataDir);
  rmSync(pidFile, { force: true });
  rmSync(stateFile, { force: true });
}

/** Last lines of es.log, preceded by the launcher's "failed to start" line if there is one. */
export function tail(file: string, lines = 30): string {
  try {
    const all = readFileSync(file, 'utf8').split('\n');
    const failed = all.filter((l) => l.startsWith('framewatch-es: failed to start:'));
    return [...failed, '--- tail of es.log:', ...all.slice(-lines)].join('\n');
  } catch {
    return '(no log)';
  }
}

/** GET /_cluster/health; resolves to the body if 200 and it's our cluster, else undefined. */
export async function health(url: string, query = '', timeoutMs = 2000): Promise<Record<string, unknown> | undefined> {
  try {
    const res = await fetch(`${url}/_cluster/health${query}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) return undefined;
    const body = (await res.json()) as Record<string, unknown>;
    return body;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Build (mvn) when needed

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newestMtime(join(path, name)));
  return max;
}

function buildIsStale(): string | undefined {
  const classFile = join(ES_DIR, 'target/classes/org/elasticsearch/node/FramewatchTestNode.class');
  const cpFile = join(ES_DIR, 'target/classpath.txt');
  if (!existsSync(classFile)) return 'target/classes missing';
  if (!existsSync(cpFile)) return 'target/classpath.txt missing';
  const built = Math.min(statSync(classFile).mtimeMs, statSync(cpFile).mtimeMs);
  const sources = Math.max(statSync(join(ES_DIR, 'pom.xml')).mtimeMs, newestMtime(join(ES_DIR, 'src')));
  if (sources > built) return 'pom.xml or src/ changed';
  // ~/.m2 may have been wiped since the classpath was written.
  const missing = readFileSync(cpFile, 'utf8')
    .trim()
    .split(':')
    .find((jar) => !existsSync(jar));
  if (missing !== undefined) return `${missing} missing`;
  return undefined;
}

/** Runs mvn if target/ is missing or older than pom.xml/src. Synchronous; first run downloads ~45 MB. */
export function buildIfNeeded(log: (s: string) => void = () => {}): void {
  const why = buildIsStale();
  if (why === undefined) return;
  log(`framewatch-es: building launcher with mvn (${why})`);
  const args = ['-q', '-B', 'compile', 'dependency:build-classpath', '-Dmdep.outputFile=target/classpath.txt'];
  const r = spawnSync('mvn', args, { cwd: ES_DIR, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error !== undefined) throw new Error(`framewatch-es: could not run mvn: ${r.error.message}`);
  if (r.status !== 0) {
    const out = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`framewatch-es: mvn ${args.join(' ')} failed (exit ${r.status}) in ${ES_DIR}:\n${out}`);
  }
  // mvn does not rewrite classpath.txt when unchanged: touch it so the staleness check passes.
  const cpFile = join(ES_DIR, 'target/classpath.txt');
  writeFileSync(cpFile, readFileSync(cpFile, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Native libraries

/**
 * Elasticsearch loads libzstd.so from its distribution's lib/platform/<os-arch>/, which the
 * Maven jars don't have. Without it, on Java 21+ (FFM native access) any index with
 * index.codec=best_compression fails on its first refresh ("zstd is null"). We point
 * es.nativelibs.path at a folder holding a libzstd.so symlink to the system's libzstd
 * (Debian: libzstd1, 1.5.x). On Java 17 (JNA native access) it is not needed but harmless.
 */
function prepareNativeLibs(dataDir: string): string | undefined {
  const candidates = [
    '/usr/lib/x86_64-linux-gnu/libzstd.so.1',
    '/usr/lib/aarch64-linux-gnu/libzstd.so.1',
    '/usr/lib64/libzstd.so.1',
    '/usr/lib/libzstd.so.1',
  ];
  const lib = candidates.find((p) => existsSync(p));
  if (lib === undefined) return undefined;
  const dir = join(dataDir, 'native');
  const link = join(dir, 'libzstd.so');
  mkdirSync(dir, { recursive: true });
  rmSync(link, { force: true });
  symlinkSync(lib, link);
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Lock (so two test processes starting at once share one node)

async function withLock<T>(dataDir: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const { lockDir } = paths(dataDir);
  const ownerFile = join(lockDir, 'owner');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(ownerFile, String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // Stale lock: owner gone (or never wrote its pid and the lock is old).
      let owner = NaN;
      try {
        owner = Number.parseInt(readFileSync(ownerFile, 'utf8'), 10);
      } catch {
        /* not written yet */
      }
      let age = 0;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
      } catch {
        continue; // vanished: retry now
      }
      if ((Number.isInteger(owner) && !isAlive(owner)) || (!Number.isInteger(owner) && age > 10_000)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`framewatch-es: timed out waiting for lock ${lockDir} (held by pid ${owner})`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Spawning one JVM (shared by the single node and the cluster, see cluster.ts)

export interface SpawnOptions {
  port: number;
  transportPort: number;
  dataDir: string;
  heap: string;
  verbose?: boolean | undefined;
  /** Extra launcher arguments (cluster mode: --node-name, --seed-hosts, --initial-master-nodes). */
  launcherArgs?: string[] | undefined;
}

/**
 * Spawns the launcher detached with stdout+stderr into <dataDir>/es.log (truncated), and writes
 * es.pid and es.json. Does not wait for health. The caller has run buildIfNeeded().
 */
export async function spawnNode(opts: SpawnOptions): Promise<number> {
  const { port, transportPort, dataDir, heap } = opts;
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(dataDir, { recursive: true });
  const classpath = `${join(ES_DIR, 'target/classes')}:${readFileSync(join(ES_DIR, 'target/classpath.txt'), 'utf8').trim()}`;
  const tmpDir = join(dataDir, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  const nativeLibs = prepareNativeLibs(dataDir);
  const javaHome = process.env['JAVA_HOME'];
  const java = javaHome !== undefined && javaHome !== '' ? join(javaHome, 'bin', 'java') : 'java';
  const jvmArgs = [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    // The usual Elasticsearch system JVM options that matter here (see README).
    '-Dfile.encoding=UTF-8',
    '-Djava.awt.headless=true',
    '-XX:-OmitStackTraceInFastThrow',
    '-Djava.locale.providers=SPI,CLDR',
    '-Dio.netty.noUnsafe=true',
    '-Dio.netty.noKeySetOptimization=true',
    '-Dio.netty.recycler.maxCapacityPerThread=0',
    '-Dlog4j.shutdownHookEnabled=false',
    '-Dlog4j2.disable.jmx=true',
    `-Djava.io.tmpdir=${tmpDir}`,
    // Lucene/ES call native code through the FFM API on Java 21+: silence the JDK warning.
    '--enable-native-access=ALL-UNNAMED',
    ...(nativeLibs !== undefined ? [`-Des.nativelibs.path=${nativeLibs}`] : []),
    // ES's own SIMD library (libvec.so) is not on Maven Central; without this, on Java 21+ the
    // failure to load it disables *all* native access (zstd included).
    '-Dorg.elasticsearch.nativeaccess.enableVectorLibrary=false',
    '-cp',
    classpath,
    MAIN_CLASS,
    '--port',
    String(port),
    '--transport-port',
    String(transportPort),
    '--data-dir',
    dataDir,
    ...(opts.launcherArgs ?? []),
    ...(opts.verbose === true ? ['--verbose'] : []),
  ];
  const { logFile, pidFile, stateFile } = paths(dataDir);
  // es.log holds the latest run only (truncated at each start).
  writeFileSync(logFile, `=== ${new Date().toISOString()} ${java} ${jvmArgs.join(' ')}\n`);
  const fd = openSync(logFile, 'a');
  const child = spawn(java, jvmArgs, { cwd: dataDir, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const pid = await new Promise<number>((res, rej) => {
    child.once('spawn', () => res(child.pid ?? -1));
    child.once('error', (e) => rej(new Error(`framewatch-es: could not run ${java}: ${e.message}`)));
  });
  child.unref(); // don't keep the caller's event loop alive
  const state: NodeState = { pid, port, transportPort, url, startedAt: new Date().toISOString() };
  writeFileSync(pidFile, `${pid}\n`);
  writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  return pid;
}

// ---------------------------------------------------------------------------------------------
// Public API

export async function startElasticsearch(opts: StartOptions = {}): Promise<RunningElasticsearch> {
  const port = opts.port ?? DEFAULT_PORT;
  const transportPort = opts.transportPort ?? port + 100;
  const dataDir = resolveDataDir(opts.dataDir);
  const heap = opts.heap ?? '512m';
  const log = opts.log ?? (() => {});
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(dataDir, { recursive: true });

  return withLock(dataDir, timeoutMs, async () => {
    // 1. Reuse the data dir's node if it is running.
    const prev = readState(dataDir);
    if (prev !== undefined) {
      if (isOurNode(prev.pid)) {
        if (prev.port !== port) {
          throw new Error(
            `framewatch-es: a node (pid ${prev.pid}) already runs on data dir ${dataDir} with port ${prev.port}, not ${port}; stop it first`,
          );
        }
        log(`framewatch-es: reusing running node pid ${prev.pid} at ${url}`);
        await waitHealthy(url, prev.pid, paths(dataDir).logFile, timeoutMs);
        const owned = opts.ownExisting === true;
        return {
          url,
          pid: prev.pid,
          reused: true,
          stop: owned ? () => stopElasticsearch({ dataDir }) : async () => {},
        };
      }
      log(`framewatch-es: removing stale pid file (pid ${prev.pid} is gone)`);
      clearState(dataDir);
    }

    // 2. Something else on the port? (another data dir's node, or a real ES)
    const other = await health(url);
    if (other !== undefined) {
      throw new Error(
        `framewatch-es: port ${port} already answers /_cluster/health (cluster ${String(other['cluster_name'])}) but is not the node of ${dataDir}; use another port or stop it`,
      );
    }

    // 3. Build and spawn.
    buildIfNeeded(log);
    const pid = await spawnNode({ port, transportPort, dataDir, heap, verbose: opts.verbose === true });
    const { logFile } = paths(dataDir);
    log(`framewatch-es: started pid ${pid}, waiting for ${url}/_cluster/health (log: ${logFile})`);

    const t0 = Date.now();
    try {
      await waitHealthy(url, pid, logFile, timeoutMs);
    } catch (e) {
      if (isAlive(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      clearState(dataDir);
      throw e;
    }
    log(`framewatch-es: healthy at ${url} after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    return { url, pid, reused: false, stop: () => stopElasticsearch({ dataDir }) };
  });
}

/**
 * Polls url's /_cluster/health until it answers 200 for our cluster (query: what to wait for,
 * default yellow), failing early if the JVM exits. Also used by cluster.ts.
 */
export async function waitHealthy(
  url: string,
  pid: number,
  logFile: string,
  timeoutMs: number,
  query = '?wait_for_status=yellow&timeout=1s',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isAlive(pid)) {
      throw new Error(
        `framewatch-es: the JVM (pid ${pid}) exited before ${url} became healthy (log: ${logFile}):\n${tail(logFile)}`,
      );
    }
    const h = await health(url, query);
    if (h !== undefined && h['cluster_name'] === CLUSTER_NAME) return;
    if (Date.now() > deadline) {
      throw new Error(
        `framewatch-es: ${url} not healthy after ${Math.round(timeoutMs / 1000)}s (pid ${pid}; log: ${logFile}):\n${tail(logFile)}`,
      );
    }
    await sleep(250);
  }
}

export async function stopElasticsearch(
  opts: { dataDir?: string | undefined; log?: ((s: string) => void) | undefined } = {},
): Promise<void> {
  const dataDir = resolveDataDir(opts.dataDir);
  const log = opts.log ?? (() => {});
  const state = readState(dataDir);
  if (state === undefined) {
    log(`framewatch-es: no pid file in ${dataDir}, nothing to stop`);
    return;
  }
  const { pid } = state;
  if (isOurNode(pid)) {
    log(`framewatch-es: stopping pid ${pid}`);
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 20_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) {
      log(`framewatch-es: pid ${pid} still alive after 20s, sending SIGKILL`);
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(100);
    }
    log(`framewatch-es: stopped`);
  } else {
    log(`framewatch-es: pid ${pid} is not running; removing stale pid file`);
  }
  clearState(dataDir);
}

export async function statusElasticsearch(opts: { dataDir?: string | undefined } = {}): Promise<StatusResult> {
  const dataDir = resolveDataDir(opts.dataDir);
  const state = readState(dataDir);
  if (state === undefined || !isOurNode(state.pid)) return { running: false, healthy: false };
  const h = await health(state.url);
  return h !== undefined ? { running: true, healthy: true, state, health: h } : { running: true, healthy: false, state };
}
