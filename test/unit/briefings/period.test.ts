/** Periods in a zone: the last full week, DST weeks, the previous period. */
import { describe, expect, it } from 'vitest';
import { lastFullWeek, previousPeriod, zonedTimeToUtc } from '../../../server/briefings/period.js';

describe('lastFullWeek', () => {
  it('is Monday to Monday local time before the current week', () => {
    expect(lastFullWeek(new Date('2026-01-28T10:00:00Z'), 'Europe/Kyiv')).toEqual({
      from: '2026-01-18T22:00:00.000Z',
      to: '2026-01-25T22:00:00.000Z',
      timeZone: 'Europe/Kyiv',
    });
  });

  it('reckons "today" in the zone: Monday 00:30 in Kyiv is still Sunday in UTC', () => {
    // 2026-01-26 00:30 Kyiv = 2026-01-25 22:30 UTC: the week that just ended is the last full one.
    expect(lastFullWeek(new Date('2026-01-25T22:30:00Z'), 'Europe/Kyiv').from).toBe('2026-01-18T22:00:00.000Z');
    expect(lastFullWeek(new Date('2026-01-25T22:30:00Z'), 'UTC').from).toBe('2026-01-12T00:00:00.000Z');
  });

  it('spans 167 hours over the spring DST change and 169 over the autumn one', () => {
    // Kyiv: clocks go forward on 2026-03-29 and back on 2026-10-25 (last Sundays).
    const spring = lastFullWeek(new Date('2026-04-01T12:00:00Z'), 'Europe/Kyiv');
    expect(spring).toMatchObject({ from: '2026-03-22T22:00:00.000Z', to: '2026-03-29T21:00:00.000Z' });
    expect((Date.parse(spring.to) - Date.parse(spring.from)) / 3_600_000).toBe(167);
    const autumn = lastFullWeek(new Date('2026-10-28T12:00:00Z'), 'Europe/Kyiv');
    expect(autumn).toMatchObject({ from: '2026-10-18T21:00:00.000Z', to: '2026-10-25T22:00:00.000Z' });
    expect((Date.parse(autumn.to) - Date.parse(autumn.from)) / 3_600_000).toBe(169);
  });

  it('works in zones west of UTC and with half-hour offsets', () => {
    expect(lastFullWeek(new Date('2026-07-08T12:00:00Z'), 'America/New_York')).toMatchObject({
      from: '2026-06-29T04:00:00.000Z',
      to: '2026-07-06T04:00:00.000Z',
    });
    expect(lastFullWeek(new Date('2026-07-08T12:00:00Z'), 'Asia/Kolkata').from).toBe('2026-06-28T18:30:00.000Z');
  });

  it('refuses an unknown zone', () => {
    expect(() => lastFullWeek(new Date(), 'Mars/Olympus')).toThrow(/time zone/u);
  });
});

describe('previousPeriod', () => {
  it('is the local week before, even across a DST change', () => {
    const week = lastFullWeek(new Date('2026-04-01T12:00:00Z'), 'Europe/Kyiv');
    const after = lastFullWeek(new Date('2026-04-08T12:00:00Z'), 'Europe/Kyiv');
    expect(previousPeriod(after)).toEqual(week);
    expect(previousPeriod(week)).toMatchObject({ from: '2026-03-15T22:00:00.000Z', to: week.from });
  });

  it('falls back to the same length for periods that are not whole local days', () => {
    expect(previousPeriod({ from: '2026-01-10T06:00:00.000Z', to: '2026-01-10T18:30:00.000Z', timeZone: 'UTC' })).toEqual({
      from: '2026-01-09T17:30:00.000Z',
      to: '2026-01-10T06:00:00.000Z',
      timeZone: 'UTC',
    });
  });
});

describe('zonedTimeToUtc', () => {
  it('resolves a wall-clock time skipped by DST to just after the gap', () => {
    // 03:30 on 2026-03-29 does not exist in Kyiv (03:00 -> 04:00).
    expect(new Date(zonedTimeToUtc({ year: 2026, month: 3, day: 29 }, 'Europe/Kyiv', 3, 30)).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });
});
