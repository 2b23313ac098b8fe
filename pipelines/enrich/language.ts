/**
 * Language identification without models: the script decides the family (Hangul → ko, kana → ja,
 * Han → zh, Cyrillic, Latin), then letters and function words decide within it. Ukrainian and
 * Russian share most of their alphabet, so the letters only one of them has (і ї є ґ and the
 * apostrophe vs ы э ъ ё) carry the most weight, helped by function words and frequent endings.
 */

export interface LanguageGuess {
  /** ISO 639-1 code, or 'und' when the text is too short or too mixed to tell. */
  lang: string;
  /** 0..1. */
  confidence: number;
}

const URLISH = /(?:https?:\/\/|www\.)\S+|\S+@\S+\.\S+|[@#][\w.]+/giu;
const WORD = /[\p{L}\p{M}'’ʼ]+/gu;
const MIN_LETTERS = 4;

const set = (words: string) => new Set(words.split(/\s+/u).filter((w) => w.length > 0));

// Function words that one language of a pair uses and the other does not (or spells otherwise).
const UK_WORDS = set(`і й та що це як від щодо також його її їх які який яка яке під час бути був була було
  ще вже тому але або щоб чи де коли після між цього цієї яких ніж усі всі вони ми ви він вона воно
  є з із зі мають має можуть може лише тільки саме дуже понад свої своїх наших наші україни росії
  північнокорейських полонених полонені сьогодні року війни заявив повідомив повідомляє людей`);
const RU_WORDS = set(`и что это как от также его её их которые который которая которое под время был была
  было ещё уже поэтому но или чтобы ли где когда после между этого этой каких чем все они мы вы он она
  оно есть с со к о об из имеют имеет могут может лишь только именно очень более свои своих наших наши
  украины россии северокорейских пленных пленные сегодня году года войны заявил сообщил сообщает человек`);
// Words both share are useless; drop them from both lists.
for (const w of [...UK_WORDS]) {
  if (RU_WORDS.has(w)) {
    UK_WORDS.delete(w);
    RU_WORDS.delete(w);
  }
}

const LATIN_WORDS: Record<string, Set<string>> = {
  en: set(`the and of to in is that for with on was are by from as has have it said not were will be this an
    at its after their who which would been they he she we his her our more about than also into over`),
  de: set(`der die das und ist nicht mit von den dem ein eine einen zu auf sich des im für wurde sind auch dass
    nach bei als wie aus noch werden hat haben über gegen seine ihre`),
  fr: set(`le la les des et est une un du dans que pour qui sur pas par au aux avec ce sont été ont leur
    cette il elle ils selon après contre sa son ses mais`),
  es: set(`el los las y es una del en que para por con no se su al lo como más pero sus fue han este esta
    según tras contra`),
  it: set(`il di che è per una del della dei con non si sono gli le nel alla dalla anche come più ha
    secondo dopo contro`),
  pl: set(`i w na z że się do nie jest to jak po przez od dla jego ich oraz który która które są był była`),
};

const LATIN_LISTS = Object.entries(LATIN_WORDS);

interface ScriptCounts {
  hangul: number;
  kana: number;
  han: number;
  cyrillic: number;
  latin: number;
  other: number;
  ukLetters: number;
  ruLetters: number;
  beLetters: number;
  srLetters: number;
}

function countScripts(text: string): ScriptCounts {
  const c: ScriptCounts = {
    hangul: 0,
    kana: 0,
    han: 0,
    cyrillic: 0,
    latin: 0,
    other: 0,
    ukLetters: 0,
    ruLetters: 0,
    beLetters: 0,
    srLetters: 0,
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x41) continue;
    if (
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x61 && code <= 0x7a) ||
      (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7)
    ) {
      c.latin++;
    } else if (code >= 0x400 && code <= 0x4ff) {
      c.cyrillic++;
      switch (code) {
        case 0x456: // і
        case 0x406:
        case 0x457: // ї
        case 0x407:
        case 0x454: // є
        case 0x404:
        case 0x491: // ґ
        case 0x490:
          c.ukLetters++;
          break;
        case 0x44b: // ы
        case 0x42b:
        case 0x44d: // э
        case 0x42d:
        case 0x44a: // ъ
        case 0x42a:
        case 0x451: // ё
        case 0x401:
          c.ruLetters++;
          break;
        case 0x45e: // ў
        case 0x40e:
          c.beLetters++;
          break;
        case 0x452: // ђ ћ џ љ њ ј
        case 0x45b:
        case 0x45f:
        case 0x459:
        case 0x45a:
        case 0x458:
          c.srLetters++;
          break;
      }
    } else if ((code >= 0xac00 && code <= 0xd7a3) || (code >= 0x1100 && code <= 0x11ff) || (code >= 0x3130 && code <= 0x318f)) {
      c.hangul++;
    } else if (code >= 0x3040 && code <= 0x30ff) {
      c.kana++;
    } else if (code >= 0x4e00 && code <= 0x9fff) {
      c.han++;
    } else if (/\p{L}/u.test(text[i] ?? '')) {
      c.other++;
    }
  }
  return c;
}

