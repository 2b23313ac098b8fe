/** Numbers and times as the dashboard shows them: compact with the exact value at hand, zone always named. */

export type ZoneMode = 'UTC' | 'local';

const exactFormat = new Intl.NumberFormat('en-US');
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export const exact = (value: number): string => exactFormat.format(value);
export const compact = (value: number): string =>
  Math.abs(value) < 10_000 ? exactFormat.format(value) : compactFormat.format(value);
export const percent = (share: number, digits = 1): string => `${(share * 100).toFixed(digits)}%`;

/** Relative change against a previous value; null when there is nothing to compare with. */
export function change(current: number, previous: number): number | null {
  if (previous === 0) return current === 0 ? 0 : null;
  return (current - previous) / previous;
}

export function signedPercent(value: number | null): string {
  if (value === null) return 'new';
  const text = percent(Math.abs(value));
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : '±0%';
}

export function localZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local';
}

/**
 * "2026-01-21 08:30 UTC" or the same instant in the user's zone, named ("2026-01-21 17:30 Asia/Seoul").
 * `localZone` is the browser's zone unless given (tests pin it).
 */
export function formatTime(iso: string, zone: ZoneMode, localZone: string = localZoneName()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const timeZone = zone === 'UTC' ? 'UTC' : localZone === 'local' ? undefined : localZone;
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
  const label = zone === 'UTC' ? 'UTC' : localZone;
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${label}`;
}

/** Always the UTC instant (to the second), for hover titles next to a local time. */
export function utcTitle(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatDelay(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** A one-line label for an item: its title, or the start of its text (posts often have no title). */
export function itemLabel(item: { title: string; text: string }): string {
  if (item.title.trim()) return item.title;
  const text = item.text.replace(/\s+/g, ' ').trim();
  return text ? (text.length > 90 ? `${text.slice(0, 90)}…` : text) : '(untitled)';
}
