import { describe, expect, it } from 'vitest';
import { defaultCodebook } from '../../../pipelines/codebook/index.js';
import { evaluateFraming, loadLabeledSet } from '../../../pipelines/enrich/evaluation.js';

const set = loadLabeledSet(new URL('../../fixtures/enrich/framing-labeled.json', import.meta.url));

describe('framing evaluation on the labeled set', () => {
  it('has at least 120 texts, 30 per language, with negatives', () => {
    expect(set.length).toBeGreaterThanOrEqual(120);
    for (const lang of ['uk', 'ru', 'ko', 'en']) expect(set.filter((s) => s.lang === lang).length).toBeGreaterThanOrEqual(30);
    expect(set.filter((s) => s.frames.length === 0).length).toBeGreaterThanOrEqual(12);
  });

  it('reaches macro F1 >= 0.8 and language accuracy >= 0.97', () => {
    const report = evaluateFraming(set, defaultCodebook());
    console.log(
      `${report.frames.map((f) => `${f.frameId.padEnd(20)} P ${f.precision.toFixed(2)} R ${f.recall.toFixed(2)} F1 ${f.f1.toFixed(2)}`).join('\n')}\nmacro F1 ${report.macroF1.toFixed(3)}, language accuracy ${report.languageAccuracy.toFixed(3)}`,
    );
    expect(report.macroF1).toBeGreaterThanOrEqual(0.8);
    expect(report.languageAccuracy).toBeGreaterThanOrEqual(0.97);
  });
});
