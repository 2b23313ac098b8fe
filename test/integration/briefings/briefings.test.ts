/**
 * Briefings end to end on SQLite: numbers equal the analytics API's, the three formats, escaping,
 * drafts and finals, revisions, roles, the schedule under a fake clock, one point in time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../../pipelines/scheduler.js';
import { BRIEFING_JOB, briefingJob } from '../../../server/briefings/schedule.js';
import type { BriefingData } from '../../../server/briefings/types.js';
import type { BriefingRecord } from '../../../server/store/port.js';
import { buildTestApp, signIn, type TestApp } from '../../helpers/auth.js';
import { anItem } from '../../helpers/factories.js';
import { sqliteTestStore, type TestStore } from '../../helpers/stores.js';
import { KOREAN_QUOTE, NOW, UKRAINIAN_QUOTE, WEEK, XSS_TITLE, seedFixture } from './fixture.js';

const OUTPUT = fileURLToPath(new URL('./output/', import.meta.url));
// Git-ignored, so absent on a fresh clone: every test below may write here.
mkdirSync(OUTPUT, { recursive: true });

let ts: TestStore;
let t: TestApp;
let briefing: BriefingRecord;

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

beforeAll(async () => {
  ts = await sqliteTestStore();
  await seedFixture(ts.store);
  t = await buildTestApp(ts.store, { briefings: { timeZone: 'Europe/Kyiv', clock: () => NOW } });
  const res = await t.inject({ method: 'POST', url: '/api/v1/briefings', payload: {} });
  expect(res.statusCode, res.body).toBe(201);
  briefing = res.json() as BriefingRecord;
});

afterAll(async () => {
  await t?.app.close();
  await ts?.dispose();
});

/** Entries of a zip, read back with node:zlib (the writer's inverse). */
function unzip(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let at = 0;
  while (buf.readUInt32LE(at) === 0x04034b50) {
    const method = buf.readUInt16LE(at + 8);
    const size = buf.readUInt32LE(at + 18);
    const nameLen = buf.readUInt16LE(at + 26);
    const extra = buf.readUInt16LE(at + 28);
    const name = buf.subarray(at + 30, at + 30 + nameLen).toString('utf8');
    const body = buf.subarray(at + 30 + nameLen + extra, at + 30 + nameLen + extra + size);
    out.set(name, method === 8 ? inflateRawSync(body) : body);
    at += 30 + nameLen + extra + size;
  }
  return out;
}

