/**
 * The one time range every view shares, kept in the URL (range=7d, or range=custom&from=&to=) so a
 * view can be sent as a link. Pure: the clock is passed in.
 */
import type { Interval } from '../api/types.js';

export const PRESETS = ['24h', '7d', '30d'] as const;
export type Preset = (typeof PRESETS)[number];

export type TimeRange = { preset: Preset } | { preset: 'custom'; from: string; to: string };

const PRESET_MS: Record<Preset, number> = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
export const DEFAULT_RANGE: TimeRange = { preset: '7d' };

const validInstant = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value));

/** Reads the range from a route query; anything malformed falls back to the default. */
export function rangeFromQuery(query: Record<string, unknown>): TimeRange {
  const range = query.range;
  if (typeof range === 'string' && (PRESETS as readonly string[]).includes(range)) return { preset: range as Preset };
  if (range === 'custom' && validInstant(query.from) && validInstant(query.to) && Date.parse(query.from) < Date.parse(query.to)) {
    return { preset: 'custom', from: new Date(query.from).toISOString(), to: new Date(query.to).toISOString() };
  }
  return DEFAULT_RANGE;
}

export function rangeToQuery(range: TimeRange): Record<string, string> {
  return range.preset === 'custom' ? { range: 'custom', from: range.from, to: range.to } : { range: range.preset };
}

/** Presets end at the next full hour so buckets stay stable while the clock moves within the hour. */
export function resolveRange(range: TimeRange, now: Date): { from: string; to: string } {
  if (range.preset === 'custom') return { from: range.from, to: range.to };
  const end = Math.ceil(now.getTime() / 3_600_000) * 3_600_000;
  return { from: new Date(end - PRESET_MS[range.preset]).toISOString(), to: new Date(end).toISOString() };
}

/** The period of the same length just before: what counters compare against. */
export function previousPeriod(period: { from: string; to: string }): { from: string; to: string } {
  const from = Date.parse(period.from);
  const length = Date.parse(period.to) - from;
  return { from: new Date(from - length).toISOString(), to: new Date(from).toISOString() };
}

/** Hourly up to 8 days (the wall screen's 7-day hourly timeline), daily up to 120, then weekly. */
export function intervalFor(period: { from: string; to: string }): Interval {
  const days = (Date.parse(period.to) - Date.parse(period.from)) / 86_400_000;
  return days <= 8 ? 'hour' : days <= 120 ? 'day' : 'week';
}

/** The message (key and values) that names a range: "Last 7 days", or a custom range's UTC bounds. */
export function rangeLabel(range: TimeRange): { key: string; values: Record<string, string> } {
  if (range.preset === 'custom')
    return {
      key: 'range.customLabel',
      values: { from: range.from.slice(0, 16).replace('T', ' '), to: range.to.slice(0, 16).replace('T', ' ') },
    };
  return { key: `range.presets.${range.preset}`, values: {} };
}
