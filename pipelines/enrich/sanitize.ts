/**
 * Collected content is hostile: markup is reduced to text, scripts and styles dropped, control
 * characters removed, whitespace and Unicode (NFC) normalised. The result is plain text that the
 * dashboard renders as text.
 */
import { inFastRanges } from '../../server/store/text.js';

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  laquo: '«',
  raquo: '»',
  mdash: '—',
  ndash: '–',
  hellip: '…',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/giu, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : '';
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

// C0/C1 controls except tab and newline, plus bidi overrides/isolates and zero-width joiners that
// can disguise text; U+200D is kept because emoji sequences need it.
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/gu;

// Anything the steps below sanitizeText's markup removal would change, bar NFC: a control, a
// carriage return, a tab or no-break space, two spaces, a space beside a line break, three line
// breaks, or white space at either end. Text without any of these (most text) only needs NFC.
const NEEDS_CLEANING =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff\r\t\u00a0]| {2}| \n|\n |\n{3}|^\s|\s$/u;

/** Plain text from possibly-marked-up input. Line breaks from <br> and block ends are kept. */
export function sanitizeText(input: string): string {
  let text = input;
  if (!/[<&]/u.test(text) && !NEEDS_CLEANING.test(text)) {
    // Text in the common scripts is in NFC already (see inFastRanges): nothing to copy.
    if (inFastRanges(text)) return text;
    // NFC composes characters but never makes a control, a space or a line break, so the clean
    // text stays clean; the check after it only guards that reasoning.
    const composed = text.normalize('NFC');
    if (composed === text || !NEEDS_CLEANING.test(composed)) return composed;
  }
  if (/[<&]/u.test(text)) {
    text = text
      .replace(/<(script|style|template|iframe|object|noscript)\b[\s\S]*?<\/\1\s*>/giu, ' ')
      .replace(/<!--[\s\S]*?-->/gu, ' ')
      .replace(/<\s*br\s*\/?>/giu, '\n')
      .replace(/<\/\s*(p|div|li|h[1-6]|blockquote|tr)\s*>/giu, '\n')
      .replace(/<\/?[a-z][^>]*>/giu, '')
      .replace(/<[a-z!/?][^>]*$/iu, '');
    text = decodeEntities(text);
    // Markup that survives decoding (&lt;script&gt;) is content, not markup; it stays as text.
  }
  return text
    .replace(CONTROLS, '')
    .replace(/\r\n?/gu, '\n')
    .normalize('NFC')
    .replace(/[ \t\u00a0]+/gu, ' ')
    .replace(/ *\n */gu, '\n')
    .replace(/\n{3,}/gu, '\n\n')
    .trim();
}

/** One-line text (titles, names). */
export function sanitizeLine(input: string): string {
  const text = sanitizeText(input);
  // Sanitized text has no runs of spaces: only other white space needs replacing.
  return /[^\S ]/u.test(text) ? text.replace(/\s+/gu, ' ') : text;
}
