/**
 * Dashboard benchmarks (issue 5).
 *
 * 1. Initial JavaScript of the production build, gzip: the client is built into a temporary outDir;
 *    the initial chunks are the ones index.html loads (the entry script and its modulepreloads), each
 *    gzipped and summed. Lazy route chunks are not counted.
 * 2. Overview first render in headless Chromium over a real server and a SQLite store holding the
 *    bench corpus (200,000 generated items by default): from navigation start to the frame after the
 *    overview's four charts all hold non-empty series, in a fresh browser context per load (cold
 *    cache). Baseline: the same API requests that load made, replayed in parallel from Node.
 * 3. The live timeline at 50 items/s: the overview open and live, items POSTed to the API at a steady
 *    rate while the page records its frame times (requestAnimationFrame deltas) and long tasks
 *    (PerformanceObserver); an idle stretch of the same page, measured first, is the baseline.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { type Browser, type BrowserContext, type Cookie, type Page } from 'playwright-core';
import { build } from 'vite';
import { generateItems } from '../../pipelines/generator/index.js';
import { buildApp } from '../../server/app.js';
import { SYSTEM } from '../../server/auth/service.js';
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.js';
import { CORPUS, corpusDay, itemBatches } from './data.js';
import { summarize, type Summary } from './measure.js';
import { launchChromium } from '../../test/helpers/chromium.js';

export interface OverviewFigures {
  label: string;
  /** Items inside the range the overview shows. */
  itemsInRange: number;
  render: Summary;
  /** The same API requests, replayed in parallel from Node, per load. */
  api: Summary;
  requests: number;
}

export interface FrameFigures {
  seconds: number;
  frames: number;
  frameP50: number;
  frameP95: number;
  /** Frames a 60 Hz display would have shown but the page did not produce, over all expected frames. */
  droppedShare: number;
  longTasks: number;
  longTaskMs: number;
}

export interface LiveSmoothnessFigures {
  ratePerSec: number;
  posted: number;
  achievedRate: number;
  idle: FrameFigures;
  streaming: FrameFigures;
  /** How much the timeline's shown total grew while streaming (every posted item lands in its range). */
  timelineGrowth: number;
  /** How many live items the feed had received by the end (it lists the newest 50). */
  feedItems: number;
}

export interface DashboardFigures {
  initialJsGzipBytes: number;
  initialJsRawBytes: number;
  chunks: { file: string; gzipBytes: number }[];
  buildMs: number;
  /** Items in the store behind the browser benches. */
  storedItems: number;
  overview: OverviewFigures[];
  live: LiveSmoothnessFigures;
}

export interface DashboardBenchOptions {
  log: (line: string) => void;
  /** Items in the store behind the browser benches. */
  items?: number;
  /** Measured page loads per overview range. */
  loads?: number;
  liveRate?: number;
  liveSeconds?: number;
  idleSeconds?: number;
}

const CLIENT_CONFIG = join(import.meta.dirname, '../../client/vite.config.ts');
/** Chart titles of the overview (client/src/i18n/en.ts, overview.charts). */
const OVERVIEW_CHARTS = ['Items by side', 'Platform mix', 'Language mix', 'Side × frame (share of each side’s items)'];
const TIMELINE_CHART = 'Items by side';
const PASSWORD = 'bench-dashboard-password-1';
const FRAME_MS = 1000 / 60;

export async function dashboardBench(options: DashboardBenchOptions): Promise<DashboardFigures> {
  const size = await initialJs(options.log);
  const items = options.items ?? 200_000;
  const browserFigures = await browserBenches({ ...options, items });
  return { ...size, storedItems: items, ...browserFigures };
}

