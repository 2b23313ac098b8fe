/**
 * Alerts benchmark (issue 6): latency from ingest to webhook received with 100 active rules at
 * 200 items/s (target p95 <= 1 s), against the same run's ingest answer time (POST sent -> 200);
 * and evaluation cost per item and rule, against tokenizing the item alone (done once per item).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import { SYSTEM } from '../../server/auth/service.js';
import { compileRuleFilter } from '../../server/alerts/rules.js';
import { itemTokens } from '../../server/live/filter.js';
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.js';
import { summarize, type Summary } from './measure.js';

export interface AlertFigures {
  rules: number;
  ratePerSec: number;
  items: number;
  /** POST sent -> webhook received, per probe item. */
  latency: Summary;
  /** POST sent -> 200 answer (the same requests). */
  ingestAck: Summary;
  missing: number;
  /** Matching one item against one rule (ns), and tokenizing one item (ns, the baseline). */
  evalNsPerItemRule: number;
  tokenizeNsPerItem: number;
}

const WORDS = ['exchange', 'prisoners', 'soldiers', 'kursk', 'video', 'statement', 'captured', 'offer', 'denial', 'front'];

export async function alertsBench(options: {
  rules: number;
  rate: number;
  seconds: number;
  log: (line: string) => void;
}): Promise<AlertFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'framewatch-bench-alerts-'));
  const store = new SqliteStore({ file: join(dir, 'bench.sqlite') });
  await store.init();
  const received = new Map<string, number>();
  const hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alert: { itemIds: string[] } };
      for (const id of body.alert.itemIds) if (!received.has(id)) received.set(id, at);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  const app = await buildApp({
    store,
    alerts: {
      webhookAllowPrivateHosts: ['127.0.0.1'],
      delivery: { timeoutMs: 5000, retries: 0, retryBaseMs: 100, maxRetryDelayMs: 1000 },
    },
  });
  const { secret } = await app.auth.createToken({ label: 'bench', scopes: ['admin'] }, SYSTEM);
  const headers = { authorization: `Bearer ${secret}` };
  try {
    // One probe rule delivers every probe item to the webhook; the other rules are realistic
    // keyword and new_release rules that mostly do not match, and all of them are evaluated.
    const bodies = [
      {
        name: 'probe',
        type: 'keyword',
        filter: { query: 'benchprobe' },
        cooldownSec: 0,
        channels: { dashboard: true, webhooks: [hookUrl] },
      },
      ...Array.from({ length: options.rules - 1 }, (_, n) =>
        n % 4 === 0
          ? { name: `release ${n}`, type: 'new_release', filter: { sides: ['UA'], kinds: ['video'] }, cooldownSec: 600 }
          : {
              name: `keyword ${n}`,
              type: 'keyword',
              filter: {
                query: `${WORDS[n % WORDS.length]} ${WORDS[(n * 3 + 1) % WORDS.length]}`,
                sides: n % 3 ? ['RU', 'UA'] : undefined,
              },
              cooldownSec: 600,
            },
      ),
    ];
    for (const body of bodies) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/alerts/rules', headers, payload: body });
      if (res.statusCode !== 201) throw new Error(`rule not created: ${res.body}`);
    }
    const total = options.rate * options.seconds;
    const perTick = Math.max(1, Math.round(options.rate / 10));
    options.log(`Alerts: ${options.rules} rules, ${options.rate} items/s for ${options.seconds} s (webhook on loopback)`);
    const sent = new Map<string, number>();
    const acks: number[] = [];
    const requests: Promise<void>[] = [];
    let seq = 0;
    const start = performance.now();
    for (let tick = 0; seq < total; tick++) {
      const due = start + tick * 100;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const batch = Array.from({ length: Math.min(perTick, total - seq) }, () => {
        const n = seq++;
        return {
          platform: 'telegram',
          sourceId: `bench-${n % 50}`,
          externalId: `m-${n}`,
          kind: n % 10 === 0 ? 'video' : 'post',
          side: n % 2 ? 'RU' : 'UA',
          text: `benchprobe ${WORDS[n % WORDS.length]} ${WORDS[(n * 7) % WORDS.length]} message ${n}`,
          publishedAt: new Date().toISOString(),
        };
      });
      const t0 = performance.now();
      requests.push(
        app.inject({ method: 'POST', url: '/api/v1/items', headers, payload: batch }).then((res) => {
          if (res.statusCode !== 200) throw new Error(`ingest failed: ${res.statusCode}`);
          acks.push(performance.now() - t0);
          for (const r of (res.json() as { results: { id: string }[] }).results) sent.set(r.id, t0);
        }),
      );
    }
    await Promise.all(requests);
    await app.alerts.drain();
    const latencies: number[] = [];
    for (const [id, t0] of sent) {
      const at = received.get(id);
      if (at !== undefined) latencies.push(at - t0);
    }

    // Evaluation cost: every rule's matcher over a sample of items, tokens shared per item as in evaluation.
    const matchers = bodies.map((b) => compileRuleFilter((b.filter ?? {}) as Parameters<typeof compileRuleFilter>[0]));
    const sample = (await store.searchItems({ filter: {}, sort: 'time', limit: 1000 })).hits.map((h) => h.item);
    const rounds = 5;
    let t = performance.now();
    for (let r = 0; r < rounds; r++) for (const item of sample) itemTokens(item)();
    const tokenizeNs = ((performance.now() - t) * 1e6) / (rounds * sample.length);
    t = performance.now();
    for (let r = 0; r < rounds; r++) {
      for (const item of sample) {
        const tokens = itemTokens(item);
        for (const m of matchers) m.matches(item, tokens);
      }
    }
    const evalNs = ((performance.now() - t) * 1e6) / (rounds * sample.length * matchers.length);
    return {
      rules: options.rules,
      ratePerSec: options.rate,
      items: total,
      latency: summarize(latencies),
      ingestAck: summarize(acks),
      missing: sent.size - latencies.length,
      evalNsPerItemRule: evalNs,
      tokenizeNsPerItem: tokenizeNs,
    };
  } finally {
    await app.close();
    await store.close();
    hook.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
