/**
 * GDELT DOC 2.0 ArtList: news pickups of a query across languages. GDELT allows one request per
 * five seconds per client, so every call goes through one limiter per collector.
 */
import type { Collector, CollectContext, CollectResult, RawItem, SkippedEntry } from './types.js';
import { SourceError } from './types.js';
import { canonicalUrl, safeLink, truncate } from './util.js';

const API = 'https://api.gdeltproject.org/api/v2/doc/doc';

/** GDELT names languages in English; items carry ISO 639-1. */
export const GDELT_LANGUAGES: Readonly<Record<string, string>> = {
  english: 'en',
  ukrainian: 'uk',
  russian: 'ru',
  korean: 'ko',
  german: 'de',
  french: 'fr',
  spanish: 'es',
  italian: 'it',
  portuguese: 'pt',
  polish: 'pl',
  japanese: 'ja',
  chinese: 'zh',
  arabic: 'ar',
  turkish: 'tr',
  dutch: 'nl',
  swedish: 'sv',
  norwegian: 'no',
  danish: 'da',
  finnish: 'fi',
  czech: 'cs',
  slovak: 'sk',
  hungarian: 'hu',
  romanian: 'ro',
  bulgarian: 'bg',
  serbian: 'sr',
  croatian: 'hr',
  greek: 'el',
  hebrew: 'he',
  persian: 'fa',
  hindi: 'hi',
  vietnamese: 'vi',
  indonesian: 'id',
  thai: 'th',
  belarusian: 'be',
  georgian: 'ka',
  lithuanian: 'lt',
  latvian: 'lv',
  estonian: 'et',
  kazakh: 'kk',
};

export function gdeltLanguage(name: string | undefined): string | undefined {
  if (!name) return undefined;
  return GDELT_LANGUAGES[name.trim().toLowerCase()];
}

/** "20260121T083000Z" → "2026-01-21T08:30:00.000Z". */
export function parseSeenDate(raw: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(raw ?? '');
  if (!m) return undefined;
  const time = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const date = new Date(time);
  // Date.UTC rolls 2026-02-31 over to March; a rolled date is a malformed one.
  if (Number.isNaN(time) || date.getUTCDate() !== Number(m[3])) return undefined;
  return date.toISOString();
}

/** Spaces out calls: the next one starts no sooner than intervalMs after the previous one started. */
export class RateLimiter {
  private next = 0;
  constructor(
    private readonly intervalMs: number,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async wait(): Promise<void> {
    const now = this.clock();
    const start = Math.max(now, this.next);
    this.next = start + this.intervalMs;
    if (start > now) await this.sleep(start - now);
  }
}

export interface GdeltOptions {
  minIntervalMs?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  maxRecords?: number;
  timespan?: string;
}

export function gdeltUrl(context: CollectContext, options: GdeltOptions): string {
  const { source } = context;
  if (source.url) {
    const url = new URL(source.url);
    // A configured URL may be a full API call, or a base (tests, mirrors) to which the handle is the query.
    if (!url.searchParams.has('query')) {
      if (!source.handle) throw new SourceError('GDELT source needs a query (handle) or a url with query=', 'bad_source');
      url.searchParams.set('query', source.handle);
    }
    if (!url.searchParams.has('mode')) url.searchParams.set('mode', 'ArtList');
    url.searchParams.set('format', 'json');
    if (!url.searchParams.has('maxrecords')) url.searchParams.set('maxrecords', String(options.maxRecords ?? 250));
    if (!url.searchParams.has('timespan')) url.searchParams.set('timespan', options.timespan ?? '1d');
    return url.href;
  }
  if (!source.handle) throw new SourceError('GDELT source needs a query (handle) or a url with query=', 'bad_source');
  const params = new URLSearchParams({
    query: source.handle,
    mode: 'ArtList',
    format: 'json',
    maxrecords: String(options.maxRecords ?? 250),
    timespan: options.timespan ?? '1d',
    sort: 'DateDesc',
  });
  return `${API}?${params.toString()}`;
}

export function parseArtList(body: Buffer, sourceId: string): { items: RawItem[]; skipped: SkippedEntry[] } {
  const text = body.toString('utf8').trim();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    // GDELT answers errors (bad query, rate limit) with a plain-text sentence and status 200.
    throw new SourceError(`GDELT answered with text: ${truncate(text.replace(/\s+/g, ' '), 200)}`, 'gdelt_error');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SourceError('GDELT answer is not an object', 'gdelt_error');
  }
  const articles = (parsed as { articles?: unknown }).articles;
  if (articles === undefined) return { items: [], skipped: [] };
  if (!Array.isArray(articles)) throw new SourceError('GDELT "articles" is not a list', 'gdelt_error');
  const items: RawItem[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Set<string>();
  articles.forEach((value: unknown, index) => {
    const article = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    const str = (key: string) => (typeof article[key] === 'string' ? (article[key] as string) : undefined);
    const url = safeLink(str('url'));
    if (!url) {
      skipped.push({ ref: `article ${index}`, reason: 'missing or non-http url' });
      return;
    }
    const publishedAt = parseSeenDate(str('seendate'));
    if (!publishedAt) {
      skipped.push({ ref: url, reason: `invalid seendate ${truncate(str('seendate') ?? '(none)', 40)}` });
      return;
    }
    const externalId = canonicalUrl(url);
    if (seen.has(externalId)) {
      skipped.push({ ref: url, reason: 'duplicate article' });
      return;
    }
    seen.add(externalId);
    const lang = gdeltLanguage(str('language'));
    const image = safeLink(str('socialimage'));
    const title = truncate(str('title') ?? '', 2000).trim();
    items.push({
      platform: 'gdelt',
      sourceId,
      externalId,
      kind: 'article',
      url,
      title,
      text: title,
      publishedAt,
      ...(lang ? { lang } : {}),
      ...(image ? { media: [{ type: 'photo' as const, url: image }] } : {}),
      links: [url],
      raw: {
        format: 'gdelt-artlist',
        domain: str('domain'),
        language: str('language'),
        sourcecountry: str('sourcecountry'),
        seendate: str('seendate'),
        url_mobile: str('url_mobile'),
      },
    });
  });
  return { items, skipped };
}

export function createGdeltCollector(options: GdeltOptions = {}): Collector {
  const limiter = new RateLimiter(options.minIntervalMs ?? 5000, options.clock, options.sleep);
  return {
    platform: 'gdelt',
    async collect(context: CollectContext): Promise<CollectResult> {
      const url = gdeltUrl(context, options);
      await limiter.wait();
      const response = await context.fetcher.get(url, {
        maxBytes: 20 * 1024 * 1024,
        ...(context.signal ? { signal: context.signal } : {}),
      });
      const { items, skipped } = parseArtList(response.body, context.source.id);
      return { items, skipped, state: { ...context.state } };
    },
  };
}
