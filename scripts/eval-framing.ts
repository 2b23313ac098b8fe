/**
 * Framing and language evaluation on the labeled set (npm run eval:framing):
 *
 *   npx tsx scripts/eval-framing.ts [--set test/fixtures/enrich/framing-labeled.json] [--codebook path] [--mistakes]
 */
import { parseArgs } from 'node:util';
import { defaultCodebook, loadCodebook } from '../pipelines/codebook/index.js';
import { evaluateFraming, loadLabeledSet } from '../pipelines/enrich/evaluation.js';
import { compileCodebook, tagFrames } from '../pipelines/enrich/frames.js';
import { detectLanguage } from '../pipelines/enrich/language.js';
import { FRAME_SENTENCES, parseFramePhrase } from '../pipelines/generator/phrases.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'test/fixtures/enrich/framing-labeled.json' },
    codebook: { type: 'string' },
    mistakes: { type: 'boolean', default: false },
  },
});

const codebook = values.codebook ? loadCodebook(values.codebook) : defaultCodebook();
const set = loadLabeledSet(values.set);
const report = evaluateFraming(set, codebook);
const pct = (n: number) => `${(n * 100).toFixed(1)}%`.padStart(7);

const perLang = new Map<string, number>();
for (const item of set) perLang.set(item.lang, (perLang.get(item.lang) ?? 0) + 1);
console.log(
  `Codebook ${codebook.version}, ${report.items} labeled texts (${[...perLang].map(([l, n]) => `${l} ${n}`).join(', ')})\n`,
);
console.log(`${'frame'.padEnd(22)} support  tp  fp  fn  precision  recall      F1`);
for (const f of report.frames) {
  console.log(
    `${f.frameId.padEnd(22)} ${String(f.support).padStart(7)} ${String(f.tp).padStart(3)} ${String(f.fp).padStart(3)} ${String(f.fn).padStart(3)}    ${pct(f.precision)} ${pct(f.recall)} ${pct(f.f1)}`,
  );
}
console.log(`\nmacro F1            ${pct(report.macroF1)}   (target >= 80%)`);
console.log(`language accuracy   ${pct(report.languageAccuracy)}   (target >= 97%)`);
for (const e of report.languageErrors) console.log(`  language ${e.id}: expected ${e.expected}, got ${e.got} (${e.confidence})`);
if (values.mistakes) {
  console.log('\nmistakes:');
  for (const m of report.mistakes) {
    const text = set.find((s) => s.id === m.id)?.text ?? '';
    console.log(`  ${m.id}: missed [${m.missed.join(', ')}] extra [${m.extra.join(', ')}]  ${text.slice(0, 100)}`);
  }
}

// A second view the codebook was not tuned on: the frame sentences of the demo generator's phrase
// bank, written separately. Each is labeled with one frame; only recall is meaningful there.
const cb = compileCodebook(codebook);
console.log('\nheld-out recall on the generator phrase bank (uk, ru, ko, en):');
let hits = 0;
let total = 0;
for (const [frameId, bank] of Object.entries(FRAME_SENTENCES)) {
  let n = 0;
  let found = 0;
  for (const [voice, sentences] of Object.entries(bank)) {
    if (!['uk', 'ru', 'ko', 'ko@KP', 'en'].includes(voice)) continue;
    for (const marked of sentences ?? []) {
      const { text } = parseFramePhrase(marked);
      n++;
      if (tagFrames(text, detectLanguage(text).lang, cb).some((f) => f.frameId === frameId)) found++;
      else if (values.mistakes) console.log(`  missed ${frameId}: ${text}`);
    }
  }
  hits += found;
  total += n;
  console.log(`  ${frameId.padEnd(22)} ${String(found).padStart(3)}/${String(n).padEnd(3)} ${pct(n === 0 ? 0 : found / n)}`);
}
console.log(
  `  ${'all'.padEnd(22)} ${String(hits).padStart(3)}/${String(total).padEnd(3)} ${pct(total === 0 ? 0 : hits / total)}`,
);
