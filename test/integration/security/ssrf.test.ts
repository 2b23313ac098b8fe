/**
 * SSRF through every URL a user can configure: source URLs (run now) and alert webhooks (rule
 * creation and delivery). A loopback "victim" server records every request; none may reach it.
 * Only one other loopback server, the "allowed" one, is on the allow lists, and its redirects to
 * the victim (or to other internal addresses) are refused too.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, type PipelineStatus } from '../../../server/events/bus.js';
import { buildTestApp, type Inject } from '../../helpers/auth.js';
import { anItem } from '../../helpers/factories.js';
import { sqliteTestStore, type TestStore } from '../../helpers/stores.js';
import { startServer, type TestServer } from '../collectors/server.js';

let victim: TestServer;
let allowed: TestServer;
let victimPort = '';

/** Internal targets in the spellings an attacker would try, all aimed at the victim's port. */
function internalUrls(path: string): Record<string, string> {
  const p = victimPort;
  return {
    loopback: `http://127.0.0.1:${p}${path}`,
    'loopback /8': `http://127.1.2.3:${p}${path}`,
    'metadata address': `http://169.254.169.254${path}`,
    'IPv6 loopback': `http://[::1]:${p}${path}`,
    'localhost by name': `http://localhost:${p}${path}`,
    'a subdomain of localhost': `http://fw.localhost:${p}${path}`,
    'decimal IPv4': `http://2130706433:${p}${path}`,
    'octal IPv4': `http://0177.0.0.1:${p}${path}`,
    'hex IPv4': `http://0x7f.0.0.1:${p}${path}`,
    'short IPv4': `http://127.1:${p}${path}`,
    'IPv4-mapped IPv6': `http://[::ffff:127.0.0.1]:${p}${path}`,
    'IPv4-mapped IPv6 (hex)': `http://[::ffff:7f00:1]:${p}${path}`,
    'unspecified address': `http://0.0.0.0:${p}${path}`,
    'private 10/8': `http://10.0.0.1:${p}${path}`,
    'trailing dot': `http://localhost.:${p}${path}`,
  };
}

beforeAll(async () => {
  victim = await startServer();
  victimPort = victim.host.split(':')[1] ?? '';
  victim.route('/feed', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end('<rss><channel><title>secret</title><item><title>internal</title></item></channel></rss>');
  });
  victim.route('/hook', (_req, res) => void res.writeHead(200).end('ok'));
  allowed = await startServer();
  // The allowed host redirects each request to the internal URL named in ?to=.
  allowed.route('/redirect', (_req, res, url) => void res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end());
});
afterAll(async () => {
  await victim?.close();
  await allowed?.close();
});

describe('SSRF through source URLs (run now)', () => {
  let test: TestStore;
  let app: FastifyInstance;
  let inject: Inject;
  const bus = new EventBus();

  beforeAll(async () => {
    test = await sqliteTestStore();
    ({ app, inject } = await buildTestApp(test.store, { bus, collection: { allowPrivateHosts: [allowed.host] } }));
  });
  afterAll(async () => {
    await app?.close();
    await test?.dispose();
  });

  let n = 0;
  /** Creates an RSS source at the URL and runs it; the run's final status (or the creation refusal). */
  async function runSourceAt(url: string): Promise<{ refusedAt: 'create' | 'run'; message: string }> {
    const id = `ssrf-${++n}`;
    const created = await inject({
      method: 'POST',
      url: '/api/v1/sources',
      payload: { id, platform: 'rss', name: `SSRF ${n}`, side: 'INTL', type: 'media', url },
    });
    if (created.statusCode === 400) return { refusedAt: 'create', message: created.body };
    expect(created.statusCode, created.body).toBe(201);
    const done = new Promise<PipelineStatus>((resolve) => {
      const off = bus.on('pipeline:status', (s) => {
        if (s.sourceId === id && s.state !== 'running') {
          off();
          resolve(s);
        }
      });
    });
    const run = await inject({ method: 'POST', url: `/api/v1/sources/${id}/run` });
    expect(run.statusCode, run.body).toBe(202);
    const status = await done;
    expect(status.state, `${url} was fetched`).toBe('failed');
    const source = await test.store.getSource(id);
    expect(source?.lastRunStatus).toBe('failed');
    return { refusedAt: 'run', message: source?.lastError ?? '' };
  }

  it('refuses every internal spelling of the victim, with a clear error, and nothing reaches it', async () => {
    // Concurrently: distinct hosts do not wait for each other's politeness delay.
    const outcomes = await Promise.all(
      Object.entries(internalUrls('/feed')).map(async ([what, url]) => ({ what, url, outcome: await runSourceAt(url) })),
    );
    for (const { what, url, outcome } of outcomes) {
      if (outcome.refusedAt === 'run') {
        // Blocked, not merely failed: the message says the address is refused (or, for *.localhost on
        // resolvers that do not map it to loopback, that the name does not resolve).
        expect(outcome.message, `${what}: ${url}`).toMatch(
          /block|refus|private|loopback|metadata|link-?local|unspecified|reserved|address|ENOTFOUND/iu,
        );
      }
    }
    expect(victim.requests).toEqual([]);
  }, 60_000);

  it('refuses redirects from an allowed host to internal addresses', async () => {
    const before = allowed.requests.length;
    // Every hop through the allowed host waits for its politeness delay (1 s): a representative subset.
    const subset = ['loopback', 'IPv6 loopback', 'localhost by name', 'metadata address', 'decimal IPv4', 'IPv4-mapped IPv6'];
    const targets = Object.entries(internalUrls('/feed')).filter(([what]) => subset.includes(what));
    expect(targets).toHaveLength(subset.length);
    for (const [what, target] of targets) {
      const outcome = await runSourceAt(`${allowed.url}/redirect?to=${encodeURIComponent(target)}`);
      expect(outcome.refusedAt, what).toBe('run');
      expect(outcome.message, `${what}: ${target}`).toMatch(/block|refus|private|loopback|metadata|address|redirect|ENOTFOUND/iu);
    }
    // The allowed host was asked; the victim never was.
    expect(allowed.requests.length).toBeGreaterThan(before);
    expect(victim.requests).toEqual([]);
  }, 60_000);

  it('refuses non-http schemes', async () => {
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1:70/', 'ftp://127.0.0.1/', 'data:text/plain,x']) {
      await runSourceAt(url);
    }
    expect(victim.requests).toEqual([]);
  });
});

