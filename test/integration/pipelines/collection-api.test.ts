/**
 * Collection through the API on a real SQLite store: run a source now (real fetcher against a
 * local server), import a Telegram export and an NDJSON file as streamed uploads, and the
 * scheduler's job table following the sources.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, type PipelineStatus } from '../../../server/events/bus.js';
import { SourceScheduler } from '../../../server/services/collection.js';
import { fixture } from '../../fixtures/collectors/index.js';
import { buildTestApp, signIn, type Inject } from '../../helpers/auth.js';
import { aSource } from '../../helpers/factories.js';
import { sqliteTestStore, type TestStore } from '../../helpers/stores.js';
import { serve, startServer, type TestServer } from '../collectors/server.js';

let server: TestServer;
let test: TestStore;
let app: FastifyInstance;
let inject: Inject;
const bus = new EventBus();

beforeAll(async () => {
  server = await startServer();
  server.route('/s/fw_test', serve(fixture('telegram/channel-page.html'), { 'content-type': 'text/html; charset=utf-8' }));
  server.route('/s/fw_test?before=1201', serve('<html><body><section class="tgme_channel_history"></section></body></html>'));
  test = await sqliteTestStore();
  ({ app, inject } = await buildTestApp(test.store, { bus, collection: { allowPrivateHosts: [server.host] } }));
  await test.store.createSource(aSource({ id: 'tg-run', platform: 'telegram', url: `${server.url}/s/fw_test`, side: 'UA' }));
  await test.store.createSource(aSource({ id: 'tg-export', platform: 'telegram', side: 'UA', type: 'official' }));
  await test.store.createSource(aSource({ id: 'nd-import', platform: 'import', side: 'RU', type: 'media' }));
});

afterAll(async () => {
  await app?.close();
  await server?.close();
  await test?.dispose();
});

describe('run a source now', () => {
  it('answers 202 at once and publishes the run on the bus', async () => {
    const done = new Promise<PipelineStatus>((resolve) => {
      const off = bus.on('pipeline:status', (s) => {
        if (s.sourceId === 'tg-run' && s.state !== 'running') {
          off();
          resolve(s);
        }
      });
    });
    const res = await inject({ method: 'POST', url: '/api/v1/sources/tg-run/run' });
    expect(res.statusCode).toBe(202);
    const status = await done;
    expect(status.state).toBe('succeeded');
    expect(status.counts?.created).toBeGreaterThan(0);
    expect((await test.store.getSource('tg-run'))?.itemsCollected).toBe(status.counts?.created);
    expect((await inject({ method: 'POST', url: '/api/v1/sources/nope/run' })).statusCode).toBe(404);
  });
});

describe('imports', () => {
  it('streams a Telegram Desktop export into a source', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/v1/imports?source=tg-export&format=telegram-export&channel=fw_export',
      headers: { 'content-type': 'application/json' },
      payload: fixture('telegram-export/result.json'),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.counts.created).toBeGreaterThan(1);
    expect(body.counts.created).toBe(body.counts.fetched);
    const found = await test.store.searchItems({ filter: { sourceIds: ['tg-export'] }, sort: 'time', limit: 50 });
    expect(found.total).toBe(body.counts.created);
    expect(found.hits.some((h) => h.item.lang === 'uk')).toBe(true);
    // Importing the same export again stores nothing new.
    const again = await inject({
      method: 'POST',
      url: '/api/v1/imports?source=tg-export&format=telegram-export&channel=fw_export',
      payload: fixture('telegram-export/result.json'),
    });
    expect(again.json().counts).toMatchObject({ created: 0, unchanged: body.counts.created });
  });

  it('imports NDJSON with a column mapping and reports the bad lines', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/v1/imports?source=nd-import&format=ndjson&map=text=message,publishedAt=date,externalId=id,url=link,views=views,lang=meta.lang',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: fixture('import/items.ndjson'),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.counts.created).toBeGreaterThanOrEqual(2);
    expect(body.skipped.some((s: { reason: string }) => /json/iu.test(s.reason))).toBe(true);
    const [item] = await test.store.getItems([
      (await test.store.searchItems({ filter: { sourceIds: ['nd-import'], langs: ['ru'] }, sort: 'time', limit: 1 })).hits[0]
        ?.item.id ?? '',
    ]);
    expect(item?.side).toBe('RU');
  });

  it('keeps what came before a broken export and says where it broke', async () => {
    const whole = fixture('telegram-export/result.json').toString('utf8');
    const cut = whole.slice(0, whole.lastIndexOf('"id":'));
    const res = await inject({
      method: 'POST',
      url: '/api/v1/imports?source=tg-export&format=telegram-export',
      payload: cut,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/stopped after \d+ records .* items before it are stored/u);
  });

  it('refuses viewers, unknown sources and bad mappings', async () => {
    const viewer = await signIn(app, 'viewer');
    const denied = await viewer.inject({ method: 'POST', url: '/api/v1/imports?source=nd-import&format=ndjson', payload: '{}' });
    expect(denied.statusCode).toBe(403);
    expect((await inject({ method: 'POST', url: '/api/v1/imports?source=nope&format=csv', payload: 'a,b' })).statusCode).toBe(
      404,
    );
    const bad = await inject({ method: 'POST', url: '/api/v1/imports?source=nd-import&format=csv&map=nonsense', payload: 'a,b' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^map: /u);
  });
});

describe('schedules', () => {
  it('refuses a source whose schedule is not a cron expression', async () => {
    const res = await inject({ method: 'POST', url: '/api/v1/sources', payload: aSource({ schedule: 'every hour' }) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/schedule: "every hour" is not a cron expression/u);
  });

  it('keeps one job per enabled, scheduled source and follows changes', async () => {
    const scheduler = new SourceScheduler(test.store, app.pipeline, { info: () => {}, error: () => {} });
    try {
      await test.store.createSource(aSource({ id: 'sched-a', schedule: '*/5 * * * *' }));
      await test.store.createSource(aSource({ id: 'sched-b', schedule: '0 * * * *', enabled: false }));
      expect(await scheduler.sync()).toEqual(['sched-a']);
      await test.store.updateSource('sched-a', { enabled: false });
      await test.store.updateSource('sched-b', { enabled: true });
      expect(await scheduler.sync()).toEqual(['sched-b']);
      expect(
        scheduler.scheduler
          .status()
          .map((s) => s.name)
          .sort(),
      ).toEqual(['source:sched-b', 'sources:sync']);
    } finally {
      await scheduler.stop();
    }
  });
});
