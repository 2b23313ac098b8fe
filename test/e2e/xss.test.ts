/**
 * XSS payloads through every field the dashboard shows, in real Chromium: source names, release
 * titles, item titles and texts (and their search snippets), alert rule names and alert summaries,
 * saved view names, event marker labels, briefing titles and summaries. On every page no script
 * runs (window.__xss stays undefined), no dialog opens and nothing requests the payloads' URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { SYSTEM } from '../../server/auth/service.js';
import { anItem, idOf } from '../helpers/factories.js';
import { sqliteTestStore, type TestStore } from '../helpers/stores.js';
import { TEST_PASSWORD } from '../helpers/auth.js';
import { haveChromium, launchChromium } from '../helpers/chromium.js';

describe.skipIf(!haveChromium)('XSS payloads in every displayed field (Chromium)', () => {
  let outDir: string;
  let testStore: TestStore;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let page: Page;
  let trap: Server;
  let trapOrigin = '';
  const trapHits: string[] = [];
  const dialogs: string[] = [];
  const trapRequests: string[] = [];
  let releaseId = '';
  let itemId = '';
  let briefingId = '';

  /** A payload naming its field, with a canary word to find it on the page; the long form when it fits. */
  const payload = (field: string, max = 200) => {
    const short = `xsscanary ${field} <img src=${trapOrigin}/${field} onerror=window.__xss=1><svg onload=window.__xss=2>`;
    const long = `${short}<script>window.__xss=3</script>"><iframe src="javascript:window.__xss=4"></iframe>`;
    return long.length <= max ? long : short;
  };

  beforeAll(async () => {
    trap = createServer((req, res) => {
      trapHits.push(req.url ?? '');
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapOrigin = `http://127.0.0.1:${(trap.address() as { port: number }).port}`;

    outDir = mkdtempSync(join(tmpdir(), 'framewatch-client-xss-'));
    await build({
      configFile: join(import.meta.dirname, '../../client/vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    testStore = await sqliteTestStore();
    app = await buildApp({ store: testStore.store, clientDir: outDir });
    const { secret } = await app.auth.createToken({ label: 'xss-admin', scopes: ['admin'] }, SYSTEM);
    const admin = async (method: string, url: string, body?: unknown) => {
      const res = await app.inject({
        method: method as 'POST',
        url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${secret}` },
        ...(body !== undefined && { payload: body as object }),
      });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json() as Record<string, unknown>;
    };
    await app.auth.createUser({ username: 'xss-analyst', role: 'analyst', password: TEST_PASSWORD }, SYSTEM);

    const now = Date.now();
    await admin('POST', '/sources', {
      id: 'hostile-source',
      platform: 'telegram',
      handle: 'hostile',
      name: payload('source-name'),
      side: 'RU',
      type: 'channel',
      releaseSource: true,
    });
    // Stored as a hostile source would send it if sanitizing on ingest ever failed.
    const original = anItem({
      sourceId: 'hostile-source',
      side: 'RU',
      kind: 'video',
      title: payload('release-title'),
      text: `The xsscanary interrogation ${payload('item-text')}`,
      publishedAt: new Date(now - 3 * 3_600_000).toISOString(),
    });
    original.releaseId = idOf(original);
    const copy = anItem({
      sourceId: 'hostile-copy',
      side: 'UA',
      title: payload('item-title'),
      text: `A copy of the xsscanary video ${payload('snippet')}`,
      links: [`https://example.org/?q=${payload('item-link')}`],
      releaseId: original.releaseId,
      publishedAt: new Date(now - 2 * 3_600_000).toISOString(),
    });
    await testStore.store.upsertItems([original, copy], new Date(now - 3_600_000));
    releaseId = original.releaseId;
    itemId = idOf(copy);

    // A keyword rule with a hostile name and query, fired by an item arriving through the API.
    await admin('POST', '/alerts/rules', {
      name: payload('rule-name'),
      type: 'keyword',
      filter: { query: `xsscanary "<img src=${trapOrigin}/alert-query.png onerror=window.__xss=1>"` },
      cooldownSec: 0,
    });
    await admin('POST', '/items', [
      anItem({
        title: 'xsscanary img src alert query onerror window xss',
        text: 'xsscanary img src alert query onerror window xss 1',
      }),
    ]);
    await app.alerts.drain();

    await admin('POST', '/saved-views', {
      name: payload('view-name', 120),
      kind: 'search',
      query: { q: 'xsscanary' },
      shared: true,
    });
    await admin('POST', '/markers', {
      at: new Date(now - 5 * 3_600_000).toISOString(),
      label: payload('marker', 120),
      description: payload('marker-description'),
    });
    const briefing = await admin('POST', '/briefings', {
      from: new Date(now - 7 * 86_400_000).toISOString(),
      to: new Date(now + 3_600_000).toISOString(),
      title: payload('briefing-title'),
    });
    briefingId = String(briefing.id);
    await admin('PATCH', `/briefings/${briefingId}`, {
      summary: payload('briefing-summary'),
      releaseNotes: { [releaseId]: payload('release-note') },
    });

    base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('request', (request) => {
      if (request.url().startsWith(trapOrigin)) trapRequests.push(request.url());
    });
    await page.goto(`${base}/login`);
    await page.getByTestId('login-username').fill('xss-analyst');
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => url.pathname === '/');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await new Promise((resolve) => trap?.close(resolve));
    await testStore?.dispose();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /** Opens the page, waits until the fields named show as literal text, and checks nothing ran. */
  async function visit(path: string, fields: string[]): Promise<void> {
    await page.goto(`${base}${path}`);
    // A field name, or (alert summaries, which quote the rule's query) literal markup to find.
    for (const needle of fields.map((f) => (f.startsWith('<') ? f : `xsscanary ${f}`))) {
      // Shown as text, or as the value of a form field (a draft's summary is edited in place).
      await page.waitForFunction(
        (needle) =>
          document.body.innerText.includes(needle) ||
          Array.from(document.querySelectorAll('textarea, input, option')).some((e) =>
            ((e as HTMLTextAreaElement).value || e.textContent || '').includes(needle),
          ),
        needle,
        { timeout: 15_000 },
      );
    }
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), path).toBeUndefined();
    expect(await page.locator('img[onerror], svg[onload], iframe, script:not([src])').count(), path).toBe(0);
    expect(dialogs, path).toEqual([]);
    expect(trapRequests, path).toEqual([]);
    expect(trapHits, path).toEqual([]);
  }

  it.each([
    ['/sources', ['source-name']],
    ['/releases', ['release-title']],
    ['/search?q=xsscanary', ['snippet']],
    ['/alerts', ['<img src=']],
    ['/alerts/rules', ['rule-name']],
    ['/saved-views', ['view-name']],
    ['/markers', ['marker']],
    ['/briefings', ['briefing-title']],
  ] as const)('%s shows the payloads as text', async (path, fields) => {
    await visit(path, [...fields]);
  });

  it('a release, an item and a briefing page show the payloads as text', async () => {
    await visit(`/releases/${encodeURIComponent(releaseId)}`, ['release-title']);
    await visit(`/items/${encodeURIComponent(itemId)}`, ['item-title', 'snippet', 'item-link']);
    await visit(`/briefings/${encodeURIComponent(briefingId)}`, ['briefing-summary']);
    // The overview: markers on the timeline, releases and alerts in their panels.
    await visit('/', []);
  });
});
