/**
 * Scoring the framing tagger and the language detector against a labeled set: per-frame precision,
 * recall and F1, macro F1 over the frames, and language accuracy. Shared by
 * scripts/eval-framing.ts (npm run eval:framing) and the unit test that holds the thresholds.
 */
import { readFileSync } from 'node:fs';
import type { Codebook } from '../codebook/index.js';
import { compileCodebook, tagFrames } from './frames.js';
import { detectLanguage } from './language.js';

export interface LabeledText {
  id: string;
  lang: string;
  text: string;
  frames: string[];
}

export interface FrameScore {
  frameId: string;
  support: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Mistake {
  id: string;
  missed: string[];
  extra: string[];
}

export interface FramingReport {
  items: number;
  frames: FrameScore[];
  macroF1: number;
  languageAccuracy: number;
  languageErrors: { id: string; expected: string; got: string; confidence: number }[];
  mistakes: Mistake[];
}

export function loadLabeledSet(path: string | URL): LabeledText[] {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { items?: LabeledText[] };
  if (!Array.isArray(parsed.items)) throw new Error(`${String(path)}: expected { items: [...] }`);
  return parsed.items;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/**
 * Frames are tagged with the detected language, as in production, so that a language error costs
 * what it would cost on real data.
 */
export function evaluateFraming(set: LabeledText[], codebook: Codebook): FramingReport {
  const cb = compileCodebook(codebook);
  const counts = new Map(cb.frameIds.map((id) => [id, { tp: 0, fp: 0, fn: 0, support: 0 }]));
  const languageErrors: FramingReport['languageErrors'] = [];
  const mistakes: Mistake[] = [];
  for (const item of set) {
    const guess = detectLanguage(item.text);
    if (guess.lang !== item.lang)
      languageErrors.push({ id: item.id, expected: item.lang, got: guess.lang, confidence: guess.confidence });
    const got = new Set(tagFrames(item.text, guess.lang, cb).map((f) => f.frameId));
    const want = new Set(item.frames);
    const missed: string[] = [];
    const extra: string[] = [];
    for (const [id, c] of counts) {
      if (want.has(id)) c.support++;
      if (want.has(id) && got.has(id)) c.tp++;
      else if (want.has(id)) {
        c.fn++;
        missed.push(id);
      } else if (got.has(id)) {
        c.fp++;
        extra.push(id);
      }
    }
    if (missed.length + extra.length > 0) mistakes.push({ id: item.id, missed, extra });
  }
  const frames = [...counts].map(([frameId, c]) => {
    const precision = ratio(c.tp, c.tp + c.fp);
    const recall = ratio(c.tp, c.tp + c.fn);
    return { frameId, ...c, precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
  });
  return {
    items: set.length,
    frames,
    macroF1: ratio(
      frames.reduce((s, f) => s + f.f1, 0),
      frames.length,
    ),
    languageAccuracy: ratio(set.length - languageErrors.length, set.length),
    languageErrors,
    mistakes,
  };
}
