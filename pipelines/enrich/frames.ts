/**
 * Framing: which frames of the codebook a text uses, with the matched spans as evidence. A frame
 * matches when one of its patterns (in the text's language) occurs and no exclusion of that frame
 * overlaps the occurrence: exclusions veto the spans they cover ("exchange rate", "не буде обміну"),
 * not the whole text, so a real match elsewhere in the same text still counts.
 */
import type { FrameMatch } from '../../server/domain/schemas.js';
import type { Codebook } from '../codebook/index.js';
import { analyzeText, overlaps, PatternIndex, type AnalyzedText, type PatternHit } from './patterns.js';

const MAX_EVIDENCE = 50;
const MAX_EVIDENCE_LENGTH = 200;
/** Index key for texts whose language the codebook does not cover: every language's patterns. */
const ALL = '*';

interface Tag {
  frame: number;
  lang: string;
  exclusion: boolean;
}

export interface CompiledCodebook {
  version: string;
  frameIds: string[];
  languages: string[];
  /** One index per language plus ALL. */
  indexes: Map<string, PatternIndex<Tag>>;
  /** Sensitive-footage terms, same per-language layout; frame index is unused (-1). */
  sensitive: Map<string, PatternIndex<Tag>>;
}

const compiled = new WeakMap<Codebook, CompiledCodebook>();

function buildIndexes(
  groups: { frame: number; patterns: Record<string, string[]>; exclusions: Record<string, string[]> | undefined }[],
): Map<string, PatternIndex<Tag>> {
  const indexes = new Map<string, PatternIndex<Tag>>([[ALL, new PatternIndex<Tag>()]]);
  const add = (lang: string, pattern: string, tag: Tag) => {
    let index = indexes.get(lang);
    if (!index) {
      index = new PatternIndex<Tag>();
      indexes.set(lang, index);
    }
    index.add(pattern, tag);
    indexes.get(ALL)?.add(pattern, tag);
  };
  for (const g of groups) {
    for (const [lang, list] of Object.entries(g.patterns))
      for (const p of list) add(lang, p, { frame: g.frame, lang, exclusion: false });
    for (const [lang, list] of Object.entries(g.exclusions ?? {}))
      for (const p of list) add(lang, p, { frame: g.frame, lang, exclusion: true });
  }
  return indexes;
}

/** Compiles a (validated) codebook once; later calls with the same object reuse the result. */
export function compileCodebook(codebook: Codebook): CompiledCodebook {
  const cached = compiled.get(codebook);
  if (cached) return cached;
  const indexes = buildIndexes(codebook.frames.map((f, frame) => ({ frame, patterns: f.patterns, exclusions: f.exclusions })));
  const sensitive = codebook.sensitive
    ? buildIndexes([{ frame: -1, patterns: codebook.sensitive.patterns, exclusions: codebook.sensitive.exclusions }])
    : new Map<string, PatternIndex<Tag>>();
  const languages = [...indexes.keys()].filter((k) => k !== ALL).sort();
  const result: CompiledCodebook = {
    version: codebook.version,
    frameIds: codebook.frames.map((f) => f.id),
    languages,
    indexes,
    sensitive,
  };
  compiled.set(codebook, result);
  return result;
}

function indexFor(indexes: Map<string, PatternIndex<Tag>>, lang: string): PatternIndex<Tag> | undefined {
  return indexes.get(lang) ?? indexes.get(ALL);
}

function asAnalyzed(text: string | AnalyzedText): AnalyzedText {
  return typeof text === 'string' ? analyzeText(text) : text;
}

interface Resolved {
  kept: PatternHit<Tag>[];
  vetoed: { hit: PatternHit<Tag>; by: PatternHit<Tag> }[];
  exclusions: PatternHit<Tag>[];
}

