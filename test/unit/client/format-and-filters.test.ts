import { describe, expect, it } from 'vitest';
import { filtersFromQuery, mergeFilters, toApiFilter } from '../../../client/src/lib/filters.js';
import { change, compact, exact, formatDelay, formatTime, itemLabel, signedPercent } from '../../../client/src/lib/format.js';
import { highlightTerms } from '../../../client/src/lib/highlight.js';

describe('numbers and times', () => {
  it('shows large numbers compact and keeps the exact value available', () => {
    expect(compact(9_999)).toBe('9,999');
    expect(compact(1_234_567)).toBe('1.2M');
    expect(exact(1_234_567)).toBe('1,234,567');
  });

  it('describes change against the previous period, "new" when there was nothing', () => {
    expect(signedPercent(change(150, 100))).toBe('+50.0%');
    expect(signedPercent(change(50, 100))).toBe('−50.0%');
    expect(signedPercent(change(5, 0))).toBe('new');
    expect(signedPercent(change(0, 0))).toBe('±0%');
  });

  it('always names the zone of a time', () => {
    expect(formatTime('2026-01-21T08:30:00Z', 'UTC')).toBe('2026-01-21 08:30 UTC');
    expect(formatTime('2026-01-21T08:30:00Z', 'local')).toMatch(/^2026-01-2\d \d\d:30 \S+$/u);
    expect(formatDelay(5400)).toBe('1.5 h');
  });

  it('labels untitled items by the start of their text', () => {
    expect(itemLabel({ title: '', text: '  Київ   готовий  ' })).toBe('Київ готовий');
    expect(itemLabel({ title: 'T', text: 'x' })).toBe('T');
  });
});

describe('filters in the URL', () => {
  it('keeps only known, non-empty filters', () => {
    expect(filtersFromQuery({ q: 'exchange', side: 'UA,RU', bogus: 'x', lang: '', range: '7d' })).toEqual({
      q: 'exchange',
      side: 'UA,RU',
    });
  });

  it('narrows with a clicked mark and sends the period to the API', () => {
    expect(mergeFilters({ q: 'x', side: 'UA' }, { side: 'RU', frame: 'exchange_offer', from: 'ignored' })).toEqual({
      q: 'x',
      side: 'RU',
      frame: 'exchange_offer',
    });
    expect(toApiFilter({ side: 'UA' }, { from: 'a', to: 'b' })).toEqual({ side: 'UA', from: 'a', to: 'b' });
  });
});

describe('evidence highlighting', () => {
  it('marks every occurrence of the evidence terms, case-insensitively, longest first', () => {
    expect(highlightTerms('Exchange offer: the exchange of prisoners', ['exchange', 'exchange offer'])).toEqual([
      { text: 'Exchange offer', match: true },
      { text: ': the ', match: false },
      { text: 'exchange', match: true },
      { text: ' of prisoners', match: false },
    ]);
  });

  it('treats terms as text, not patterns, and leaves markup as text', () => {
    expect(highlightTerms('a <b>(x)</b>', ['(x)'])).toEqual([
      { text: 'a <b>', match: false },
      { text: '(x)', match: true },
      { text: '</b>', match: false },
    ]);
    expect(highlightTerms('plain', [])).toEqual([{ text: 'plain', match: false }]);
  });
});