describe('a briefing of the fixture week', () => {
  it('defaults to the last full week, Monday to Monday in the zone, and records its cutoff', () => {
    expect(briefing.period).toEqual({ ...WEEK, timeZone: 'Europe/Kyiv' });
    expect(briefing.asOf).toBe(NOW.toISOString());
    expect(briefing.status).toBe('draft');
  });

  it('has the numbers the analytics API gives for the same period and scope', async () => {
    const data = briefing.data as BriefingData;
    const range = { from: WEEK.from, to: WEEK.to };
    const sides = (await t.inject({ url: `/api/v1/analytics/terms?${q({ ...range, field: 'side', size: '500' })}` })).json() as {
      total: number;
      buckets: { key: string; count: number }[];
    };
    expect(data.headline.find((h) => h.label === 'Items collected')?.current).toBe(sides.total);
    expect(sides.total).toBeGreaterThan(100);
    for (const b of sides.buckets) expect(data.sides.find((s) => s.side === b.key)?.current).toBe(b.count);

    const framing = (await t.inject({ url: `/api/v1/analytics/framing?${q(range)}` })).json();
    expect(data.framing.current).toEqual(framing);

    const timeline = (
      await t.inject({ url: `/api/v1/analytics/timeline?${q({ ...range, interval: 'day', split: 'side' })}` })
    ).json() as {
      buckets: unknown[];
    };
    expect(data.timeline.buckets).toEqual(timeline.buckets);

    const releases = (await t.inject({ url: `/api/v1/releases?${q({ ...range, sort: 'spread', limit: '5' })}` })).json() as {
      total: number;
      releases: { id: string; spreadScore: number; pickups: number; summedViews: number }[];
    };
    expect(data.headline.find((h) => h.label === 'New releases')?.current).toBe(releases.total);
    expect(data.releases.map((r) => r.summary.id)).toEqual(releases.releases.map((r) => r.id));
    expect(data.releases.map((r) => [r.summary.spreadScore, r.summary.pickups, r.summary.summedViews])).toEqual(
      releases.releases.map((r) => [r.spreadScore, r.pickups, r.summedViews]),
    );
    const top = data.releases[0]!;
    const spread = (await t.inject({ url: `/api/v1/releases/${top.summary.id}/spread?interval=hour` })).json() as {
      curve: unknown;
      firstSeenPerSide: unknown;
    };
    expect(top.spread.curve).toEqual(spread.curve);
    expect(top.spread.firstSeenPerSide).toEqual(spread.firstSeenPerSide);
    expect(top.firstPerSide.length).toBeGreaterThan(0);

    const prev = (
      await t.inject({
        url: `/api/v1/analytics/terms?${q({ from: data.previousPeriod.from, to: data.previousPeriod.to, field: 'side' })}`,
      })
    ).json() as { total: number };
    expect(data.previousPeriod).toEqual({ from: '2026-01-11T22:00:00.000Z', to: WEEK.from, timeZone: 'Europe/Kyiv' });
    expect(data.headline.find((h) => h.label === 'Items collected')?.previous).toBe(prev.total);
  });

  it('narrows every number to its scope (sides, topic query)', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/briefings', payload: { scope: { sides: ['RU'] } } });
    const data = (res.json() as BriefingRecord).data as BriefingData;
    const terms = (await t.inject({ url: `/api/v1/analytics/terms?${q({ ...WEEK, side: 'RU', field: 'side' })}` })).json() as {
      total: number;
    };
    expect(data.headline[0]?.current).toBe(terms.total);
    expect(data.sides.map((s) => s.side)).toEqual(['RU']);
  });

  it('renders a self-contained HTML file with inline SVG charts and the XSS title inert', async () => {
    const res = await t.inject({ url: `/api/v1/briefings/${briefing.id}/download.html` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const html = res.body;
    writeFileSync(join(OUTPUT, 'briefing.html'), html);
    expect(html).toContain('<svg');
    expect(html).toContain('Top releases by spread');
    expect(html).toContain(UKRAINIAN_QUOTE);
    expect(html).toContain(KOREAN_QUOTE);
    // Nothing is fetched or run: no script, img, iframe, link or external src.
    expect(html).not.toMatch(/<(script|img|iframe|link|object|embed)\b/iu);
    expect(html).not.toMatch(/<[^>]*\s(src|on[a-z]+)\s*=/iu);
    expect(html).not.toMatch(/url\(\s*['"]?https?:/iu);
    expect(html).not.toContain(XSS_TITLE);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('@media print');
  });

  it('renders a PDF whose text holds the headings and a Cyrillic and a Hangul quote, and saves a page image', async () => {
    const res = await t.inject({ url: `/api/v1/briefings/${briefing.id}/download.pdf` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    mkdirSync(OUTPUT, { recursive: true });
    const file = join(OUTPUT, 'briefing.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const heading of [
      'Headline numbers',
      'Top releases by spread',
      'Framing: side × frame',
      'Notable items',
      'Method note',
      'Event markers',
      'Alerts fired',
    ])
      expect(text).toContain(heading);
    expect(text.replace(/\s+/gu, ' ')).toContain(UKRAINIAN_QUOTE);
    expect(text.replace(/\s+/gu, ' ')).toContain(KOREAN_QUOTE);
    // The notable items are on the later pages; render the page holding the Korean quote too.
    const pages = text.split('\f');
    const quotePage = pages.findIndex((p) => p.includes('북한군')) + 1;
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', file, join(OUTPUT, 'page')]);
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '80',
      '-f',
      String(quotePage),
      '-l',
      String(quotePage),
      file,
      join(OUTPUT, 'quotes'),
    ]);
  });

  it('renders a Markdown zip: tables, charts as SVG files beside it, hostile text escaped', async () => {
    const res = await t.inject({ url: `/api/v1/briefings/${briefing.id}/download.md.zip` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const files = unzip(res.rawPayload);
    const md = files.get('briefing.md')?.toString('utf8') ?? '';
    expect(md).toContain('## Headline numbers');
    expect(md).toMatch(/\| Measure \| This period \|/u);
    expect(md).toContain('](charts/activity.svg)');
    expect(files.get('charts/activity.svg')?.toString('utf8').startsWith('<svg')).toBe(true);
    expect(files.get('charts/framing.svg')).toBeDefined();
    expect(files.get('charts/release-1-spread.svg')).toBeDefined();
    expect(md).not.toContain('<script');
    expect(md).not.toContain('<img');
    expect(md).not.toContain('](javascript:');
    expect(md).toContain(UKRAINIAN_QUOTE);
  });
});

describe('drafts, finals and revisions', () => {
  it('lets an analyst add a summary and release notes, then finalise; edits of a final are refused with 409', async () => {
    const analyst = await signIn(t.app, 'analyst');
    const created = (
      await analyst.inject({ method: 'POST', url: '/api/v1/briefings', payload: { title: 'Week 4' } })
    ).json() as BriefingRecord;
    const releaseId = (created.data as BriefingData).releases[0]!.summary.id;
    const patched = await analyst.inject({
      method: 'PATCH',
      url: `/api/v1/briefings/${created.id}`,
      payload: {
        summary: 'Exchange framing rose on the UA side.',
        releaseNotes: { [releaseId]: 'Picked up by RU within hours.' },
      },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const html = (await analyst.inject({ url: `/api/v1/briefings/${created.id}/download.html` })).body;
    expect(html).toContain('Exchange framing rose on the UA side.');
    expect(html).toContain('Analyst note: Picked up by RU within hours.');

    const final = await analyst.inject({ method: 'POST', url: `/api/v1/briefings/${created.id}/finalise` });
    expect(final.statusCode).toBe(200);
    expect(final.json()).toMatchObject({ status: 'final', finalisedBy: analyst.username });
    const refused = await analyst.inject({
      method: 'PATCH',
      url: `/api/v1/briefings/${created.id}`,
      payload: { summary: 'changed' },
    });
    expect(refused.statusCode).toBe(409);
    expect((await analyst.inject({ method: 'POST', url: `/api/v1/briefings/${created.id}/finalise` })).statusCode).toBe(409);

    const revised = await analyst.inject({ method: 'POST', url: `/api/v1/briefings/${created.id}/revise` });
    expect(revised.statusCode, revised.body).toBe(201);
    const revision = revised.json() as BriefingRecord;
    expect(revision).toMatchObject({ status: 'draft', revisionOf: created.id, summary: 'Exchange framing rose on the UA side.' });
    expect(revision.id).not.toBe(created.id);
    const previous = (await analyst.inject({ url: `/api/v1/briefings/${created.id}` })).json() as BriefingRecord;
    expect(previous).toMatchObject({ status: 'final', revisedBy: revision.id, summary: 'Exchange framing rose on the UA side.' });
  });

  it('lets viewers list, read and download but not generate, edit or finalise', async () => {
    const viewer = await signIn(t.app, 'viewer');
    const list = await viewer.inject({ url: '/api/v1/briefings?limit=2' });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { total: number }).total).toBeGreaterThanOrEqual(2);
    expect((list.json() as { briefings: object[] }).briefings[0]).not.toHaveProperty('data');
    expect((await viewer.inject({ url: `/api/v1/briefings/${briefing.id}/download.html` })).statusCode).toBe(200);
    expect((await viewer.inject({ method: 'POST', url: '/api/v1/briefings', payload: {} })).statusCode).toBe(403);
    expect(
      (await viewer.inject({ method: 'PATCH', url: `/api/v1/briefings/${briefing.id}`, payload: { summary: 'x' } })).statusCode,
    ).toBe(403);
    expect((await viewer.inject({ method: 'POST', url: `/api/v1/briefings/${briefing.id}/finalise` })).statusCode).toBe(403);
  });
});

describe('the weekly schedule', () => {
  it('fires under a fake clock and stores the briefing of the week before', async () => {
    const tick = new Date('2026-02-02T05:00:00Z'); // Monday 07:00 in Kyiv
    const scheduler = new Scheduler({ timezone: 'Europe/Kyiv', clock: () => tick });
    scheduler.add(briefingJob(t.app.briefings, '0 7 * * 1'));
    const status = await scheduler.runNow(BRIEFING_JOB);
    expect(status).toMatchObject({ runs: 1, failures: 0, lastError: null, lastRunAt: tick.toISOString() });
    const list = (await t.inject({ url: '/api/v1/briefings?limit=100' })).json() as { briefings: BriefingRecord[] };
    expect(list.briefings.find((b) => b.trigger === 'schedule')).toMatchObject({
      trigger: 'schedule',
      createdBy: 'scheduler',
      asOf: tick.toISOString(),
      period: { from: '2026-01-25T22:00:00.000Z', to: '2026-02-01T22:00:00.000Z', timeZone: 'Europe/Kyiv' },
    });
    await scheduler.stop();
  });
});

describe('one point in time', () => {
  it('leaves out what is ingested while it is generated, in every number', async () => {
    const local = await sqliteTestStore();
    try {
      await seedFixture(local.store, 1500);
      let clockMs = Date.parse('2026-01-28T10:00:00Z');
      let generating = false;
      let ingested = 0;
      let releaseId = '';
      // Before every query of the generation, another batch arrives: new items in the week (a
      // backfill) and new copies of the top release, collected after the cutoff.
      const ingestBatch = async () => {
        clockMs += 1000;
        const batch = Array.from({ length: 20 }, (_, i) =>
          anItem({
            sourceId: `late-${i % 3}`,
            side: 'RU',
            publishedAt: '2026-01-21T12:00:00Z',
            ...(i % 2 === 0 && { releaseId }),
          }),
        );
        await local.store.upsertItems(batch, new Date(clockMs));
        ingested += batch.length;
      };
      const racing = new Proxy(local.store, {
        get(target, prop, receiver) {
          const value: unknown = Reflect.get(target, prop, receiver);
          if (
            typeof value !== 'function' ||
            !['terms', 'listReleases', 'framingMatrix', 'timeline', 'releaseSpread', 'searchItems'].includes(String(prop))
          )
            return value;
          return async (...args: unknown[]) => {
            if (generating) await ingestBatch();
            return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          };
        },
      });
      const app = await buildTestApp(racing, { briefings: { timeZone: 'Europe/Kyiv', clock: () => new Date(clockMs) } });
      try {
        const before = (await app.inject({ url: `/api/v1/analytics/terms?${q({ ...WEEK, field: 'side' })}` })).json() as {
          total: number;
        };
        const release = (
          (await app.inject({ url: `/api/v1/releases?${q({ ...WEEK, sort: 'spread', limit: '1' })}` })).json() as {
            releases: { id: string; pickups: number }[];
          }
        ).releases[0]!;
        releaseId = release.id;
        const started = clockMs;
        generating = true;
        const res = await app.inject({ method: 'POST', url: '/api/v1/briefings', payload: {} });
        generating = false;
        expect(res.statusCode, res.body).toBe(201);
        const record = res.json() as BriefingRecord;
        const data = record.data as BriefingData;
        expect(record.asOf).toBe(new Date(started).toISOString());
        expect(ingested).toBeGreaterThanOrEqual(200);
        // The live API sees the late items; the briefing does not, in headline, sides, framing, releases or sources.
        const after = (await app.inject({ url: `/api/v1/analytics/terms?${q({ ...WEEK, field: 'side' })}` })).json() as {
          total: number;
        };
        expect(after.total).toBe(before.total + ingested);
        expect(data.headline[0]?.current).toBe(before.total);
        expect(data.sides.reduce((n, s) => n + s.current, 0)).toBe(before.total);
        const framingBefore = (
          await app.inject({ url: `/api/v1/analytics/framing?${q({ ...WEEK, to: WEEK.to })}` })
        ).json() as object;
        expect(data.framing.current.sides.reduce((n, s) => n + s.items, 0)).toBe(before.total);
        expect(framingBefore).not.toEqual(data.framing.current);
        const top = data.releases.find((r) => r.summary.id === release.id);
        expect(top?.summary.pickups).toBe(release.pickups);
        expect(top?.spread.pickups).toBe(release.pickups);
        expect(data.sources.some((s) => s.id.startsWith('late-'))).toBe(false);
      } finally {
        await app.app.close();
      }
    } finally {
      await local.dispose();
    }
  });
});
