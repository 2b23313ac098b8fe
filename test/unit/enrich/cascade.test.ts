import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Side, SourceType } from '../../../server/domain/schemas.js';
import { itemId } from '../../../server/store/prepare.js';
import type { RawItem } from '../../../pipelines/collectors/types.js';
import { enrich, ReleaseLinker, type LinkResult } from '../../../pipelines/enrich/index.js';

interface CascadeItem extends Omit<RawItem, 'raw'> {
  key: string;
  release: string | null;
  note: string;
}

interface Cascade {
  sources: Record<string, { side: Side; type: SourceType; releaseSource?: boolean }>;
  items: CascadeItem[];
}

const cascade = JSON.parse(readFileSync(new URL('../../fixtures/enrich/cascade.json', import.meta.url), 'utf8')) as Cascade;

function run() {
  const linker = new ReleaseLinker();
  const ids = new Map(cascade.items.map((i) => [i.key, itemId(i.platform, i.sourceId, i.externalId)]));
  const rows: { item: CascadeItem; expected: string | null; got: string | null; link: LinkResult }[] = [];
  for (const { key: _key, release, note: _note, ...raw } of cascade.items) {
    const item = cascade.items.find((i) => i.externalId === raw.externalId && i.sourceId === raw.sourceId) as CascadeItem;
    const source = cascade.sources[raw.sourceId];
    if (!source) throw new Error(`unknown source ${raw.sourceId}`);
    const { item: out, link } = enrich(
      { ...raw, raw: { fixture: item.key } },
      { source: { id: raw.sourceId, ...source }, linker, now: new Date('2026-02-10T00:00:00Z') },
    );
    rows.push({ item, expected: release ? (ids.get(release) ?? null) : null, got: out.releaseId ?? null, link });
  }
  return rows;
}

describe('release linking cascade', () => {
  const rows = run();

  it('links copies to their release with precision and recall >= 0.9', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const r of rows) {
      if (r.got !== null && r.got === r.expected) tp++;
      else {
        if (r.got !== null) fp++;
        if (r.expected !== null) fn++;
      }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    const table = rows.map(
      (r) =>
        `${r.item.key.padEnd(24)} ${r.link.reason.padEnd(15)} ${r.got === r.expected ? 'ok' : 'WRONG'}${r.link.similarity ? ` sim=${r.link.similarity}` : ''}`,
    );
    console.log(
      `${table.join('\n')}\nlinking precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (${rows.length} items)`,
    );
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  it('gives the reason a user would expect for each kind of copy', () => {
    const reason = (key: string) => rows.find((r) => r.item.key === key)?.link.reason;
    expect(reason('original')).toBe('new_release');
    expect(reason('forward-ru')).toBe('forward');
    expect(reason('forward-osint')).toBe('forward');
    expect(reason('link-tme-tracking')).toBe('link');
    expect(reason('link-youtu-be')).toBe('same_video');
    expect(reason('reupload-embed')).toBe('same_video');
    expect(reason('near-dup-prefixed')).toBe('near_duplicate');
    expect(reason('near-dup-edited')).toBe('near_duplicate');
    expect(reason('lookalike-short-1')).toBe('none');
    expect(reason('near-dup-out-of-window')).toBe('none');
  });
});
