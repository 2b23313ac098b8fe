import { describe, expect, it } from 'vitest';
import { formatTime, utcTitle } from '../../../client/src/lib/format.js';
import { en } from '../../../client/src/i18n/en.js';

describe('times in the user’s zone', () => {
  const instant = '2026-01-21T20:30:15Z';

  it('shows the instant in the chosen zone with the zone named', () => {
    expect(formatTime(instant, 'local', 'Asia/Seoul')).toBe('2026-01-22 05:30 Asia/Seoul');
    expect(formatTime(instant, 'local', 'Europe/Kyiv')).toBe('2026-01-21 22:30 Europe/Kyiv');
    expect(formatTime(instant, 'local', 'America/New_York')).toBe('2026-01-21 15:30 America/New_York');
  });

  it('follows daylight saving time of the zone', () => {
    expect(formatTime('2026-07-21T20:30:00Z', 'local', 'Europe/Kyiv')).toBe('2026-07-21 23:30 Europe/Kyiv');
  });

  it('shows UTC when chosen, whatever the browser’s zone', () => {
    expect(formatTime(instant, 'UTC', 'Asia/Seoul')).toBe('2026-01-21 20:30 UTC');
  });

  it('gives the UTC instant to the second for the hover title', () => {
    expect(utcTitle(instant)).toBe('2026-01-21 20:30:15 UTC');
    expect(utcTitle('2026-01-22T05:30:15+09:00')).toBe('2026-01-21 20:30:15 UTC');
  });

  it('leaves an unreadable time as it came', () => {
    expect(formatTime('not a time', 'local', 'Asia/Seoul')).toBe('not a time');
    expect(utcTitle('not a time')).toBe('not a time');
  });
});

describe('interface strings', () => {
  it('keeps every English message a non-empty string', () => {
    const leaves = (node: unknown, path: string): [string, unknown][] =>
      typeof node === 'object' && node !== null
        ? Object.entries(node).flatMap(([key, value]) => leaves(value, path ? `${path}.${key}` : key))
        : [[path, node]];
    const all = leaves(en, '');
    expect(all.length).toBeGreaterThan(100);
    for (const [path, value] of all) expect(typeof value === 'string' && value.length > 0, path).toBe(true);
  });
});
