import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWatchList } from '../../pipelines/sources/index.js';

describe('default watch list', () => {
  it('covers every side of the shipped topic, all marked unverified', () => {
    const sources = readWatchList();
    expect(new Set(sources.map((s) => s.side))).toEqual(new Set(['UA', 'RU', 'KP', 'KR', 'INTL']));
    expect(sources.every((s) => s.verified === false)).toBe(true);
    expect(sources.some((s) => s.platform === 'telegram' && s.releaseSource)).toBe(true);
  });

  it('names the entry and field of a bad watch list', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fw-watch-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ sources: [{ id: 'x', platform: 'fax', name: 'X', side: 'UA', type: 'media' }] }));
    expect(() => readWatchList(file)).toThrow(/sources\[0\]\.platform: expected one of telegram/u);
  });
});
