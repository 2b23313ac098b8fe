import { describe, expect, it } from 'vitest';
import { i18n } from '../../../client/src/i18n/index.js';
import {
  intervalFor,
  previousPeriod,
  rangeFromQuery,
  rangeLabel,
  rangeToQuery,
  resolveRange,
} from '../../../client/src/lib/time-range.js';

describe('time range in the URL', () => {
  it('reads presets and valid custom ranges, and falls back to 7 days for anything else', () => {
    expect(rangeFromQuery({ range: '24h' })).toEqual({ preset: '24h' });
    expect(rangeFromQuery({ range: 'custom', from: '2026-01-01T00:00:00Z', to: '2026-01-08T00:00:00Z' })).toEqual({
      preset: 'custom',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-08T00:00:00.000Z',
    });
    expect(rangeFromQuery({ range: 'custom', from: '2026-01-08T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toEqual({
      preset: '7d',
    });
    expect(rangeFromQuery({ range: 'custom', from: 'yesterday', to: 'now' })).toEqual({ preset: '7d' });
    expect(rangeFromQuery({ range: '<script>' })).toEqual({ preset: '7d' });
    expect(rangeFromQuery({})).toEqual({ preset: '7d' });
  });

  it('round-trips through the query', () => {
    const custom = { preset: 'custom' as const, from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' };
    expect(rangeFromQuery(rangeToQuery(custom))).toEqual(custom);
    expect(rangeFromQuery(rangeToQuery({ preset: '30d' }))).toEqual({ preset: '30d' });
  });

  it('ends presets on the next full hour, so the period does not move within an hour', () => {
    const a = resolveRange({ preset: '24h' }, new Date('2026-01-21T08:05:00Z'));
    const b = resolveRange({ preset: '24h' }, new Date('2026-01-21T08:55:00Z'));
    expect(a).toEqual({ from: '2026-01-20T09:00:00.000Z', to: '2026-01-21T09:00:00.000Z' });
    expect(b).toEqual(a);
  });

  it('compares with the period of the same length just before', () => {
    expect(previousPeriod({ from: '2026-01-08T00:00:00.000Z', to: '2026-01-15T00:00:00.000Z' })).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-08T00:00:00.000Z',
    });
  });

  it('picks hourly buckets up to 8 days, daily to 120, weekly beyond', () => {
    const period = (days: number) => ({
      from: '2026-01-01T00:00:00Z',
      to: new Date(Date.parse('2026-01-01T00:00:00Z') + days * 86_400_000).toISOString(),
    });
    expect([intervalFor(period(7)), intervalFor(period(30)), intervalFor(period(365))]).toEqual(['hour', 'day', 'week']);
  });

  it('labels custom ranges with their zone, and presets by name', () => {
    const custom = rangeLabel({ preset: 'custom', from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T06:00:00.000Z' });
    expect(i18n.global.t(custom.key, custom.values)).toBe('2026-01-01 00:00 – 2026-01-02 06:00 UTC');
    const week = rangeLabel({ preset: '7d' });
    expect(i18n.global.t(week.key, week.values)).toBe('Last 7 days');
  });
});
