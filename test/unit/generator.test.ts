import { describe, it, expect, beforeAll } from 'vitest';
import { FormatRegistry } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { EngagementSnapshot, ItemInput, SourceInput } from '../../server/domain/schemas.js';
import { itemId } from '../../server/store/prepare.js';
import {
  DEMO_BASE_URL,
  FRAME_IDS,
  createRng,
  demoSources,
  generateItems,
  generateSnapshots,
  type GenerateOptions,
} from '../../pipelines/generator/index.js';

beforeAll(() => {
  if (!FormatRegistry.Has('date-time')) {
    FormatRegistry.Set('date-time', (v) => /(Z|[+-]\d{2}:\d{2})$/u.test(v) && !Number.isNaN(Date.parse(v)));
  }
  if (!FormatRegistry.Has('uri')) {
    FormatRegistry.Set('uri', (v) => {
      try {
        const { protocol } = new URL(v);
        return protocol === 'http:' || protocol === 'https:';
      } catch {
        return false;
      }
    });
  }
});

const START = new Date('2025-01-06T00:00:00Z');
const OPTS: GenerateOptions = { seed: 42, count: 2_000, start: START, days: 30, demo: true };
const take = (opts: GenerateOptions) => [...generateItems(opts)];
const idOf = (i: ItemInput) => itemId(i.platform, i.sourceId, i.externalId);

describe('createRng', () => {
  it('is deterministic and stays in range', () => {
    const a = createRng(7);
    const b = createRng(7);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createRng(8).next()).not.toBe(createRng(7).next());
    const r = createRng(1);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 5);
      expect(n >= 3 && n <= 5 && Number.isInteger(n)).toBe(true);
    }
    expect(r.weighted(['a', 'b'], [0, 1])).toBe('b');
    expect(r.weightedIndex([0, 0])).toBe(-1);
  });
});

describe('demoSources', () => {
  it('validates, is marked demo, covers every side and platform, and links only to the demo domain', () => {
    const check = TypeCompiler.Compile(SourceInput);
    const sources = demoSources();
    expect(sources.length).toBeGreaterThanOrEqual(20);
    for (const s of sources) {
      expect([...check.Errors(s)]).toEqual([]);
      expect(s.demo).toBe(true);
      expect(s.name).toMatch(/\(demo\)$/u);
      expect(s.url?.startsWith(`${DEMO_BASE_URL}/`)).toBe(true);
    }
    expect(new Set(sources.map((s) => s.id)).size).toBe(sources.length);
    expect(new Set(sources.map((s) => s.side))).toEqual(new Set(['UA', 'RU', 'KP', 'KR', 'US', 'EU', 'INTL']));
    expect(new Set(sources.map((s) => s.platform))).toEqual(new Set(['telegram', 'youtube', 'rss', 'web', 'gdelt']));
  });
});

