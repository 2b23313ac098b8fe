/**
 * Delivery to real servers on loopback: webhooks signed with HMAC-SHA256 over the raw body, a
 * hanging or failing receiver that does not delay a healthy one, retries with backoff in the
 * delivery log, private addresses refused unless allowed, and email through a local SMTP server.
 */
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDelivery } from '../../../server/store/alerts/port.js';
import { buildTestApp, type TestApp } from '../../helpers/auth.js';
import { anItem } from '../../helpers/factories.js';
import { sqliteTestStore, type TestStore } from '../../helpers/stores.js';
import { receiver, type Receiver } from './helpers.js';

interface Mail {
  raw: string;
  to: string[];
}

async function smtpServer(): Promise<{ port: number; mails: Mail[]; close: () => Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ raw: Buffer.concat(chunks).toString('utf8'), to: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('alert delivery', () => {
  let test: TestStore;
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  const receivers: Receiver[] = [];
  const sleeps: number[] = [];

  beforeAll(async () => {
    test = await sqliteTestStore();
    smtp = await smtpServer();
    t = await buildTestApp(test.store, {
      alerts: {
        webhookAllowPrivateHosts: ['127.0.0.1'],
        smtp: {
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          requireTls: false,
          from: 'Framewatch <alerts@framewatch.test>',
        },
        delivery: {
          timeoutMs: 1500,
          retries: 3,
          retryBaseMs: 1000,
          maxRetryDelayMs: 60_000,
        },
      },
    });
    // Backoff is asserted, not waited for.
    (t.app.alerts.deliveries as unknown as { sleep: (ms: number) => Promise<void> }).sleep = async (ms) => {
      sleeps.push(ms);
    };
  });
  afterAll(async () => {
    await t?.app.close();
    await Promise.all(receivers.map((r) => r.close()));
    await smtp?.close();
    await test?.dispose();
  });

  it('signs webhook bodies, keeps a failing and a hanging receiver from delaying a healthy one, retries with backoff and logs attempts', async () => {
    const healthy = await receiver(200);
    const failing = await receiver((hit) => (hit < 3 ? 500 : 200));
    const hanging = await receiver('hang');
    receivers.push(healthy, failing, hanging);
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/alerts/rules',
      payload: {
        name: 'Hooks',
        type: 'keyword',
        filter: { query: 'hostile' },
        cooldownSec: 0,
        channels: { webhooks: [hanging.url, failing.url, healthy.url] },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { webhookSecret } = created.json() as { webhookSecret: string };
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/alerts/rules/${(created.json() as { id: string }).id}` })).json(),
    ).not.toHaveProperty('webhookSecret');

    const started = performance.now();
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/items',
      payload: [anItem({ text: 'A hostile <script>alert(1)</script> post' })],
    });
    expect(res.statusCode).toBe(200);
    const answered = performance.now() - started;
    // Ingest answers without waiting for any delivery.
    expect(answered).toBeLessThan(1000);
    await t.app.alerts.drain();

    expect(healthy.received).toHaveLength(1);
    const first = healthy.received[0];
    expect(first).toBeDefined();
    if (!first) return;
    // The healthy receiver got its call long before the hanging one timed out (1.5 s per attempt).
    expect(first.at - started).toBeLessThan(1000);
    const expected = `sha256=${createHmac('sha256', webhookSecret).update(first.body).digest('hex')}`;
    expect(first.headers['x-framewatch-signature']).toBe(expected);
    const body = JSON.parse(first.body) as { text: string; event: string; alert: { summary: string; link: string } };
    expect(body.event).toBe('alert.fired');
    expect(body.text).toContain('*Hooks*');
    expect(body.text).not.toContain('<script>');
    expect(body.alert.link).toMatch(/^\/search\?q=hostile/u);

    expect(failing.hits).toBe(3);
    expect(hanging.hits).toBe(4);
    const alertId = (JSON.parse(first.body) as { alert: { id: string } }).alert.id;
    const log = (await t.inject({ method: 'GET', url: `/api/v1/alerts/${alertId}/deliveries` })).json() as {
      deliveries: AlertDelivery[];
    };
    const byTarget = new Map(log.deliveries.map((d) => [d.target, d]));
    expect(byTarget.get(healthy.url)).toMatchObject({ status: 'delivered', attempts: [{ ok: true, statusCode: 200 }] });
    expect(byTarget.get(failing.url)?.status).toBe('delivered');
    expect(byTarget.get(failing.url)?.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    const hung = byTarget.get(hanging.url);
    expect(hung?.status).toBe('failed');
    expect(hung?.attempts).toHaveLength(4);
    expect(hung?.attempts.every((a) => !a.ok && /timed out/u.test(a.error ?? ''))).toBe(true);
    // Exponential backoff: 1 s, 2 s, 4 s between attempts (the failing receiver's two and the hanging one's three).
    expect([...sleeps].sort((a, b) => a - b)).toEqual([1000, 1000, 2000, 2000, 4000]);
  }, 30_000);

  it('refuses webhook URLs to private addresses unless allowed', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/alerts/rules',
      payload: { name: 'Bad hook', type: 'keyword', filter: { query: 'x' }, channels: { webhooks: ['http://10.0.0.5/hook'] } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'validation_failed', message: expect.stringContaining('body/channels/webhooks/0') },
    });
    const meta = await t.inject({
      method: 'POST',
      url: '/api/v1/alerts/rules',
      payload: {
        name: 'Bad hook',
        type: 'keyword',
        filter: { query: 'x' },
        channels: { webhooks: ['http://169.254.169.254/latest'] },
      },
    });
    expect(meta.statusCode).toBe(400);
    const local = await t.inject({
      method: 'POST',
      url: '/api/v1/alerts/rules',
      payload: { name: 'Bad hook', type: 'keyword', filter: { query: 'x' }, channels: { webhooks: ['http://localhost:9/hook'] } },
    });
    expect(local.statusCode).toBe(400);
  });

  it('emails an alert with text and HTML parts, collected content escaped in the HTML', async () => {
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/alerts/rules',
      payload: {
        name: 'Mail me',
        type: 'keyword',
        filter: { query: 'mailworthy' },
        cooldownSec: 0,
        channels: { emails: ['analyst@framewatch.test'] },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    await t.inject({
      method: 'POST',
      url: '/api/v1/items',
      // Ingest strips markup; what survives it (a bare <, &, quotes) must still be escaped in HTML.
      payload: [anItem({ title: 'mailworthy 1 < 2 & "quoted" <3', text: 'mailworthy text & more' })],
    });
    await t.app.alerts.drain();
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0];
    expect(mail?.to).toEqual(['analyst@framewatch.test']);
    const raw = (mail?.raw ?? '').replace(/=\r?\n/gu, '').replace(/=3D/gu, '=');
    expect(raw).toMatch(/Content-Type: text\/plain/iu);
    expect(raw).toMatch(/Content-Type: text\/html/iu);
    const htmlPart = raw.slice(raw.search(/Content-Type: text\/html/iu));
    expect(htmlPart).toContain('1 &lt; 2 &amp; &quot;quoted&quot; &lt;3');
    expect(htmlPart).not.toContain('1 < 2');
  });
});