describe('SSRF through alert webhooks', () => {
  let test: TestStore;

  beforeAll(async () => {
    test = await sqliteTestStore();
  });
  afterAll(async () => {
    await test?.dispose();
  });

  it('refuses every internal spelling when a rule is created or changed', async () => {
    const t = await buildTestApp(test.store);
    try {
      for (const [what, url] of Object.entries(internalUrls('/hook'))) {
        const res = await t.inject({
          method: 'POST',
          url: '/api/v1/alerts/rules',
          payload: { name: `Hook ${what}`, type: 'keyword', filter: { query: 'x' }, channels: { webhooks: [url] } },
        });
        expect(res.statusCode, `${what}: ${url} ${res.body}`).toBe(400);
        expect(res.json()).toMatchObject({
          error: { code: 'validation_failed', message: expect.stringContaining('body/channels/webhooks/0') },
        });
      }
      const ok = await t.inject({
        method: 'POST',
        url: '/api/v1/alerts/rules',
        payload: {
          name: 'Public hook',
          type: 'keyword',
          filter: { query: 'x' },
          channels: { webhooks: ['https://hooks.example.com/x'] },
        },
      });
      expect(ok.statusCode, ok.body).toBe(201);
      const id = (ok.json() as { id: string }).id;
      const patched = await t.inject({
        method: 'PATCH',
        url: `/api/v1/alerts/rules/${id}`,
        payload: { channels: { webhooks: [`http://[::ffff:127.0.0.1]:${victimPort}/hook`] } },
      });
      expect(patched.statusCode, patched.body).toBe(400);
      for (const url of ['file:///etc/passwd', `http://user:pw@127.0.0.1:${victimPort}/hook`]) {
        const res = await t.inject({
          method: 'POST',
          url: '/api/v1/alerts/rules',
          payload: { name: 'Hook', type: 'keyword', filter: { query: 'x' }, channels: { webhooks: [url] } },
        });
        expect(res.statusCode, url).toBe(400);
      }
    } finally {
      await t.app.close();
    }
    expect(victim.requests).toEqual([]);
  });

  it('refuses delivery to internal addresses (a rule stored while they were allowed, or a name that now resolves to loopback)', async () => {
    // Created while the victim was on the allow list ...
    const targets = [`http://127.0.0.1:${victimPort}/hook`, `http://localhost:${victimPort}/hook`];
    const permissive = await buildTestApp(test.store, {
      alerts: { webhookAllowPrivateHosts: [victim.host, `localhost:${victimPort}`] },
    });
    const created = await permissive.inject({
      method: 'POST',
      url: '/api/v1/alerts/rules',
      payload: {
        name: 'Was allowed',
        type: 'keyword',
        filter: { query: 'ssrfcanary' },
        cooldownSec: 0,
        channels: { webhooks: targets },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    await permissive.app.close();

    // ... delivered by a server whose allow list no longer has it.
    const strict = await buildTestApp(test.store, {
      alerts: { delivery: { timeoutMs: 1000, retries: 1, retryBaseMs: 1, maxRetryDelayMs: 1 } },
    });
    try {
      const res = await strict.inject({ method: 'POST', url: '/api/v1/items', payload: [anItem({ text: 'ssrfcanary post' })] });
      expect(res.statusCode, res.body).toBe(200);
      await strict.app.alerts.drain();
      const alerts = await strict.inject({ method: 'GET', url: '/api/v1/alerts' });
      const [alert] = (alerts.json() as { alerts: { id: string }[] }).alerts;
      expect(alert, alerts.body).toBeDefined();
      const deliveries = await strict.inject({ method: 'GET', url: `/api/v1/alerts/${alert?.id ?? ''}/deliveries` });
      const list = (
        deliveries.json() as { deliveries: { target: string; status: string; attempts: { ok: boolean; error?: string }[] }[] }
      ).deliveries;
      expect(list.map((d) => d.target).sort()).toEqual([...targets].sort());
      for (const d of list) {
        expect(d.status, JSON.stringify(d)).toBe('failed');
        expect(
          d.attempts.every((a) => !a.ok && /refused|blocked|loopback|private/iu.test(a.error ?? '')),
          JSON.stringify(d),
        ).toBe(true);
      }
    } finally {
      await strict.app.close();
    }
    expect(victim.requests).toEqual([]);
  });
});
