/**
 * The dashboard in real Chromium against the real server: built client, SQLite store with demo
 * data, a signed-in analyst. Asserts what a user sees, not how the components are built.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { SYSTEM } from '../../server/auth/service.js';
import { seedDemoData } from '../../server/services/demo.js';
import { anItem, idOf } from '../helpers/factories.js';
import { sqliteTestStore, type TestStore } from '../helpers/stores.js';
import { TEST_PASSWORD } from '../helpers/auth.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`dashboard e2e skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);

const SCREENSHOTS = join(import.meta.dirname, 'screenshots');
const XSS_TITLE = '<img src=x onerror="window.__xss=1"> zebrafinch report';
const XSS_TEXT = 'The zebrafinch exchange <script>window.__xss=2</script> was announced.';

describe.skipIf(!haveChromium)('dashboard in Chromium', () => {
  let outDir: string;
  let testStore: TestStore;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cookie: string;
  const now = new Date();
  // A fixed custom range makes the browser's and the test's periods identical.
  const to = new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000).toISOString();
  const from = new Date(Date.parse(to) - 7 * 86_400_000).toISOString();
  const rangeQuery = `range=custom&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const dialogs: string[] = [];
  const strayRequests: string[] = [];
  const cspViolations: string[] = [];

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}/api/v1${path}`, { headers: { cookie } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'framewatch-client-'));
    await build({
      configFile: join(import.meta.dirname, '../../client/vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });

    testStore = await sqliteTestStore();
    await seedDemoData(testStore.store, { items: 3_000, days: 10, now });
    // Stored as a hostile source would send it if sanitizing on ingest ever failed.
    const hostile = anItem({
      title: XSS_TITLE,
      text: XSS_TEXT,
      publishedAt: new Date(now.getTime() - 3_600_000).toISOString(),
      side: 'RU',
    });
    await testStore.store.upsertItems([hostile], now);
    expect(idOf(hostile)).toBeTruthy();

    app = await buildApp({ store: testStore.store, clientDir: outDir });
    await app.auth.createUser({ username: 'e2e-analyst', role: 'analyst', password: TEST_PASSWORD }, SYSTEM);
    await app.auth.createUser({ username: 'e2e-viewer', role: 'viewer', password: TEST_PASSWORD }, SYSTEM);
    base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'e2e-analyst', password: TEST_PASSWORD }),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

    // launch + newContext: every context gets a fresh, temporary profile.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, colorScheme: 'light' });
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/iu.test(message.text())) cspViolations.push(message.text());
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== base || url.pathname === '/x') strayRequests.push(request.url());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await testStore?.dispose();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  async function signInAs(target: Page, username: string): Promise<void> {
    await target.getByTestId('login-username').fill(username);
    await target.getByTestId('login-password').fill(TEST_PASSWORD);
    await target.getByTestId('login-submit').click();
  }

  it('asks for sign-in first, then shows the overview with the API’s numbers', async () => {
    await page.goto(`${base}/?${rangeQuery}`);
    await page.waitForURL(/\/login\?redirect=/u);
    await signInAs(page, 'e2e-analyst');
    await page.waitForURL((url) => url.pathname === '/');

    const sides = await api<{ total: number; buckets: unknown[] }>(`/analytics/terms?field=side&size=50&from=${from}&to=${to}`);
    const sources = await api<{ buckets: unknown[] }>(`/analytics/terms?field=source&size=500&from=${from}&to=${to}`);
    const items = page.getByTestId('counter-items').locator('.num');
    await items.waitFor();
    expect(Number(await items.getAttribute('data-exact'))).toBe(sides.total);
    expect(sides.total).toBeGreaterThan(1000);
    expect(Number(await page.getByTestId('counter-sources').locator('.num').getAttribute('data-exact'))).toBe(
      sources.buckets.length,
    );
    expect(Number(await page.getByTestId('counter-sides').locator('.num').getAttribute('data-exact'))).toBe(sides.buckets.length);
    // The compact display carries the exact value as its tooltip.
    expect(await items.getAttribute('title')).toBe(sides.total.toLocaleString('en-US'));
  });

  it('draws the stacked timeline with one series per side present', async () => {
    const timeline = await api<{ interval: string; buckets: { split: Record<string, number> }[] }>(
      `/analytics/timeline?interval=hour&split=side&from=${from}&to=${to}`,
    );
    const sidesPresent = new Set(
      timeline.buckets.flatMap((b) =>
        Object.entries(b.split)
          .filter(([, n]) => n > 0)
          .map(([s]) => s),
      ),
    );
    const chart = page.getByTestId('timeline');
    await chart.locator('canvas').first().waitFor();
    expect(Number(await chart.getAttribute('data-series'))).toBe(sidesPresent.size);
    expect(sidesPresent.size).toBeGreaterThanOrEqual(4);
    await page.getByTestId('heatmap').locator('canvas').first().waitFor();
    await expect.poll(() => page.locator('.release-row').count()).toBeGreaterThan(0);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });
  });

  it('says live updates are unavailable (and polls) while the server has no live push', async () => {
    const status = page.getByTestId('live-status');
    await expect
      .poll(async () => status.textContent(), { timeout: 15_000 })
      .toMatch(/^(Live|Live updates unavailable \(polling\))$/u);
  });

  it('lands on Search with the side and frame of a clicked heatmap cell', async () => {
    const canvas = page.getByTestId('heatmap').locator('canvas').first();
    const box = (await canvas.boundingBox())!;
    await canvas.click({ position: { x: box.width * 0.55, y: box.height * 0.35 } });
    await page.waitForURL((url) => url.pathname === '/search');
    const url = new URL(page.url());
    const side = url.searchParams.get('side');
    const frame = url.searchParams.get('frame');
    expect(side).toMatch(/^[A-Z]+$/u);
    expect(frame).toMatch(/^[a-z_]+$/u);
    expect(url.searchParams.get('range')).toBe('custom');
    const expected = await api<{ total: number }>(`/search?side=${side}&frame=${frame}&from=${from}&to=${to}&limit=1`);
    await expect
      .poll(() => page.getByTestId('search-total').locator('.num').getAttribute('data-exact'))
      .toBe(String(expected.total));
    const shownSides = await page.locator('[data-testid=item] .side-tag').allTextContents();
    expect(shownSides.length).toBeGreaterThan(0);
    expect(new Set(shownSides)).toEqual(new Set([side]));
  });

  it('highlights matches as <mark> and shows hostile markup as literal text', async () => {
    await page.goto(`${base}/search?range=7d&q=zebrafinch`);
    const result = page.getByTestId('item').first();
    await result.waitFor();
    expect(await result.locator('mark').allTextContents()).toContain('zebrafinch');
    expect(await result.locator('.item-title').textContent()).toContain('<img src=x onerror="window.__xss=1">');
    expect(await result.locator('img').count()).toBe(0);
    await result.locator('.item-title').click();
    await page.getByTestId('item-body').waitFor();
    expect(await page.getByTestId('item-body').textContent()).toContain('<script>window.__xss=2</script>');
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(strayRequests).toEqual([]);
    // The dashboard works under the server's strict policy (no inline script or style).
    expect(cspViolations).toEqual([]);
  });

  it('keeps the time range and filters through a reload via the URL', async () => {
    await page.goto(`${base}/search?range=30d`);
    await page.getByTestId('search-q').fill('полонених');
    await page.getByTestId('filter-side').selectOption('UA');
    await page.getByTestId('filter-platform').selectOption('telegram');
    await page.getByTestId('search-submit').click();
    await page.waitForURL(/side=UA/u);
    const expected = await api<{ total: number }>(
      `/search?q=${encodeURIComponent('полонених')}&side=UA&platform=telegram&range=30d&limit=1`.replace('&range=30d', ''),
    );
    const shownTotal = () => page.getByTestId('search-total').locator('.num').getAttribute('data-exact');
    await expect.poll(shownTotal).not.toBeNull();
    const beforeReload = await shownTotal();
    await page.reload();
    await expect.poll(shownTotal).toBe(beforeReload);
    const url = new URL(page.url());
    expect([
      url.searchParams.get('range'),
      url.searchParams.get('q'),
      url.searchParams.get('side'),
      url.searchParams.get('platform'),
    ]).toEqual(['30d', 'полонених', 'UA', 'telegram']);
    expect(await page.getByTestId('filter-side').inputValue()).toBe('UA');
    expect(await page.getByTestId('filter-platform').inputValue()).toBe('telegram');
    expect(await page.getByTestId('search-q').inputValue()).toBe('полонених');
    expect(await page.getByTestId('range-label').textContent()).toBe('Last 30 days');
    expect(await page.getByTestId('range-30d').getAttribute('aria-pressed')).toBe('true');
    // All demo data lies within the last 30 days, so the range-less API count is the same set.
    expect(Number(beforeReload)).toBe(expected.total);
    expect(expected.total).toBeGreaterThan(0);
    expect(new Set(await page.locator('[data-testid=item] .side-tag').allTextContents())).toEqual(new Set(['UA']));
    expect(await page.locator('[data-testid=item] mark').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'search.png'), fullPage: false });
  });

  it('toggles the dark theme and keeps it', async () => {
    await page.goto(`${base}/?range=7d`);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.getByTestId('theme-toggle').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await background()).not.toBe(light);
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByTestId('timeline').locator('canvas').first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SCREENSHOTS, 'overview-dark.png'), fullPage: true });
  });

  it('hides source editing from viewers', async () => {
    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    try {
      await viewer.goto(`${base}/sources`);
      await viewer.waitForURL(/\/login/u);
      await signInAs(viewer, 'e2e-viewer');
      await viewer.getByTestId('sources-table').waitFor();
      expect(await viewer.getByTestId('add-source').count()).toBe(0);
      expect(await viewer.getByRole('button', { name: /^Edit / }).count()).toBe(0);
      expect(await viewer.locator('.badge-demo').count()).toBeGreaterThan(0);
      await page.goto(`${base}/sources`);
      await page.getByTestId('sources-table').waitFor();
      expect(await page.getByTestId('add-source').count()).toBe(1);
    } finally {
      await viewerContext.close();
    }
  });

  it('shows "not available yet" for views whose API does not exist', async () => {
    await page.goto(`${base}/briefings`);
    await expect.poll(() => page.locator('.state-unavailable').textContent()).toContain('Not available yet');
  });
});
