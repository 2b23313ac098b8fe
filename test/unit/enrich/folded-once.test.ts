/**
 * Enrichment folds an item's title and text once and reuses the folds for pattern matching, the
 * release signature and the search index. That is only right if folding the combined text gives
 * the folds joined, and if a store given those indexed forms prepares exactly what it would have
 * prepared by itself; both are checked here on hostile text (final sigma, dotted I, combining marks,
 * Hangul, URLs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareEnrichment, type EnrichSource } from '../../../pipelines/enrich/index.js';
import { analyzeText } from '../../../pipelines/enrich/patterns.js';
import { prepareItem } from '../../../server/store/prepare.js';
import { fold, searchableFolded } from '../../../server/store/text.js';
import { anItem } from '../../helpers/factories.js';

const piece = fc.constantFrom(
  'ΣΟΦΊΑ Σ',
  'İstanbul',
  'é',
  'e\u0301',
  'ñ',
  'Київ',
  'ПОЛОНЕНІ',
  '포로 교환',
  ' ',
  '\n',
  'https://T.Me/Chan/1 ',
  'www.Example.COM/ü ',
  'a',
  'ß',
  'ǅ',
);
const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
const source: EnrichSource = { id: 'src', side: 'UA', type: 'channel', releaseSource: false, sensitive: false };
const NOW = new Date('2026-01-10T12:00:00Z');

describe('folding once', () => {
  it('folds a title and a text joined by a line break as the two folds joined', () => {
    fc.assert(
      fc.property(text, text, (title, body) => {
        expect(fold(`${title}\n${body}`)).toBe(`${fold(title)}\n${fold(body)}`);
        expect(analyzeText(`${title}\n${body}`, `${fold(title)}\n${fold(body)}`)).toEqual(analyzeText(`${title}\n${body}`));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the store the indexed forms it would compute, and a store given them prepares the same item', () => {
    fc.assert(
      fc.property(text, text, (title, body) => {
        fc.pre(body.trim().length > 0);
        const pre = prepareEnrichment(
          {
            platform: 'telegram',
            sourceId: 'src',
            externalId: '1',
            kind: 'post',
            title,
            text: body,
            publishedAt: NOW.toISOString(),
            raw: {},
          },
          { source, now: NOW },
        );
        const input = pre.item;
        expect(pre.search).toEqual({
          title: searchableFolded(fold(input.title ?? '')),
          text: searchableFolded(fold(input.text)),
        });
        const indexed = {
          title: input.title ?? '',
          text: input.text,
          searchTitle: pre.search.title,
          searchText: pre.search.text,
        };
        expect(prepareItem(input, NOW, undefined, indexed)).toEqual(prepareItem(input, NOW));
      }),
      { numRuns: 300 },
    );
  });

  it('ignores indexed forms made from another title or text', () => {
    const input = anItem({ title: 'Обмін полоненими', text: 'Сьогодні відбувся обмін' });
    const stale = { title: 'Old title', text: 'Old text', searchTitle: 'old title', searchText: 'old text' };
    const prepared = prepareItem(input, NOW, undefined, stale);
    expect(prepared).toEqual(prepareItem(input, NOW));
    expect(prepared.searchText).toBe('сьогодні відбувся обмін');
  });
});
