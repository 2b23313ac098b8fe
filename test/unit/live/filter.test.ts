import { describe, expect, it } from 'vitest';
import { compileFilter, filterKey } from '../../../server/live/filter.js';
import type { LiveFilter } from '../../../server/live/protocol.js';
import type { LiveItemFields } from '../../../server/live/filter.js';

const item = (overrides: Partial<LiveItemFields> = {}): LiveItemFields => ({
  side: 'UA',
  platform: 'telegram',
  kind: 'video',
  sourceId: 'ua-channel',
  lang: 'uk',
  frames: [{ frameId: 'exchange_offer', evidence: ['обмін'] }],
  title: 'Допит полоненого',
  text: 'Київ пропонує обмін полонених на українських військових.',
  ...overrides,
});
const matches = (filter: LiveFilter, it: LiveItemFields = item()) => compileFilter(filter).matches(it);

describe('live filter', () => {
  it('matches everything when empty, and each list as "any of"', () => {
    expect(matches({})).toBe(true);
    expect(matches({ sides: ['RU', 'UA'] })).toBe(true);
    expect(matches({ sides: ['RU'] })).toBe(false);
    expect(matches({ platforms: ['youtube'] })).toBe(false);
    expect(matches({ kinds: ['video'], langs: ['uk'], sources: ['ua-channel'] })).toBe(true);
    expect(matches({ frames: ['cannon_fodder', 'exchange_offer'] })).toBe(true);
    expect(matches({ frames: ['cannon_fodder'] })).toBe(false);
  });

  it('reads the query with the search syntax: words, phrases, OR, exclusions, prefixes, folded case and diacritics', () => {
    expect(matches({ query: 'киів обмін' })).toBe(true); // й folded to и, as the index does
    expect(matches({ query: '"обмін полонених"' })).toBe(true);
    expect(matches({ query: '"полонених обмін"' })).toBe(false);
    expect(matches({ query: 'москва OR київ' })).toBe(true);
    expect(matches({ query: 'обмін -військових' })).toBe(false);
    expect(matches({ query: 'полон*' })).toBe(true);
    expect(matches({ query: 'допит' })).toBe(true); // title
    // A phrase does not run from the title into the text.
    expect(matches({ query: '"полоненого київ"' })).toBe(false);
  });

  it('translates to the store filter used by reconnect replay', () => {
    expect(compileFilter({ sides: ['UA'], sources: ['a'], query: 'обмін' }).store).toEqual({
      sides: ['UA'],
      sourceIds: ['a'],
      query: { must: [[{ tokens: ['обмін'], prefix: false }]], mustNot: [] },
    });
  });

  it('refuses bad query syntax with a validation error', () => {
    expect(() => compileFilter({ query: '"open' })).toThrow(/never closed/u);
  });
});

describe('filter key', () => {
  it('is the same for filters that mean the same, and differs otherwise', () => {
    expect(filterKey({ sides: ['UA', 'RU'], platforms: ['telegram'] })).toBe(
      filterKey({ platforms: ['telegram'], sides: ['RU', 'UA'], frames: [] }),
    );
    expect(filterKey({})).toBe(filterKey({ sides: [], query: '  ' }));
    expect(filterKey({ query: ' exchange ' })).toBe(filterKey({ query: 'exchange' }));
    expect(filterKey({ sides: ['UA'] })).not.toBe(filterKey({ sides: ['RU'] }));
    // The same value in another field is another filter.
    expect(filterKey({ sources: ['UA'] })).not.toBe(filterKey({ sides: ['UA'] }));
    expect(filterKey({ query: 'exchange' })).not.toBe(filterKey({ query: '-exchange' }));
  });
});
