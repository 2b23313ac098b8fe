/** Briefing storage and the collectedBefore cutoff: the same answers from both adapters. */
import { describe, expect, it } from 'vitest';
import type { BriefingRecord } from '../../server/store/port.js';
import { anItem } from '../helpers/factories.js';
import { useBothStores } from './harness.js';

const early = [1, 2, 3].map((n) => anItem({ externalId: `early-${n}`, collectedAt: '2026-01-21T10:00:00Z' }));
const late = [1, 2].map((n) => anItem({ externalId: `late-${n}`, collectedAt: '2026-01-21T12:00:00Z' }));
const { both } = useBothStores([...early, ...late], new Date('2026-01-22T00:00:00Z'));

function aBriefing(n: number, overrides: Partial<BriefingRecord> = {}): BriefingRecord {
  const at = `2026-01-26T0${n}:00:00.000Z`;
  return {
    id: `briefing-${n}`,
    status: 'draft',
    title: `Briefing ${n}`,
    period: { from: '2026-01-18T22:00:00.000Z', to: '2026-01-25T22:00:00.000Z', timeZone: 'Europe/Kyiv' },
    scope: { sides: ['UA'] },
    asOf: at,
    trigger: 'manual',
    createdAt: at,
    createdBy: 'analyst',
    updatedAt: at,
    finalisedAt: null,
    finalisedBy: null,
    revisionOf: null,
    revisedBy: null,
    summary: '',
    releaseNotes: {},
    data: { headline: [{ label: 'Items', current: 3, previous: 1 }], quote: 'Україна 북한군 <b>' },
    ...overrides,
  };
}

describe('briefing storage', () => {
  it('creates, reads, lists newest first with paging, and refuses a duplicate id', async () => {
    await both(async (store) => {
      for (const n of [1, 2, 3]) await store.createBriefing(aBriefing(n));
      await expect(store.createBriefing(aBriefing(1))).rejects.toMatchObject({ statusCode: 409 });
      const page = await store.listBriefings({ limit: 2, offset: 1 });
      return {
        one: await store.getBriefing('briefing-2'),
        missing: await store.getBriefing('nope'),
        total: page.total,
        ids: page.briefings.map((b) => b.id),
      };
    }).then((r) => {
      expect(r.one).toEqual(aBriefing(2));
      expect(r.missing).toBeNull();
      expect(r.total).toBe(3);
      expect(r.ids).toEqual(['briefing-2', 'briefing-1']);
    });
  });

  it('replaces only when the stored updatedAt is the expected one', async () => {
    const answer = await both(async (store) => {
      const current = aBriefing(4);
      await store.createBriefing(current);
      const next = { ...current, summary: 'edited', updatedAt: '2026-01-26T05:00:00.000Z' };
      const first = await store.replaceBriefing(next, current.updatedAt);
      const stale = await store.replaceBriefing({ ...current, summary: 'stale' }, current.updatedAt);
      return { first, stale, stored: await store.getBriefing(current.id) };
    });
    expect(answer).toMatchObject({ first: true, stale: false, stored: { summary: 'edited' } });
  });
});

describe('collectedBefore', () => {
  it('leaves out items collected after the cutoff, in counts and aggregations', async () => {
    const filter = { collectedBefore: '2026-01-21T11:00:00.000Z' };
    const answer = await both(async (store) => ({
      count: await store.countItems(filter),
      all: await store.countItems({}),
      terms: await store.terms({ filter, field: 'side', size: 10 }),
    }));
    expect(answer.count).toBe(3);
    expect(answer.all).toBe(5);
    expect(answer.terms.total).toBe(3);
  });
});
