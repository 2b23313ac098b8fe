/** The alert repository gives the same answers on both adapters: rules, alerts paging and filters, deliveries. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertDelivery, AlertRule } from '../../server/store/alerts/port.js';
import type { Store } from '../../server/store/port.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../helpers/stores.js';

const T0 = Date.parse('2026-02-01T10:00:00.000Z');
const at = (sec: number) => new Date(T0 + sec * 1000).toISOString();

function aRule(n: number): AlertRule {
  return {
    id: `rule-${n}`,
    name: `Rule ${n}`,
    type: n % 2 ? 'keyword' : 'spread_threshold',
    enabled: true,
    severity: 'warning',
    filter: n % 2 ? { query: 'exchange', sides: ['UA'] } : {},
    params: n % 2 ? {} : { windowHours: 24, pickups: [3, 10] },
    cooldownSec: 300,
    channels: { dashboard: true, webhooks: [], emails: [] },
    webhookSecret: 'secret',
    mutedUntil: null,
    createdAt: at(n),
    updatedAt: at(n),
    createdBy: 'admin',
  };
}

function anAlert(n: number): Alert {
  return {
    id: `alert-${String(n).padStart(2, '0')}`,
    ruleId: `rule-${n % 3}`,
    ruleName: 'r',
    ruleType: 'keyword',
    key: `item:${n}`,
    severity: n % 4 === 0 ? 'critical' : 'warning',
    level: 1,
    status: n % 5 === 0 ? 'resolved' : 'open',
    summary: `alert ${n}`,
    link: '/search',
    releaseId: n % 2 ? 'release-1' : null,
    itemIds: [`item-${n}`],
    metrics: { pickups: n },
    thresholds: { pickups: 1 },
    digest: false,
    digestId: null,
    firedAt: at(Math.floor(n / 2)),
    // Pairs share an instant, so paging must break ties on id.
    updatedAt: at(Math.floor(n / 2)),
    escalatedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
  };
}

async function script(store: Store): Promise<unknown[]> {
  const repo = store.alerts;
  const seen: unknown[] = [];
  const attempt = async (fn: () => Promise<unknown>) => {
    try {
      return await fn();
    } catch (error) {
      return { error: (error as { code?: string }).code };
    }
  };
  for (const n of [2, 1, 3]) await repo.createRule(aRule(n));
  seen.push(await attempt(() => repo.createRule(aRule(1))));
  await repo.updateRule({ ...aRule(2), name: 'renamed', mutedUntil: at(999) });
  seen.push(await attempt(() => repo.updateRule(aRule(9))));
  seen.push(await repo.getRule('rule-2'), await repo.getRule('nope'));
  await repo.deleteRule('rule-3');
  seen.push(await attempt(() => repo.deleteRule('rule-3')));
  seen.push((await repo.listRules()).map((r) => r.id));

  for (let n = 0; n < 23; n++) await repo.saveAlert(anAlert(n));
  await repo.saveAlert({ ...anAlert(4), level: 2, status: 'acknowledged', updatedAt: at(100) });
  await store.sync();
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await repo.listAlerts({ limit: 5, ...(cursor && { cursor }) });
    seen.push(page.total);
    pages.push(page.alerts.map((a) => a.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  seen.push(pages);
  for (const query of [
    { ruleId: 'rule-1' },
    { status: 'resolved' as const },
    { severity: 'critical' as const },
    { releaseId: 'release-1', status: 'open' as const },
  ]) {
    const page = await repo.listAlerts({ limit: 100, ...query });
    seen.push([page.total, page.alerts.map((a) => a.id)]);
  }
  seen.push(await repo.getAlert('alert-04'), await repo.getAlert('nope'));

  const delivery = (n: number): AlertDelivery => ({
    id: `d-${n}`,
    alertId: 'alert-01',
    ruleId: 'rule-1',
    channel: 'webhook',
    target: `https://hooks.example/${n}`,
    event: 'fired',
    status: 'pending',
    attempts: [],
    createdAt: at(n),
    updatedAt: at(n),
  });
  await repo.saveDelivery(delivery(2));
  await repo.saveDelivery(delivery(1));
  await repo.saveDelivery({
    ...delivery(2),
    status: 'failed',
    attempts: [{ at: at(3), ok: false, durationMs: 5, statusCode: 500, error: 'answered 500' }],
  });
  await store.sync();
  seen.push(await repo.listDeliveries('alert-01'), await repo.listDeliveries('alert-02'));
  return seen;
}

describe('alert repository contract', () => {
  let sqlite: TestStore;
  let elastic: TestStore;
  beforeAll(async () => {
    [sqlite, elastic] = await Promise.all([sqliteTestStore(), elasticsearchTestStore()]);
  });
  afterAll(async () => {
    await Promise.all([sqlite?.dispose(), elastic?.dispose()]);
  });

  it('answers the same script the same way on SQLite and Elasticsearch', async () => {
    const [a, b] = await Promise.all([script(sqlite.store), script(elastic.store)]);
    expect(b).toEqual(a);
    // Spot checks of the shared answer.
    expect(a[0]).toEqual({ error: 'conflict' });
    expect(a[1]).toEqual({ error: 'not_found' });
    expect(a[5]).toEqual(['rule-1', 'rule-2']);
  });
});
