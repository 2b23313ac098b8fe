/** API responses as the server returns them, built per test. */
import type { FramingResponse, SpreadResponse, TermsResponse, TimelineResponse } from '../../../client/src/api/types.js';

export function aTimeline(overrides: Partial<TimelineResponse> = {}): TimelineResponse {
  return {
    interval: 'hour',
    split: 'side',
    timeZone: 'UTC',
    buckets: [
      { start: '2026-01-21T08:00:00.000Z', total: 5, split: { UA: 3, RU: 2 } },
      { start: '2026-01-21T09:00:00.000Z', total: 4, split: { RU: 1, KP: 3 } },
      { start: '2026-01-21T10:00:00.000Z', total: 0, split: {} },
    ],
    ...overrides,
  };
}

export function someTerms(field = 'platform'): TermsResponse {
  return {
    field,
    total: 10,
    buckets: [
      { key: 'telegram', count: 7 },
      { key: 'youtube', count: 3 },
    ],
  };
}

export function aFraming(): FramingResponse {
  return {
    sides: [
      { side: 'RU', items: 10 },
      { side: 'UA', items: 20 },
    ],
    frames: ['exchange_offer', 'denial_fabrication'],
    cells: [
      { side: 'UA', frame: 'exchange_offer', count: 12, share: 0.6 },
      { side: 'RU', frame: 'denial_fabrication', count: 7, share: 0.7 },
      { side: 'RU', frame: 'exchange_offer', count: 1, share: 0.1 },
    ],
  };
}

export function aSpread(): SpreadResponse {
  return {
    releaseId: 'rel-1',
    original: null,
    pickups: 3,
    distinctSources: 3,
    distinctSides: 2,
    distinctLangs: 2,
    summedViews: 1500,
    firstSeenPerSide: [
      { side: 'UA', firstSeenAt: '2026-01-21T08:00:00.000Z', itemId: 'a', delaySec: 0 },
      { side: 'RU', firstSeenAt: '2026-01-21T10:30:00.000Z', itemId: 'b', delaySec: 9000 },
    ],
    curve: [
      { start: '2026-01-21T08:00:00.000Z', pickups: 1, cumulativePickups: 1, views: 1000, cumulativeViews: 1000 },
      { start: '2026-01-21T09:00:00.000Z', pickups: 0, cumulativePickups: 1, views: 200, cumulativeViews: 1200 },
      { start: '2026-01-21T10:00:00.000Z', pickups: 2, cumulativePickups: 3, views: 300, cumulativeViews: 1500 },
    ],
  };
}
