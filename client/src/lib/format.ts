/**
 * Numbers and times as the dashboard shows them: compact with the exact value at hand, zone always
 * named. Their words (units, "new", the zone names) are interface text, in the interface language.
 */
import { text } from '../i18n/text.js';

export type ZoneMode = 'UTC' | 'local';

const exactFormat = new Intl.NumberFormat('en-US');
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export const exact = (value: number): string => exactFormat.format(value);
export const compact = (value: number): string =>
  Math.abs(value) < 10_000 ? exactFormat.format(value) : compactFormat.format(value);
export const percent = (share: number, digits = 1): string => `${(share * 100).toFixed(digits)}%`;

/**
 * A size in bytes, in binary steps with one decimal ("3.1 MB", "1 GB"), as the spool's bound is
 * configured (SPOOL_MAX_MB is mebibytes).
 */
export function formatBytes(bytes: number): string {
  const units = ['b', 'kb', 'mb', 'gb', 'tb'] as const;
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const n = unit === 0 ? String(value) : String(Number(value.toFixed(1)));
  return text(`format.bytes.${units[unit]!}`, { n });
}

/** Relative change against a previous value; null when there is nothing to compare with. */
export function change(current: number, previous: number): number | null {
  if (previous === 0) return current === 0 ? 0 : null;
  return (current - previous) / previous;
}

export function signedPercent(value: number | null): string {
  if (value === null) return text('format.new');
  const shown = percent(Math.abs(value));
  return value > 0 ? `+${shown}` : value < 0 ? `−${shown}` : '±0%';
}

/** The browser's IANA zone, when it names one. */
function browserZone(): string | undefined {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
}

/** The user's zone as the dashboard names it: "Asia/Seoul", or "local" when the browser does not say. */
export function localZoneName(): string {
  return browserZone() ?? text('format.localZone');
}

/** The name of a zone mode: "UTC", or the user's zone. */
export function zoneName(zone: ZoneMode): string {
  return zone === 'UTC' ? text('format.utc') : localZoneName();
}

/**
 * "2026-01-21 08:30 UTC" or the same instant in the user's zone, named ("2026-01-21 17:30 Asia/Seoul").
 * `localZone` is the browser's zone unless given (tests pin it).
 */
export function formatTime(iso: string, zone: ZoneMode, localZone: string | undefined = browserZone()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const timeZone = zone === 'UTC' ? 'UTC' : localZone;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const time = `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
  return text('format.timeIn', { time, zone: zone === 'UTC' ? text('format.utc') : (localZone ?? text('format.localZone')) });
}

/** Always the UTC instant (to the second), for hover titles next to a local time. */
export function utcTitle(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return text('format.timeIn', { time: date.toISOString().slice(0, 19).replace('T', ' '), zone: text('format.utc') });
}

export function formatDelay(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return text('format.delay.seconds', { n: seconds });
  if (seconds < 3600) return text('format.delay.minutes', { n: Math.round(seconds / 60) });
  if (seconds < 172_800) return text('format.delay.hours', { n: (seconds / 3600).toFixed(1) });
  return text('format.delay.days', { n: (seconds / 86_400).toFixed(1) });
}

/** A one-line label for an item: its title, or the start of its text (posts often have no title). */
export function itemLabel(item: { title: string; text: string }): string {
  if (item.title.trim()) return item.title;
  const start = item.text.replace(/\s+/g, ' ').trim();
  return start ? (start.length > 90 ? `${start.slice(0, 90)}…` : start) : text('item.untitled');
}