/** Splits hits into kept matches, vetoed matches and the exclusions found, per frame index. */
function resolve(hits: PatternHit<Tag>[]): Map<number, Resolved> {
  const byFrame = new Map<number, Resolved>();
  for (const hit of hits) {
    let r = byFrame.get(hit.tag.frame);
    if (!r) {
      r = { kept: [], vetoed: [], exclusions: [] };
      byFrame.set(hit.tag.frame, r);
    }
    (hit.tag.exclusion ? r.exclusions : r.kept).push(hit);
  }
  for (const r of byFrame.values()) {
    if (r.exclusions.length === 0) continue;
    const kept: PatternHit<Tag>[] = [];
    for (const hit of r.kept) {
      const by = r.exclusions.find((e) => overlaps(e, hit));
      if (by) r.vetoed.push({ hit, by });
      else kept.push(hit);
    }
    r.kept = kept;
  }
  return byFrame;
}

/**
 * Frames of the codebook found in a text, in codebook order, each with its evidence: the matched
 * spans as they appear in the text, distinct, non-overlapping, in text order.
 */
export function tagFrames(text: string | AnalyzedText, lang: string, codebook: Codebook | CompiledCodebook): FrameMatch[] {
  const cb = 'indexes' in codebook ? codebook : compileCodebook(codebook);
  const index = indexFor(cb.indexes, lang);
  if (!index) return [];
  const input = asAnalyzed(text);
  const byFrame = resolve(index.find(input));
  const out: FrameMatch[] = [];
  cb.frameIds.forEach((frameId, frame) => {
    const r = byFrame.get(frame);
    if (!r || r.kept.length === 0) return;
    const evidence: string[] = [];
    const seen = new Set<string>();
    // The tightest span wins where patterns overlap ("обмін полоненими" over "обмін ... українських").
    const taken: PatternHit<Tag>[] = [];
    const hits = [...r.kept].sort((a, b) => a.start - b.start || a.end - b.end);
    for (const hit of hits) {
      if (taken.some((t) => overlaps(t, hit))) continue;
      taken.push(hit);
      const span = input.text.slice(hit.start, hit.end).slice(0, MAX_EVIDENCE_LENGTH);
      if (seen.has(span)) continue;
      seen.add(span);
      evidence.push(span);
      if (evidence.length >= MAX_EVIDENCE) break;
    }
    out.push({ frameId, evidence });
  });
  return out;
}

export interface ExplainedSpan {
  pattern: string;
  lang: string;
  text: string;
  start: number;
  end: number;
}

export interface FrameExplanation {
  frameId: string;
  matched: boolean;
  /** Patterns that matched and count as evidence. */
  matches: ExplainedSpan[];
  /** Patterns that matched but were vetoed, with the exclusion that vetoed each. */
  vetoed: (ExplainedSpan & { vetoedBy: ExplainedSpan })[];
  /** Every exclusion of this frame found in the text. */
  exclusions: ExplainedSpan[];
}

/** The codebook "test box": for every frame, what matched where, and what an exclusion vetoed. */
export function explainFrames(text: string, lang: string, codebook: Codebook | CompiledCodebook): FrameExplanation[] {
  const cb = 'indexes' in codebook ? codebook : compileCodebook(codebook);
  const index = indexFor(cb.indexes, lang);
  const input = analyzeText(text);
  const byFrame = index ? resolve(index.find(input)) : new Map<number, Resolved>();
  const span = (h: PatternHit<Tag>): ExplainedSpan => ({
    pattern: h.pattern,
    lang: h.tag.lang,
    text: text.slice(h.start, h.end),
    start: h.start,
    end: h.end,
  });
  return cb.frameIds.map((frameId, frame) => {
    const r = byFrame.get(frame) ?? { kept: [], vetoed: [], exclusions: [] };
    return {
      frameId,
      matched: r.kept.length > 0,
      matches: r.kept.map(span),
      vetoed: r.vetoed.map(({ hit, by }) => ({ ...span(hit), vetoedBy: span(by) })),
      exclusions: r.exclusions.map(span),
    };
  });
}

/** True when the text contains an unvetoed sensitive-footage term of the codebook. */
export function hasSensitiveTerms(text: string | AnalyzedText, lang: string, codebook: Codebook | CompiledCodebook): boolean {
  const cb = 'indexes' in codebook ? codebook : compileCodebook(codebook);
  const index = indexFor(cb.sensitive, lang);
  if (!index) return false;
  const r = resolve(index.find(asAnalyzed(text))).get(-1);
  return r !== undefined && r.kept.length > 0;
}
