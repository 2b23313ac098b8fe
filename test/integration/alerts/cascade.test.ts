/**
 * A fixture cascade ingested through the real API fires exactly the expected alerts: one per rule
 * and release, escalation when a higher spread threshold is crossed, cooldown with one digest for a
 * burst, and nothing while muted. SQLite in full; one representative case on Elasticsearch.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../server/store/alerts/port.js';
import { buildTestApp, type Inject } from '../../helpers/auth.js';
import { anItem, idOf } from '../../helpers/factories.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../../helpers/stores.js';
import { captureAlerts, cascade, type AlertEvent } from './helpers.js';

const HOUR = 3_600_000;

async function setup(makeStore: () => Promise<TestStore>, now: { ms: number }) {
  const test = await makeStore();
  const { app, inject } = await buildTestApp(test.store, { alerts: { clock: () => new Date(now.ms) } });
  return { test, app, inject, events: captureAlerts(app) };
}

async function ingest(inject: Inject, app: FastifyInstance, items: unknown[]): Promise<void> {
  const res = await inject({ method: 'POST', url: '/api/v1/items', payload: items });
  expect(res.statusCode, res.body).toBe(200);
  await app.alerts.drain();
}

async function createRule(inject: Inject, body: Record<string, unknown>): Promise<string> {
  const res = await inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

async function alertsOf(inject: Inject, ruleId: string): Promise<Alert[]> {
  const res = await inject({ method: 'GET', url: `/api/v1/alerts?ruleId=${ruleId}&limit=200` });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { alerts: Alert[] }).alerts;
}

describe('alerts on a cascade (SQLite)', () => {
  const now = { ms: Date.now() };
  const t0 = now.ms - 6 * HOUR;
  let ctx: Awaited<ReturnType<typeof setup>>;
  const of = (ruleId: string) => ctx.events.filter((e) => e.ruleId === ruleId);

  beforeAll(async () => {
    ctx = await setup(sqliteTestStore, now);
  });
  afterAll(async () => {
    await ctx?.app.close();
    await ctx?.test.dispose();
  });
  afterEach(() => {
    ctx.events.length = 0;
  });

  it('fires new_release once per release from matching sources, dedupes, escalates spread, and honours mute', async () => {
    const { inject, app } = ctx;
    const release = await createRule(inject, {
      name: 'New UA video about North Korean soldiers',
      type: 'new_release',
      filter: { sides: ['UA'], kinds: ['video'], query: '"North Korean"' },
      cooldownSec: 0,
    });
    const spread = await createRule(inject, {
      name: 'Spreading releases',
      type: 'spread_threshold',
      params: { windowHours: 24, pickups: [3, 6], distinctSides: [3] },
      cooldownSec: 0,
    });
    const { original, early, late } = cascade(t0);

    await ingest(inject, app, [original]);
    expect(of(release)).toHaveLength(1);
    expect(of(release)[0]).toMatchObject({
      summary: expect.stringContaining('ua-presidency'),
      link: `/releases/${idOf(original)}`,
      severity: 'info',
      event: 'fired',
    });
    // The same item again (unchanged) and copies (not originals) fire nothing more for new_release.
    await ingest(inject, app, [original, ...early]);
    expect(of(release)).toHaveLength(1);

    expect(await app.alerts.evaluateScheduled('spread_threshold')).toBe(1);
    expect(await app.alerts.evaluateScheduled('spread_threshold')).toBe(0);
    let spreadAlerts = await alertsOf(inject, spread);
    expect(spreadAlerts).toHaveLength(1);
    expect(spreadAlerts[0]).toMatchObject({ level: 1, releaseId: idOf(original), metrics: { pickups: 3, distinctSides: 3 } });
    expect(spreadAlerts[0]?.thresholds).toEqual({ pickups: 3, distinctSides: 3 });

    await ingest(inject, app, late);
    expect(await app.alerts.evaluateScheduled('spread_threshold')).toBe(1);
    spreadAlerts = await alertsOf(inject, spread);
    expect(spreadAlerts, 'escalated, not duplicated').toHaveLength(1);
    expect(spreadAlerts[0]).toMatchObject({ level: 2, severity: 'critical', metrics: { pickups: 6, distinctSides: 6 } });
    expect(spreadAlerts[0]?.escalatedAt).not.toBeNull();
    expect(of(spread).map((e) => e.event)).toEqual(['fired', 'escalated']);

    // Muted: a second release from the same source fires nothing; unmuted, the next one does.
    const mute = await inject({ method: 'POST', url: `/api/v1/alerts/rules/${release}/mute`, payload: { minutes: 60 } });
    expect(mute.statusCode).toBe(200);
    const second = anItem({
      sourceId: 'ua-presidency',
      kind: 'video',
      side: 'UA',
      text: 'North Korean soldier video two',
      publishedAt: new Date(t0 + HOUR).toISOString(),
    });
    second.releaseId = idOf(second);
    await ingest(inject, app, [second]);
    expect(of(release)).toHaveLength(1);
    await inject({ method: 'POST', url: `/api/v1/alerts/rules/${release}/mute`, payload: { minutes: 0 } });
    const third = anItem({
      sourceId: 'ua-presidency',
      kind: 'video',
      side: 'UA',
      text: 'North Korean soldier video three',
      publishedAt: new Date(t0 + 2 * HOUR).toISOString(),
    });
    third.releaseId = idOf(third);
    await ingest(inject, app, [third]);
    expect(of(release)).toHaveLength(2);
  });

  it('keeps a cooldown per rule and sends one digest for a burst', async () => {
    const { inject, app } = ctx;
    const keyword = await createRule(inject, {
      name: 'Exchange talk',
      type: 'keyword',
      filter: { query: 'exchange prisoners' },
      cooldownSec: 600,
    });
    const burst = Array.from({ length: 8 }, (_, n) =>
      anItem({
        sourceId: `burst-${n}`,
        side: n % 2 ? 'RU' : 'UA',
        text: `Talk of an exchange of prisoners, message ${n}`,
        publishedAt: new Date(t0 + n * 60_000).toISOString(),
      }),
    );
    const unrelated = anItem({ text: 'Weather in Kursk today' });
    await ingest(inject, app, [...burst, unrelated]);
    expect(of(keyword)).toHaveLength(1);
    const stored = await alertsOf(inject, keyword);
    expect(stored, 'each match is kept, seven of them held for the digest').toHaveLength(8);

    // Within the cooldown nothing more goes out; once it ends, one digest carries the seven held.
    expect(await app.alerts.flushDigests(new Date(now.ms + 300_000))).toBe(0);
    expect(await app.alerts.flushDigests(new Date(now.ms + 601_000))).toBe(1);
    await app.alerts.drain();
    expect(of(keyword)).toHaveLength(2);
    expect(of(keyword)[1]).toMatchObject({ event: 'digest' });
    const digest = (await alertsOf(inject, keyword)).find((a) => a.digest);
    expect(digest?.metrics.alerts).toBe(7);
    expect(digest?.itemIds).toHaveLength(7);
    const held = (await alertsOf(inject, keyword)).filter((a) => a.digestId === digest?.id);
    expect(held).toHaveLength(7);
  });

  it('acknowledges and resolves with who and when, audited', async () => {
    const { inject } = ctx;
    const page = (await inject({ method: 'GET', url: '/api/v1/alerts?limit=1' })).json() as {
      alerts: Alert[];
      total: number;
      nextCursor: string;
    };
    expect(page.total).toBeGreaterThan(1);
    const id = page.alerts[0]?.id ?? '';
    const next = await inject({ method: 'GET', url: `/api/v1/alerts?limit=1&cursor=${page.nextCursor}` });
    expect((next.json() as { alerts: Alert[] }).alerts[0]?.id).not.toBe(id);
    const ack = await inject({ method: 'POST', url: `/api/v1/alerts/${id}/acknowledge` });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: expect.any(String),
      acknowledgedAt: expect.any(String),
    });
    const resolved = await inject({ method: 'POST', url: `/api/v1/alerts/${id}/resolve` });
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolvedBy: expect.any(String) });
    const audit = await inject({ method: 'GET', url: '/api/v1/audit?limit=100' });
    const actions = (audit.json() as { entries: { action: string }[] }).entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['alert_rule.create', 'alert_rule.mute', 'alert.acknowledge', 'alert.resolve']),
    );
  });

  it('dry-runs a rule over the last 7 days from stored items', async () => {
    const { inject } = ctx;
    const res = await inject({
      method: 'POST',
      url: '/api/v1/alerts/rules/dry-run',
      payload: { name: 'draft', type: 'new_release', filter: { sides: ['UA'], kinds: ['video'] }, cooldownSec: 0 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { alerts: { releaseId: string; outcome: string }[]; notifications: number };
    // The cascade's original and the two later UA videos: three releases in the week.
    expect(body.alerts).toHaveLength(3);
    expect(body.notifications).toBe(3);
    const cooled = await inject({
      method: 'POST',
      url: '/api/v1/alerts/rules/dry-run',
      payload: { name: 'draft', type: 'new_release', filter: { sides: ['UA'], kinds: ['video'] }, cooldownSec: 7 * 86_400 },
    });
    const c = cooled.json() as { alerts: { outcome: string }[]; notifications: number; digests: number };
    expect(c.alerts.map((a) => a.outcome)).toEqual(['notify', 'held', 'held']);
    expect(c).toMatchObject({ notifications: 2, digests: 1 });
  });
});

describe('alerts on a cascade (Elasticsearch)', () => {
  const now = { ms: Date.now() };
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup(elasticsearchTestStore, now);
  });
  afterAll(async () => {
    await ctx?.app.close();
    await ctx?.test.dispose();
  });

  it('fires new_release on ingest and escalates a spread alert instead of duplicating it', async () => {
    const { inject, app, events } = ctx;
    const release = await createRule(inject, {
      name: 'UA videos',
      type: 'new_release',
      filter: { sides: ['UA'], kinds: ['video'] },
      cooldownSec: 0,
    });
    const spread = await createRule(inject, {
      name: 'Spread',
      type: 'spread_threshold',
      params: { pickups: [3, 6] },
      cooldownSec: 0,
    });
    const { original, early, late } = cascade(now.ms - 6 * HOUR);
    await ingest(inject, app, [original, ...early]);
    await app.store.sync();
    expect(await app.alerts.evaluateScheduled('spread_threshold')).toBe(1);
    await ingest(inject, app, late);
    await app.store.sync();
    expect(await app.alerts.evaluateScheduled('spread_threshold')).toBe(1);
    expect(await app.alerts.evaluateScheduled('spread_threshold')).toBe(0);
    const byRule = (id: string) => events.filter((e: AlertEvent) => e.ruleId === id);
    expect(byRule(release)).toHaveLength(1);
    expect(byRule(spread).map((e) => e.event)).toEqual(['fired', 'escalated']);
    await app.store.sync();
    const stored = await alertsOf(inject, spread);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ level: 2, metrics: { pickups: 6 } });
  });
});
