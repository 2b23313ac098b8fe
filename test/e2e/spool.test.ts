/**
 * The store-status banner in real Chromium against the real server: a SQLite store whose item writes
 * are refused as unreachable while `outage.down` is set (reads and sign-in keep working), and the
 * on-disk ingest spool in front of it. Ingested items are spooled; the banner shows the outage and
 * the spool's depth on every view; once the store takes writes again the spool drains, the banner
 * goes away and the items are searchable.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { SYSTEM } from '../../server/auth/service.js';
import type { ItemInput } from '../../server/domain/schemas.js';
import type { Store } from '../../server/store/port.js';
import { formatTime, utcTitle } from '../../client/src/lib/format.js';
import { sqliteTestStore, withOutage, type TestStore } from '../helpers/stores.js';
import { TEST_PASSWORD, sessionCookieOver } from '../helpers/auth.js';
import { CHROMIUM, haveChromium, launchChromium } from '../helpers/chromium.js';

if (!haveChromium) console.warn(`spool e2e skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);

const SCREENSHOTS = join(import.meta.dirname, 'screenshots');
const ZONE = 'Europe/Kyiv';
const TAG = 'kestrelspool';
/** More than a thousand, so the count is shown with its thousands separator. */
const COUNT = 1_234;
/** One poll interval (10 s) and some: the banner follows /readyz, not the ingest. */
const BANNER_TIMEOUT = 15_000;

function spoolItems(count: number): ItemInput[] {
  return Array.from({ length: count }, (_, i) => ({
    platform: 'telegram' as const,
    sourceId: `spool-e2e`,
    externalId: `${TAG}-${i}`,
    kind: 'post' as const,
    side: 'UA' as const,
    title: `Spooled item ${i}`,
    text: `Item ${i} about the ${TAG} exchange, collected while the store was unreachable.`,
    lang: 'en',
    publishedAt: new Date(Date.now() - 3_600_000).toISOString(),
  }));
}

describe.skipIf(!haveChromium)('store-status banner in Chromium', () => {
  let outDir: string;
  let spoolDir: string;
  let testStore: TestStore;
  let outage: { store: Store; state: { down: boolean } };
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cookie: string;
  let ingestToken: string;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'framewatch-client-'));
    await build({
      configFile: join(import.meta.dirname, '../../client/vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    spoolDir = mkdtempSync(join(tmpdir(), 'framewatch-e2e-spool-'));
    testStore = await sqliteTestStore();
    outage = withOutage(testStore.store);
    app = await buildApp({
      store: outage.store,
      clientDir: outDir,
      spool: { dir: spoolDir, maxBytes: 64 * 1024 * 1024, retryMinMs: 50, retryMaxMs: 200 },
    });
    ingestToken = (await app.auth.createToken({ label: 'e2e-spool-ingest', scopes: ['ingest'] }, SYSTEM)).secret;
    await app.auth.createUser({ username: 'e2e-analyst', role: 'analyst', password: TEST_PASSWORD }, SYSTEM);
    base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    cookie = await sessionCookieOver(base, 'e2e-analyst');

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light', timezoneId: ZONE });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await testStore?.dispose();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  });

  const banner = () => page.getByTestId('store-status');

  it('shows no banner while the store takes writes', async () => {
    const firstPoll = page.waitForResponse((response) => response.url().endsWith('/readyz'), { timeout: BANNER_TIMEOUT });
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login\?redirect=/u);
    await page.getByTestId('login-username').fill('e2e-analyst');
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('heading', { level: 1 }).waitFor();
    // The first poll (the page asks right away) has answered that nothing is wrong.
    expect((await firstPoll).status()).toBe(200);
    expect(await banner().count()).toBe(0);
    // The live region is there before anything happens, so screen readers announce what appears in it.
    expect(await page.locator('[role="status"][aria-live="polite"]').count()).toBeGreaterThan(0);
  });

  it('shows the outage and the spooled count on the overview, and on the sign-in page', async () => {
    outage.state.down = true;
    const items = spoolItems(COUNT);
    let spooled = 0;
    for (let start = 0; start < items.length; start += 500) {
      const res = await fetch(`${base}/api/v1/items`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(items.slice(start, start + 500)),
      });
      expect(res.status).toBe(202);
      spooled += ((await res.json()) as { spooled: number }).spooled;
    }
    expect(spooled).toBe(COUNT);
    const ready = (await (await fetch(`${base}/readyz`)).json()) as {
      spool: { items: number; bytes: number; storeDownSince: string | null };
    };
    expect(ready.spool.items).toBe(COUNT);
    const since = ready.spool.storeDownSince;
    expect(since).not.toBeNull();

    // The page is not reloaded: the banner comes from its own polling (every 10 s).
    await banner().waitFor({ timeout: BANNER_TIMEOUT });
    const shown = await banner().innerText();
    expect(shown).toContain('Store unreachable since');
    // The user's zone as the browser names it (Chromium's ICU may still call Europe/Kyiv "Europe/Kiev").
    const browserZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(browserZone).toMatch(/^Europe\/Ki/u);
    expect(shown).toContain(formatTime(since!, 'local', browserZone));
    expect(shown).toContain('1,234 items waiting in the spool');
    expect(shown).toMatch(/\(\d+(\.\d)? (KB|MB) of 64 MB\)/u);
    expect(shown).not.toContain('Spool full');
    expect(await banner().locator('time').getAttribute('title')).toBe(utcTitle(since!));
    expect(await page.locator('[role="status"][aria-live="polite"]', { has: banner() }).count()).toBe(1);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'store-outage.png'), fullPage: false });

    // Signed out, the sign-in page says it too (sign-in needs the store as well).
    const visitor = await browser.newContext({ viewport: { width: 1000, height: 700 }, timezoneId: ZONE, colorScheme: 'dark' });
    try {
      const loginPage = await visitor.newPage();
      await loginPage.goto(`${base}/login`);
      const onLogin = loginPage.getByTestId('store-status');
      await onLogin.waitFor({ timeout: BANNER_TIMEOUT });
      expect(await onLogin.innerText()).toContain('1,234 items waiting in the spool');
      await loginPage.screenshot({ path: join(SCREENSHOTS, 'store-outage-login-dark.png'), fullPage: false });
    } finally {
      await visitor.close();
    }
  });

  it('goes away once the store is back and the spool has drained, and the items are searchable', async () => {
    expect(await banner().count()).toBe(1);
    outage.state.down = false;
    await expect.poll(() => app.spool?.status().items, { timeout: 10_000, interval: 50 }).toBe(0);
    await banner().waitFor({ state: 'detached', timeout: BANNER_TIMEOUT });

    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await fetch(`${base}/api/v1/search?q=${TAG}&from=${from}&to=${to}&limit=1`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { total: number }).total).toBe(COUNT);
    // And in the dashboard's own search.
    await page.goto(`${base}/search?range=7d&q=${TAG}`);
    await page.getByText('Spooled item', { exact: false }).first().waitFor({ timeout: 15_000 });
    expect(await banner().count()).toBe(0);
  });
});
