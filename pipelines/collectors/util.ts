/** Small parsing helpers shared by collectors. Everything here treats its input as hostile. */

/** Resolves a link against a base and keeps it only if it is http(s): javascript:, data: and the like are dropped. */
export function safeLink(href: string | undefined | null, base?: string): string | undefined {
  if (!href) return undefined;
  const trimmed = href.trim();
  if (!trimmed || trimmed.length > 4096) return undefined;
  try {
    const url = base ? new URL(trimmed, base) : new URL(trimmed);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

const TRACKING_PARAM = /^(utm_[a-z]+|fbclid|gclid|yclid|mc_cid|mc_eid|ref_src|igshid|_ga)$/i;

/** Stable form of a URL for use as a key: lower-case host, no fragment, no tracking parameters, sorted query. */
export function canonicalUrl(href: string): string {
  const url = new URL(href);
  url.hash = '';
  url.hostname = url.hostname.toLowerCase();
  const kept = [...url.searchParams.entries()].filter(([key]) => !TRACKING_PARAM.test(key));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = new URLSearchParams(kept).toString();
  if ((url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443')) url.port = '';
  return url.href;
}

/** "746" → 746, "1.2K" → 1200, "1.1M" → 1100000, "1,234" → 1234; undefined when unreadable. */
export function parseAbbreviatedCount(raw: string | undefined | null): number | undefined {
  if (!raw) return undefined;
  const match = /^\s*([\d.,]+)\s*([KkMmBb])?\s*$/u.exec(raw);
  if (!match?.[1]) return undefined;
  const suffix = match[2]?.toUpperCase();
  // A thousands separator only when there is no suffix: "1,234" vs "1,2K" (decimal comma in some locales).
  const digits = suffix ? match[1].replace(',', '.') : match[1].replace(/,/g, '');
  const value = Number(digits);
  if (!Number.isFinite(value)) return undefined;
  const factor = suffix === 'K' ? 1e3 : suffix === 'M' ? 1e6 : suffix === 'B' ? 1e9 : 1;
  return Math.round(value * factor);
}

export type DateResult = { iso: string } | { error: string };

const ISO_ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;
const RFC822_ZONE = /\s(?:[+-]\d{4}|UT|UTC|GMT|[ECMP][SD]T|Z|[A-IK-Z])\s*$/i;

/**
 * A date that names its zone, as ISO-8601 UTC. Dates without a zone are refused rather than read in
 * the collector machine's local time, which would silently shift them by hours.
 */
export function parseZonedDate(raw: string | undefined | null): DateResult {
  const value = raw?.trim();
  if (!value) return { error: 'missing date' };
  if (value.length > 100) return { error: 'date too long' };
  if (ISO_LIKE.test(value)) return { error: `date without time zone: ${value}` };
  const zoned = ISO_ZONED.test(value) || RFC822_ZONE.test(value);
  if (!zoned) return { error: `unreadable or zoneless date: ${value}` };
  const time = Date.parse(value);
  if (Number.isNaN(time)) return { error: `invalid date: ${value}` };
  return { iso: new Date(time).toISOString() };
}

/** Unix seconds (number or numeric string) → ISO, or undefined. */
export function unixToIso(raw: unknown): string | undefined {
  const seconds = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(seconds)) return undefined;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

function decoderFor(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label.trim().toLowerCase());
  } catch {
    return undefined;
  }
}

export interface DecodedText {
  text: string;
  encoding: string;
  /** Set when a declared encoding was unknown and a fallback was used. */
  note?: string;
}

/**
 * Bytes of an XML document → text: BOM first, then the XML declaration's encoding, then the
 * Content-Type charset, then UTF-8 (the XML default).
 */
export function decodeXml(body: Buffer, contentType?: string): DecodedText {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf)
    return { text: body.subarray(3).toString('utf8'), encoding: 'utf-8' };
  if (body[0] === 0xff && body[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(body.subarray(2)), encoding: 'utf-16le' };
  if (body[0] === 0xfe && body[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(body.subarray(2)), encoding: 'utf-16be' };
  const head = body.subarray(0, 512).toString('latin1');
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']/.exec(head)?.[1];
  const headerCharset = /charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})/i.exec(contentType ?? '')?.[1];
  let note: string | undefined;
  for (const label of [declared, headerCharset]) {
    if (!label) continue;
    const decoder = decoderFor(label);
    if (decoder) return { text: decoder.decode(body), encoding: decoder.encoding, ...(note ? { note } : {}) };
    note = `unknown encoding "${label}", fell back`;
  }
  return { text: body.toString('utf8'), encoding: 'utf-8', ...(note ? { note } : {}) };
}
