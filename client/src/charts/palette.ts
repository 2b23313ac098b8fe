/**
 * One colour per side everywhere (dashboard, briefings), chosen to stay apart for common colour
 * vision deficiencies and readable on light and dark backgrounds.
 */
export const SIDE_ORDER = ['UA', 'RU', 'KP', 'KR', 'US', 'EU', 'INTL', 'UNKNOWN'] as const;

export const SIDE_COLORS: Record<string, string> = {
  UA: '#3b7dd8',
  RU: '#d8453b',
  KP: '#8e44ad',
  KR: '#16a085',
  US: '#e08a1e',
  EU: '#c8b100',
  INTL: '#7f8c8d',
  UNKNOWN: '#b3b3b3',
};

const FALLBACK = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc'];

export function sideColor(side: string): string {
  return SIDE_COLORS[side] ?? FALLBACK[Math.abs(hash(side)) % FALLBACK.length]!;
}

/** Colours for categories without a fixed palette (platforms, languages), stable per key. */
export function categoryColor(key: string): string {
  return FALLBACK[Math.abs(hash(key)) % FALLBACK.length]!;
}

/** Sides in the canonical order, unknown extras after them alphabetically. */
export function orderSides(sides: Iterable<string>): string[] {
  const known = SIDE_ORDER as readonly string[];
  return [...new Set(sides)].sort((a, b) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? known.length : ia) - (ib === -1 ? known.length : ib);
    return a.localeCompare(b);
  });
}

/** "exchange_offer" -> "Exchange offer": frame and field ids read as words. */
export function humanize(id: string): string {
  const words = id.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h;
}
