/** Number and time text for chart tooltips and labels; pure, so briefings print the same strings. */
import { englishChartText, type ChartTranslate } from './labels.js';

const exactFormat = new Intl.NumberFormat('en-US');

export const exactNumber = (value: number): string => exactFormat.format(value);
export const sharePercent = (share: number): string => `${(share * 100).toFixed(1)}%`;

const INTERVAL_MS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;

/** End of a bucket that starts at `start` (UTC buckets; weeks start on Monday). */
export function bucketEnd(start: string, interval: keyof typeof INTERVAL_MS): string {
  return new Date(Date.parse(start) + INTERVAL_MS[interval]).toISOString();
}

/** "2026-01-21 08:00 UTC", or the same instant in the viewer's zone ("… local"), in the chart's words. */
export function timeText(iso: string, zone: 'UTC' | 'local', t: ChartTranslate = englishChartText): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (zone === 'UTC') {
    const time = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
    return t('timeUtc', { time });
  }
  const time = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return t('timeLocal', { time });
}