function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

const APOSTROPHE = /['’ʼ]/u;
const RU_ENDINGS = new Set(['ое', 'ие', 'ия', 'ых', 'ым', 'ую', 'юю']);

function cyrillic(text: string, c: ScriptCounts, share: number): LanguageGuess {
  if (c.beLetters > 0 && c.ruLetters + c.ukLetters <= c.beLetters * 4) return { lang: 'be', confidence: 0.7 * share };
  if (c.srLetters > 0 && c.ruLetters === 0 && c.ukLetters === 0) return { lang: 'sr', confidence: 0.7 * share };
  let uk = c.ukLetters * 2;
  let ru = c.ruLetters * 2;
  for (const w of words(text)) {
    if (UK_WORDS.has(w)) uk += 1.5;
    else if (RU_WORDS.has(w)) ru += 1.5;
    // The apostrophe inside a word is Ukrainian (п'ять, ім'я); Russian writes ъ or nothing.
    if (w.length > 2 && APOSTROPHE.test(w) && /[а-яієїґ]['’ʼ][а-яієїґ]/u.test(w)) uk += 2;
    // Russian adjective and noun endings Ukrainian does not have.
    if (RU_ENDINGS.has(w.slice(-2))) ru += 0.7;
    // Past tense: Russian заявил, подорожал; Ukrainian заявив, подорожчав.
    else if (w.length > 4 && w.endsWith('л') && 'аеи'.includes(w.charAt(w.length - 2))) ru += 0.4;
    else if (w.endsWith('ння') || w.endsWith('ннях') || w.endsWith('нням')) uk += 0.5;
  }
  if (uk === 0 && ru === 0) return { lang: 'und', confidence: 0 };
  const lang = uk >= ru ? 'uk' : 'ru';
  const top = Math.max(uk, ru);
  const margin = Math.abs(uk - ru) / (uk + ru);
  // A lone distinctive letter is weaker evidence than several; saturate with the amount of evidence.
  const amount = 1 - Math.exp(-top / 4);
  return { lang, confidence: round(share * margin * (0.5 + 0.5 * amount)) };
}

function latin(text: string, c: ScriptCounts, share: number): LanguageGuess {
  const scores: Record<string, number> = {};
  let total = 0;
  for (const w of words(text)) {
    for (const [lang, list] of LATIN_LISTS) {
      if (list.has(w)) {
        scores[lang] = (scores[lang] ?? 0) + 1;
        total++;
      }
    }
  }
  if (/[äöüß]/iu.test(text)) scores.de = (scores.de ?? 0) + 1;
  if (/[éèêàçœ]/iu.test(text)) scores.fr = (scores.fr ?? 0) + 0.5;
  if (/[ąęłńśźż]/iu.test(text)) scores.pl = (scores.pl ?? 0) + 2;
  const ranked = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  const best = ranked[0];
  if (!best || total === 0) {
    // Names, hashtags, headlines without function words: most likely English, but say so weakly.
    return c.latin >= 10 ? { lang: 'en', confidence: round(0.4 * share) } : { lang: 'und', confidence: 0 };
  }
  const second = ranked[1]?.[1] ?? 0;
  const margin = (best[1] - second) / best[1];
  const amount = 1 - Math.exp(-best[1] / 2);
  return { lang: best[0], confidence: round(share * (0.4 + 0.6 * margin * amount)) };
}

const round = (n: number) => Math.round(Math.max(0, Math.min(1, n)) * 100) / 100;

/** The language of a text with a confidence; 'und' when it is too short or has no signal. */
export function detectLanguage(text: string): LanguageGuess {
  const clean = /[/@#]/u.test(text) ? text.replace(URLISH, ' ') : text;
  const c = countScripts(clean);
  const letters = c.hangul + c.kana + c.han + c.cyrillic + c.latin + c.other;
  if (letters < MIN_LETTERS) return { lang: 'und', confidence: 0 };
  // Japanese mixes kana with Han; Korean text may quote Han (hanja) or Latin names.
  const scripts: [string, number][] = [
    ['ko', c.hangul],
    ['ja', c.kana + (c.kana > 0 ? c.han : 0)],
    ['zh', c.kana > 0 ? 0 : c.han],
    ['cyrillic', c.cyrillic],
    ['latin', c.latin],
    ['other', c.other],
  ];
  scripts.sort((a, b) => b[1] - a[1]);
  const [script, count] = scripts[0] as [string, number];
  const share = count / letters;
  if (script === 'other') return { lang: 'und', confidence: 0 };
  if (script === 'ko' || script === 'ja' || script === 'zh') {
    // CJK scripts carry more information per character: a few are enough.
    return { lang: script, confidence: round(share * Math.min(1, 0.6 + count / 10)) };
  }
  if (script === 'cyrillic') return cyrillic(clean, c, share);
  return latin(clean, c, share);
}
