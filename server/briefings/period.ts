/**
 * Briefing periods in an IANA time zone. Instants are UTC; local calendar arithmetic goes through
 * Intl (the zone's rules, DST included): a local wall-clock time is turned into an instant by
 * guessing with UTC, reading the zone's offset at the guess, and correcting once more for the
 * offset at the result (a DST change between guess and result). A week that contains a DST change
 * is 167 or 169 hours long; its bounds are still local midnights.
 */
import { ValidationError } from '../domain/errors.js';

export interface Period {
  /** Inclusive start (UTC instant, ISO). */
  from: string;
  /** Exclusive end (UTC instant, ISO). */
  to: string;
  timeZone: string;
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a ValidationError for a zone Intl does not know. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new ValidationError(`"${timeZone}" is not a known IANA time zone`, 'timeZone');
  }
}

/** The wall-clock fields of an instant in the zone. */
export function localParts(ms: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Zone offset at an instant, in milliseconds (local - UTC). */
function offsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant of a local wall-clock time; a time skipped by a DST gap resolves to just after it. */
export function zonedTimeToUtc(date: LocalDate, timeZone: string, hour = 0, minute = 0): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const first = wall - offsetMs(wall, timeZone);
  const second = wall - offsetMs(first, timeZone);
  return second;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Local calendar date of an instant. */
export function localDate(ms: number, timeZone: string): LocalDate {
  const p = localParts(ms, timeZone);
  return { year: p.year, month: p.month, day: p.day };
}

/** The last full week, Monday 00:00 to Monday 00:00 local time, before the week `now` falls in. */
export function lastFullWeek(now: Date, timeZone: string): Period {
  assertTimeZone(timeZone);
  const today = localDate(now.getTime(), timeZone);
  // 0 = Monday … 6 = Sunday (the weekday of a calendar date does not depend on the zone).
  const weekday = (new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay() + 6) % 7;
  const thisMonday = addDays(today, -weekday);
  const lastMonday = addDays(thisMonday, -7);
  return {
    from: new Date(zonedTimeToUtc(lastMonday, timeZone)).toISOString(),
    to: new Date(zonedTimeToUtc(thisMonday, timeZone)).toISOString(),
    timeZone,
  };
}

/**
 * The period just before: as many local calendar days, ending where this one starts (so the
 * previous week of a DST week is still Monday to Monday). Periods that do not start and end at
 * the same local time of day fall back to the same length in UTC.
 */
export function previousPeriod(period: Period): Period {
  const fromMs = Date.parse(period.from);
  const toMs = Date.parse(period.to);
  const a = localParts(fromMs, period.timeZone);
  const b = localParts(toMs, period.timeZone);
  if (a.hour === b.hour && a.minute === b.minute && a.second === b.second) {
    const start = { year: a.year, month: a.month, day: a.day };
    const end = { year: b.year, month: b.month, day: b.day };
    const days = Math.round(
      (Date.UTC(end.year, end.month - 1, end.day) - Date.UTC(start.year, start.month - 1, start.day)) / 86_400_000,
    );
    if (days > 0) {
      const prev = zonedTimeToUtc(addDays(start, -days), period.timeZone, a.hour, a.minute);
      return { from: new Date(prev).toISOString(), to: period.from, timeZone: period.timeZone };
    }
  }
  return { from: new Date(fromMs - (toMs - fromMs)).toISOString(), to: period.from, timeZone: period.timeZone };
}

/** "2026-01-19 00:00" in the zone, for headings. */
export function localText(iso: string, timeZone: string): string {
  const p = localParts(Date.parse(iso), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** The period as readers say it: "2026-01-19 – 2026-01-25 (Europe/Kyiv)", the end day inclusive. */
export function periodText(period: Period): string {
  const last = localText(new Date(Date.parse(period.to) - 1).toISOString(), period.timeZone).slice(0, 10);
  return `${localText(period.from, period.timeZone).slice(0, 10)} – ${last} (${period.timeZone})`;
}
