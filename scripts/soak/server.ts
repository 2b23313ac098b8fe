/**
 * The soak's Framewatch: the real process entry (server/main.ts) in a child process, configured
 * through its environment as an operator would, so the clients' work never shares its event loop and
 * its memory is its own. The soak signs in as the first admin, then works with what a deployment has:
 * an ingest token for the collector, a read token for the dashboards' sockets and the scraper, and the
 * session cookie for the dashboards' queries.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface ServerOptions {
  store: 'sqlite' | 'elasticsearch';
  dataDir: string;
  elasticsearchUrl?: string;
  indexPrefix?: string;
}

export interface SoakServer {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Bearer secret of an ingest-scoped token (the collector). */
  ingestToken: string;
  /** Bearer secret of a read-scoped token (the dashboards' sockets and the metrics scraper). */
  readToken: string;
  /** The signed-in admin's session cookie (the dashboards' queries). */
  cookie: string;
  logFile: string;
  /** Resolves with the exit code when the process ends, whatever ends it. */
  exited: Promise<number | null>;
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Starts server/main.ts and waits for its "running at" line; signs in and creates the two tokens. */
export async function startServer(options: ServerOptions): Promise<SoakServer> {
  const username = 'soak-admin';
  const password = randomBytes(18).toString('base64url');
  const logFile = join(options.dataDir, 'server.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    // Framewatch reads its configuration from the environment; the child gets this run's on top of ours.
    env: {
      ...process.env,
      STORE: options.store,
      DATA_DIR: options.dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      DEMO_DATA: 'false',
      SCHEDULER_ENABLED: 'false',
      ADMIN_USERNAME: username,
      ADMIN_PASSWORD: password,
      // One collector token sends every batch: the per-principal limit protects deployments, not this run.
      RATE_LIMIT_API_MAX: '1000000',
      ...(options.elasticsearchUrl && { ELASTICSEARCH_URL: options.elasticsearchUrl }),
      ...(options.indexPrefix && { ELASTICSEARCH_INDEX_PREFIX: options.indexPrefix }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (seen.length < 10_000) seen += chunk.toString('utf8');
      const match = /Framewatch is running at (http:\/\/[^\s/]+)\//u.exec(seen);
      if (match?.[1]) done(match[1]);
    });
    void exited.then((code) => fail(new Error(`the server exited with ${code} before listening; see ${logFile}`)));
  });

  const signIn = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const { csrfToken } = await json<{ csrfToken: string }>(signIn.clone(), 'POST /api/v1/auth/login');
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (!cookie) throw new Error('the sign-in answer set no session cookie');
  const token = async (label: string, scope: 'ingest' | 'read') =>
    (
      await json<{ secret: string }>(
        await fetch(`${url}/api/v1/auth/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
          body: JSON.stringify({ label, scopes: [scope] }),
        }),
        'POST /api/v1/auth/tokens',
      )
    ).secret;
  return {
    url,
    pid: child.pid ?? 0,
    child,
    ingestToken: await token('soak collector', 'ingest'),
    readToken: await token('soak dashboards', 'read'),
    cookie,
    logFile,
    exited,
  };
}

export interface ServerSample {
  rssMb: number;
  /** Event-loop delay since the previous scrape, ms. */
  loop: { p50: number; p99: number; max: number };
  liveClients: number;
  /** Peak RSS of the process so far (VmHWM), when /proc has it. */
  peakRssMb: number | undefined;
}

const metric = (text: string, name: string): number => {
  const match = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')} (\\S+)$`, 'mu').exec(text);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
};

/** One scrape of /metrics, as a monitoring system would make it (read token). */
export async function sampleServer(server: SoakServer): Promise<ServerSample> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.readToken}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${text.slice(0, 200)}`);
  let peakRssMb: number | undefined;
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/mu.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1];
    if (hwm) peakRssMb = Number(hwm) / 1024;
  } catch {
    // No /proc (not Linux): the peak is left out.
  }
  return {
    rssMb: metric(text, 'framewatch_process_resident_memory_bytes') / 2 ** 20,
    loop: {
      p50: metric(text, 'framewatch_eventloop_delay_seconds{quantile="0.5"}') * 1000,
      p99: metric(text, 'framewatch_eventloop_delay_seconds{quantile="0.99"}') * 1000,
      max: metric(text, 'framewatch_eventloop_delay_seconds{quantile="1"}') * 1000,
    },
    liveClients: metric(text, 'framewatch_live_clients'),
    peakRssMb,
  };
}

/** SIGTERM, as an operator stops it; SIGKILL if it has not exited within the timeout. */
export async function stopServer(server: SoakServer, timeoutMs = 30_000): Promise<number | null> {
  if (server.child.exitCode !== null) return server.child.exitCode;
  server.child.kill('SIGTERM');
  const timer = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), timeoutMs).unref());
  const result = await Promise.race([server.exited, timer]);
  if (result !== 'timeout') return result;
  server.child.kill('SIGKILL');
  return server.exited;
}
