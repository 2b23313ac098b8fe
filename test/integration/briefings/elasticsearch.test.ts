/** One briefing on Elasticsearch: the same numbers as the analytics API there, and a PDF. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BriefingData } from '../../../server/briefings/types.js';
import type { BriefingRecord } from '../../../server/store/port.js';
import { buildTestApp, type TestApp } from '../../helpers/auth.js';
import { elasticsearchTestStore, type TestStore } from '../../helpers/stores.js';
import { KOREAN_QUOTE, NOW, WEEK, seedFixture } from './fixture.js';

let ts: TestStore;
let t: TestApp;

beforeAll(async () => {
  ts = await elasticsearchTestStore();
  await seedFixture(ts.store, 1200);
  t = await buildTestApp(ts.store, { briefings: { timeZone: 'Europe/Kyiv', clock: () => NOW } });
});

afterAll(async () => {
  await t?.app.close();
  await ts?.dispose();
});

describe('briefings on Elasticsearch', () => {
  it('stores a briefing whose numbers equal the analytics API, lists it, finalises it and renders it', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/briefings', payload: {} });
    expect(res.statusCode, res.body).toBe(201);
    const record = res.json() as BriefingRecord;
    const data = record.data as BriefingData;
    const q = new URLSearchParams({ ...WEEK, field: 'side', size: '500' }).toString();
    const terms = (await t.inject({ url: `/api/v1/analytics/terms?${q}` })).json() as { total: number };
    expect(data.headline[0]?.current).toBe(terms.total);
    const framing = (await t.inject({ url: `/api/v1/analytics/framing?${new URLSearchParams(WEEK).toString()}` })).json();
    expect(data.framing.current).toEqual(framing);
    const releases = (
      await t.inject({ url: `/api/v1/releases?${new URLSearchParams({ ...WEEK, sort: 'spread', limit: '5' }).toString()}` })
    ).json() as { releases: { id: string }[] };
    expect(data.releases.map((r) => r.summary.id)).toEqual(releases.releases.map((r) => r.id));

    const list = (await t.inject({ url: '/api/v1/briefings' })).json() as { total: number; briefings: { id: string }[] };
    expect(list.total).toBe(1);
    expect(list.briefings[0]?.id).toBe(record.id);
    expect((await t.inject({ method: 'POST', url: `/api/v1/briefings/${record.id}/finalise` })).statusCode).toBe(200);
    expect(
      (await t.inject({ method: 'PATCH', url: `/api/v1/briefings/${record.id}`, payload: { summary: 'x' } })).statusCode,
    ).toBe(409);
    const html = (await t.inject({ url: `/api/v1/briefings/${record.id}/download.html` })).body;
    expect(html).toContain(KOREAN_QUOTE);
    const pdf = await t.inject({ url: `/api/v1/briefings/${record.id}/download.pdf` });
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