describe('generateItems', () => {
  const items = take(OPTS);

  it('produces the requested count, all valid ItemInputs', () => {
    expect(items).toHaveLength(2_000);
    const check = TypeCompiler.Compile(ItemInput);
    for (const item of items) {
      const errors = [...check.Errors(item)].map((e) => `${e.path}: ${e.message}`);
      expect(errors, JSON.stringify(item)).toEqual([]);
    }
  });

  it('is deterministic: same seed gives identical output, another seed differs', () => {
    expect(JSON.stringify(take(OPTS))).toBe(JSON.stringify(items));
    const other = take({ ...OPTS, seed: 43 });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(items));
  });

  it('keeps ids unique, times inside the window, and collection after publication', () => {
    const ids = items.map(idOf);
    expect(new Set(ids).size).toBe(items.length);
    const end = START.getTime() + 30 * 86_400_000;
    for (const item of items) {
      const published = Date.parse(item.publishedAt);
      expect(published).toBeGreaterThanOrEqual(START.getTime());
      expect(published).toBeLessThan(end);
      expect(Date.parse(item.collectedAt ?? '')).toBeGreaterThan(published);
      expect(item.publishedAt.endsWith('Z')).toBe(true);
      expect(item.demo).toBe(true);
      expect(item.url?.startsWith(`${DEMO_BASE_URL}/`)).toBe(true);
    }
  });

  it('links every copy to an earlier original in the same output', () => {
    const originals = new Map<string, ItemInput>();
    for (const item of items) if (item.releaseId === idOf(item)) originals.set(item.releaseId, item);
    const copies = items.filter((i) => i.releaseId !== undefined && i.releaseId !== idOf(i));
    for (const copy of copies) {
      const original = originals.get(copy.releaseId as string);
      expect(original, copy.releaseId).toBeDefined();
      expect(Date.parse(copy.publishedAt)).toBeGreaterThan(Date.parse(original!.publishedAt));
    }
    const originalShare = originals.size / items.length;
    const releaseShare = (originals.size + copies.length) / items.length;
    expect(originalShare).toBeGreaterThan(0.06);
    expect(originalShare).toBeLessThan(0.12);
    expect(releaseShare).toBeGreaterThan(0.5);
    expect(releaseShare).toBeLessThan(0.7);
    // Releases travel: some copies come from another side and another language.
    expect(copies.some((c) => c.side !== originals.get(c.releaseId as string)!.side)).toBe(true);
    expect(copies.some((c) => c.lang !== originals.get(c.releaseId as string)!.lang)).toBe(true);
    expect(copies.some((c) => c.forwardedFrom !== undefined)).toBe(true);
  });

  it('backs every frame with evidence found in the title or text', () => {
    let framed = 0;
    for (const item of items) {
      const haystack = `${item.title ?? ''}\n${item.text}`.toLowerCase();
      const frames = item.frames ?? [];
      expect(frames.length).toBeLessThanOrEqual(3);
      if (frames.length > 0) framed++;
      for (const frame of frames) {
        expect(FRAME_IDS).toContain(frame.frameId);
        expect(frame.evidence.length).toBeGreaterThan(0);
        for (const term of frame.evidence) expect(haystack, `${frame.frameId}: ${term}`).toContain(term.toLowerCase());
      }
    }
    expect(framed / items.length).toBeGreaterThan(0.6);
    expect(new Set(items.flatMap((i) => (i.frames ?? []).map((f) => f.frameId)))).toEqual(new Set(FRAME_IDS));
  });

  it('covers every language and side, with kinds consistent with platforms', () => {
    const langs = new Set(items.map((i) => i.lang));
    for (const lang of ['uk', 'ru', 'ko', 'en']) expect(langs).toContain(lang);
    expect(new Set(items.map((i) => i.side))).toEqual(new Set(['UA', 'RU', 'KP', 'KR', 'US', 'EU', 'INTL']));
    const allowed: Record<string, string[]> = {
      youtube: ['video'],
      telegram: ['post', 'video'],
      rss: ['statement', 'article'],
      web: ['article'],
      gdelt: ['article'],
    };
    for (const item of items) expect(allowed[item.platform]).toContain(item.kind);
    // Ukrainian and Russian texts are told apart by their letters.
    expect(items.filter((i) => i.lang === 'uk').every((i) => /[іїєґ]/iu.test(i.text))).toBe(true);
    expect(items.filter((i) => i.lang === 'ru').some((i) => /[ыэъё]/iu.test(i.text))).toBe(true);
    expect(items.filter((i) => i.lang === 'ko').every((i) => /\p{Script=Hangul}/u.test(i.text))).toBe(true);
  });

  it('flags interrogation footage as sensitive and attaches video media', () => {
    const sensitive = items.filter((i) => i.sensitive);
    expect(sensitive.length).toBeGreaterThan(0);
    for (const item of sensitive) {
      expect(item.kind).toBe('video');
      expect(item.media?.[0]?.type).toBe('video');
    }
    for (const item of items.filter((i) => i.kind === 'video')) {
      expect(item.media?.[0]?.durationSec).toBeGreaterThan(0);
      expect(item.media?.[0]?.thumbnailUrl?.startsWith(DEMO_BASE_URL)).toBe(true);
    }
  });

  it('streams 200,000 items without building an array', () => {
    const started = performance.now();
    const stream = generateItems({ seed: 1, count: 200_000, start: START, days: 60 });
    expect(Array.isArray(stream)).toBe(false);
    expect(typeof stream.next).toBe('function');
    let n = 0;
    let inRelease = 0;
    for (const item of stream) {
      n++;
      if (item.releaseId !== undefined) inRelease++;
    }
    const ms = performance.now() - started;
    expect(n).toBe(200_000);
    expect(inRelease / n).toBeGreaterThan(0.5);
    expect(ms).toBeLessThan(10_000);
  }, 20_000);
});

describe('generateSnapshots', () => {
  it('gives a deterministic, non-decreasing curve that ends at the item engagement', () => {
    const check = TypeCompiler.Compile(EngagementSnapshot);
    const items = take({ ...OPTS, count: 300 }).filter((i) => i.engagement?.views !== undefined);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items.slice(0, 50)) {
      const points = generateSnapshots(item, { seed: 3 });
      expect(points).toEqual(generateSnapshots(item, { seed: 3 }));
      expect(points.length).toBe(12);
      for (const p of points) expect([...check.Errors(p)]).toEqual([]);
      for (let k = 1; k < points.length; k++) {
        expect(Date.parse(points[k]!.at)).toBeGreaterThan(Date.parse(points[k - 1]!.at));
        expect(points[k]!.views!).toBeGreaterThanOrEqual(points[k - 1]!.views!);
      }
      expect(points.at(-1)!.views).toBe(item.engagement!.views);
      expect(points[0]!.itemId).toBe(idOf(item));
    }
  });
});