async function initialJs(log: (line: string) => void) {
  const outDir = mkdtempSync(join(tmpdir(), 'framewatch-bench-client-'));
  try {
    log('dashboard: production build into a temporary directory…');
    const started = performance.now();
    await build({ configFile: CLIENT_CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    const buildMs = performance.now() - started;
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const scripts = [
      ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/gu),
      ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/gu),
    ].map((match) => match[1] ?? '');
    const chunks = [...new Set(scripts)].map((src) => {
      const bytes = readFileSync(join(outDir, src.replace(/^\//u, '')));
      return { file: src, rawBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
    });
    return {
      initialJsGzipBytes: chunks.reduce((sum, c) => sum + c.gzipBytes, 0),
      initialJsRawBytes: chunks.reduce((sum, c) => sum + c.rawBytes, 0),
      chunks: chunks.map(({ file, gzipBytes }) => ({ file, gzipBytes })),
      buildMs,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

interface Server {
  base: string;
  token: string;
  close: () => Promise<void>;
}

async function browserBenches(
  options: DashboardBenchOptions & { items: number },
): Promise<{ overview: OverviewFigures[]; live: LiveSmoothnessFigures }> {
  const { log } = options;
  const dir = mkdtempSync(join(tmpdir(), 'framewatch-bench-dashboard-'));
  let store: SqliteStore | null = null;
  let server: Server | null = null;
  let browser: Browser | null = null;
  try {
    // The same build as production; "e2e" mode only adds window.__charts (each chart's ECharts
    // instance by title), which is how the page tells that a chart holds data.
    log('dashboard: client build with chart hooks for the browser benches…');
    const clientDir = join(dir, 'client');
    await build({ configFile: CLIENT_CONFIG, mode: 'e2e', logLevel: 'warn', build: { outDir: clientDir, emptyOutDir: true } });

    log(`dashboard: loading ${options.items.toLocaleString('en-US')} generated items into SQLite…`);
    store = new SqliteStore({ file: join(dir, 'framewatch.sqlite') });
    await store.init();
    for (const batch of itemBatches(options.items)) await store.upsertItems(batch);
    server = await startServer(store, clientDir);

    browser = await launchChromium();
    const cookies = await signIn(browser, server.base);
    const loads = options.loads ?? 5;
    const lastWeek = { from: corpusDay(CORPUS.days - 7), to: corpusDay(CORPUS.days) };
    const whole = { from: corpusDay(0), to: corpusDay(CORPUS.days) };
    const overview: OverviewFigures[] = [];
    for (const [label, range] of [
      ['last 7 days of the corpus, hourly', lastWeek],
      [`whole corpus, ${CORPUS.days} days, daily`, whole],
    ] as const) {
      log(`dashboard: overview first render (${label}), ${loads} loads…`);
      overview.push(await overviewRender(browser, cookies, server.base, label, range, loads));
    }
    log(`dashboard: live timeline at ${options.liveRate ?? 50} items/s…`);
    const live = await liveSmoothness(browser, cookies, server, lastWeek, {
      rate: options.liveRate ?? 50,
      seconds: options.liveSeconds ?? 20,
      idleSeconds: options.idleSeconds ?? 10,
    });
    return { overview, live };
  } finally {
    await browser?.close();
    await server?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startServer(store: SqliteStore, clientDir: string): Promise<Server> {
  const app = await buildApp({ store, clientDir, auth: { apiRateLimit: 1_000_000 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const { secret } = await app.auth.createToken({ label: `bench-dashboard-${Date.now()}`, scopes: ['admin'] }, SYSTEM);
  await app.auth.createUser({ username: 'bench-analyst', role: 'analyst', password: PASSWORD }, SYSTEM);
  return { base: `http://127.0.0.1:${port}`, token: secret, close: () => app.close() };
}

/** Signs in through the login form once; every measured load gets a fresh context with this session. */
async function signIn(browser: Browser, base: string): Promise<Cookie[]> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.getByTestId('login-username').fill('bench-analyst');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => url.pathname === '/');
    return await context.cookies();
  } finally {
    await context.close();
  }
}

async function freshContext(browser: Browser, cookies: Cookie[]): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addCookies(cookies);
  return context;
}

const overviewUrl = (base: string, range: { from: string; to: string }) =>
  `${base}/?range=custom&from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;

/**
 * In the page: resolves (polled every animation frame) with performance.now() — milliseconds since
 * navigation start — at the first frame after all the named charts hold a series with data.
 */
function chartsReady(page: Page, titles: string[], timeoutMs: number): Promise<number> {
  return page
    .waitForFunction(
      (names) => {
        type Chart = { getOption(): { series?: { data?: unknown[] }[] } };
        const charts = (window as unknown as { __charts?: Record<string, Chart> }).__charts ?? {};
        const ready = names.every((name) => charts[name]?.getOption().series?.some((s) => (s.data?.length ?? 0) > 0));
        return ready ? performance.now() : false;
      },
      titles,
      { polling: 'raf', timeout: timeoutMs },
    )
    .then(async (handle) => {
      const seen = (await handle.jsonValue()) as number;
      await handle.dispose();
      // The charts paint on the next frame (ECharts flushes to canvas in its frame loop).
      const painted = await page.evaluate(
        () => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))),
      );
      return Math.max(seen, painted);
    });
}

async function overviewRender(
  browser: Browser,
  cookies: Cookie[],
  base: string,
  label: string,
  range: { from: string; to: string },
  loads: number,
): Promise<OverviewFigures> {
  const renders: number[] = [];
  const apiTimes: number[] = [];
  let requests = 0;
  let itemsInRange = 0;
  // One unmeasured load first: the server's statement cache and the page cache, as on a running server.
  for (let n = -1; n < loads; n++) {
    const context = await freshContext(browser, cookies);
    try {
      const page = await context.newPage();
      const apiUrls: string[] = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.pathname.startsWith('/api/v1/') && request.method() === 'GET') apiUrls.push(request.url());
      });
      await page.goto(overviewUrl(base, range), { waitUntil: 'commit' });
      const ms = await chartsReady(page, OVERVIEW_CHARTS, 120_000);
      itemsInRange = Number(await page.getByTestId('counter-items').locator('.num').getAttribute('data-exact'));
      if (n < 0) continue;
      renders.push(ms);
      // Baseline: the requests this load made, all at once from Node with the same session.
      const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      requests = apiUrls.length;
      const started = performance.now();
      await Promise.all(
        apiUrls.map(async (url) => {
          const res = await fetch(url, { headers: { cookie } });
          await res.arrayBuffer();
          if (!res.ok && res.status !== 404) throw new Error(`GET ${url} answered ${res.status}`);
        }),
      );
      apiTimes.push(performance.now() - started);
    } finally {
      await context.close();
    }
  }
  return { label, itemsInRange, render: summarize(renders), api: summarize(apiTimes), requests };
}

/**
 * Starts recording frame deltas and long tasks in the page (read with readFrames). Passed as source
 * text: the bench runs through tsx, whose transform would wrap named functions in a helper the page
 * does not have.
 */
const FRAME_RECORDER = `(() => {
  const state = { deltas: [], longTasks: 0, longTaskMs: 0, running: true, started: performance.now() };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      state.longTasks++;
      state.longTaskMs += entry.duration;
    }
  });
  observer.observe({ type: 'longtask', buffered: false });
  let last = 0;
  function tick(now) {
    if (!state.running) return;
    state.deltas.push(now - last);
    last = now;
    requestAnimationFrame(tick);
  }
  requestAnimationFrame((now) => {
    last = now;
    requestAnimationFrame(tick);
  });
  state.stop = () => {
    state.running = false;
    observer.disconnect();
  };
  window.__frames = state;
})()`;

async function startFrameRecorder(page: Page): Promise<void> {
  await page.evaluate(FRAME_RECORDER);
}

async function readFrames(page: Page): Promise<FrameFigures> {
  const raw = await page.evaluate(() => {
    const state = (
      window as unknown as {
        __frames: { deltas: number[]; longTasks: number; longTaskMs: number; started: number; stop: () => void };
      }
    ).__frames;
    state.stop();
    return {
      deltas: state.deltas,
      longTasks: state.longTasks,
      longTaskMs: state.longTaskMs,
      ms: performance.now() - state.started,
    };
  });
  const summary = summarize(raw.deltas);
  const elapsed = raw.deltas.reduce((sum, d) => sum + d, 0);
  const expected = Math.max(1, Math.round(elapsed / FRAME_MS));
  return {
    seconds: raw.ms / 1000,
    frames: raw.deltas.length,
    frameP50: summary.p50,
    frameP95: summary.p95,
    droppedShare: Math.max(0, expected - raw.deltas.length) / expected,
    longTasks: raw.longTasks,
    longTaskMs: raw.longTaskMs,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function liveSmoothness(
  browser: Browser,
  cookies: Cookie[],
  server: Server,
  range: { from: string; to: string },
  options: { rate: number; seconds: number; idleSeconds: number },
): Promise<LiveSmoothnessFigures> {
  const context = await freshContext(browser, cookies);
  try {
    const page = await context.newPage();
    await page.goto(overviewUrl(server.base, range));
    await chartsReady(page, OVERVIEW_CHARTS, 120_000);
    await page
      .getByTestId('live-status')
      .filter({ hasText: /^Live$/u })
      .waitFor({ timeout: 30_000 });
    const shownTotal = () =>
      page.evaluate((title) => {
        type Chart = { getOption(): { series: { id?: string; data?: { value: [string, number] }[] }[] } };
        const chart = (window as unknown as { __charts: Record<string, Chart> }).__charts[title]!;
        return chart
          .getOption()
          .series.filter((s) => s.id !== 'event-markers')
          .reduce((sum, s) => sum + (s.data ?? []).reduce((n, d) => n + (d.value[1] ?? 0), 0), 0);
      }, TIMELINE_CHART);
    await sleep(2_000); // let the first render's work settle before the idle baseline

    await startFrameRecorder(page);
    await sleep(options.idleSeconds * 1000);
    const idle = await readFrames(page);

    // Live items published inside the shown week, so each one moves the timeline.
    const total = Math.round(options.rate * options.seconds);
    const from = Date.parse(range.from);
    const span = Date.parse(range.to) - from;
    const generated = [...generateItems({ seed: 91, count: total, start: new Date(range.from), days: 7 })].map((item, n) => ({
      ...item,
      externalId: `bench-live-${n}`,
      publishedAt: new Date(from + ((n * 7_919_000) % span)).toISOString(),
    }));
    const before = await shownTotal();
    await startFrameRecorder(page);
    const sendSeconds = await postSteadily(server, generated, options.rate);
    await sleep(500); // the last items' frames
    const streaming = await readFrames(page);
    // Local counts are exact once the view's last reconciling reload (5 s after the last arrivals) is in.
    const deadline = Date.now() + 20_000;
    let growth = (await shownTotal()) - before;
    while (growth !== total && Date.now() < deadline) {
      await sleep(250);
      growth = (await shownTotal()) - before;
    }
    const feedItems = await page.evaluate(() => document.querySelectorAll('[data-testid=live-feed] li').length);
    return {
      ratePerSec: options.rate,
      posted: total,
      achievedRate: (total - 1) / sendSeconds,
      idle,
      streaming,
      timelineGrowth: growth,
      feedItems,
    };
  } finally {
    await context.close();
  }
}

/**
 * POSTs one item every 1/rate s from a worker thread: the server runs in this process, and its
 * synchronous SQLite work must not hold the sender back (the rate is the sender's, kept on schedule).
 * Resolves with the seconds from the first send to the last (the answers are awaited, not counted).
 */
function postSteadily(server: Server, items: unknown[], rate: number): Promise<number> {
  const worker = new Worker(POSTER, {
    eval: true,
    workerData: { url: `${server.base}/api/v1/items`, token: server.token, bodies: items.map((i) => JSON.stringify([i])), rate },
  });
  return new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { seconds?: number; error?: string }) => {
      if (message.error) reject(new Error(message.error));
      else resolve(message.seconds ?? Number.NaN);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

const POSTER = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, token, bodies, rate } = workerData;
const interval = 1000 / rate;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
(async () => {
  const started = performance.now();
  const sent = [];
  for (let n = 0; n < bodies.length; n++) {
    const wait = started + n * interval - performance.now();
    if (wait > 0) await sleep(wait);
    sent.push(
      fetch(url, { method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' }, body: bodies[n] })
        .then(async (res) => {
          const text = await res.text();
          if (res.status !== 200) throw new Error('POST /api/v1/items answered ' + res.status + ': ' + text.slice(0, 300));
        }),
    );
  }
  const lastSent = performance.now();
  await Promise.all(sent);
  parentPort.postMessage({ seconds: (lastSent - started) / 1000 });
})().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;
