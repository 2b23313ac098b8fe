/**
 * RSS 2.0, Atom and RDF (RSS 1.0) feeds: official statements and news sites.
 * Bytes are decoded by the declared encoding; markup in descriptions is passed on as raw markup
 * (enrichment sanitizes it); entries without a zoned date are skipped with a reason.
 */
import type { Kind } from '../../server/domain/schemas.js';
import type { Collector, CollectContext, CollectResult, RawItem, RawMedia, SkippedEntry } from './types.js';
import { SourceError } from './types.js';
import { canonicalUrl, decodeXml, parseZonedDate, safeLink, truncate } from './util.js';
import { asArray, asObject, attr, parseXml, textOf, type XmlNode, type XmlObject } from './xml.js';

const MAX_TEXT = 200_000;

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf';
  title: string;
  encoding: string;
  items: RawItem[];
  skipped: SkippedEntry[];
}

export interface FeedParseOptions {
  sourceId: string;
  feedUrl: string;
  contentType?: string;
  kind?: Kind;
}

function withBase(node: XmlNode | undefined, base: string): string {
  const declared = attr(node, 'base');
  return safeLink(declared, base) ?? base;
}

function atomLink(entry: XmlObject, base: string): string | undefined {
  const links = asArray(entry.link);
  const alternate = links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate') ?? links[0];
  return safeLink(attr(alternate, 'href') ?? textOf(alternate), base);
}

function enclosures(entry: XmlObject, base: string): RawMedia[] {
  const media: RawMedia[] = [];
  const candidates = [...asArray(entry.enclosure), ...asArray(entry.link).filter((l) => attr(l, 'rel') === 'enclosure')];
  for (const node of candidates) {
    const url = safeLink(attr(node, 'url') ?? attr(node, 'href'), base);
    if (!url) continue;
    // Enclosure types lie (image/jpeg on an .mp4); the extension is the better witness when they disagree.
    const type = (attr(node, 'type') ?? '').toLowerCase();
    const ext = /\.([a-z0-9]{2,4})(?:$|\?)/i.exec(url)?.[1]?.toLowerCase() ?? '';
    const kind: RawMedia['type'] = ['mp4', 'webm', 'mov', 'm3u8'].includes(ext)
      ? 'video'
      : ['jpg', 'jpeg', 'png', 'gif', 'webp'].includes(ext)
        ? 'photo'
        : ['mp3', 'ogg', 'm4a', 'wav'].includes(ext)
          ? 'audio'
          : type.startsWith('video/')
            ? 'video'
            : type.startsWith('image/')
              ? 'photo'
              : type.startsWith('audio/')
                ? 'audio'
                : 'document';
    media.push({ type: kind, url });
  }
  return media;
}

/** Parses a feed document (bytes as served). Throws SourceError('not_a_feed') for anything that is not a feed. */
export function parseFeed(body: Buffer, options: FeedParseOptions): ParsedFeed {
  const decoded = decodeXml(body, options.contentType);
  const doc = parseXml(decoded.text);
  const kind = options.kind ?? 'article';
  const items: RawItem[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Set<string>();

  let format: ParsedFeed['format'];
  let entries: XmlNode[];
  let base: string;
  let title: string;
  if (asObject(doc.rss)) {
    const rss = asObject(doc.rss) as XmlObject;
    const channel = asObject(rss.channel);
    if (!channel) throw new SourceError('not a feed: <rss> without <channel>', 'not_a_feed');
    format = 'rss';
    base = withBase(channel, withBase(rss, options.feedUrl));
    // A channel <link> is the site, not the feed; relative item links resolve against the feed URL.
    entries = asArray(channel.item);
    title = textOf(channel.title);
  } else if (asObject(doc.feed)) {
    const feed = asObject(doc.feed) as XmlObject;
    format = 'atom';
    base = withBase(feed, options.feedUrl);
    entries = asArray(feed.entry);
    title = textOf(feed.title);
  } else if (asObject(doc.RDF)) {
    const rdf = asObject(doc.RDF) as XmlObject;
    format = 'rdf';
    base = withBase(rdf, options.feedUrl);
    // RSS 1.0 puts items beside the channel, not inside it.
    entries = asArray(rdf.item);
    title = textOf(asObject(rdf.channel)?.title);
  } else {
    const root = Object.keys(doc).find((key) => !key.startsWith('?')) ?? '(none)';
    throw new SourceError(`not a feed: root element <${truncate(root, 40)}>`, 'not_a_feed');
  }

  entries.forEach((node, index) => {
    const entry = asObject(node);
    if (!entry) {
      skipped.push({ ref: `entry ${index}`, reason: 'empty entry' });
      return;
    }
    const entryBase = withBase(entry, base);
    const link = format === 'atom' ? atomLink(entry, entryBase) : safeLink(textOf(entry.link) || attr(entry, 'about'), entryBase);
    const guidNode = format === 'atom' ? entry.id : entry.guid;
    const guid = textOf(guidNode);
    const rawDate =
      format === 'atom'
        ? textOf(entry.published) || textOf(entry.updated)
        : format === 'rdf'
          ? textOf(entry.date)
          : textOf(entry.pubDate) || textOf(entry.date);
    const ref = guid || link || `entry ${index}`;
    const date = parseZonedDate(rawDate);
    if ('error' in date) {
      skipped.push({ ref: truncate(ref, 200), reason: date.error });
      return;
    }
    const updated = format === 'atom' && textOf(entry.published) ? parseZonedDate(textOf(entry.updated)) : undefined;
    const externalId = guid ? truncate(guid, 500) : link ? canonicalUrl(link) : undefined;
    if (!externalId) {
      skipped.push({ ref: `entry ${index}`, reason: 'no guid, id or link' });
      return;
    }
    if (seen.has(externalId)) {
      skipped.push({ ref: truncate(externalId, 200), reason: 'duplicate entry' });
      return;
    }
    seen.add(externalId);
    const content = textOf(entry.encoded) || textOf(entry.content) || textOf(entry.description) || textOf(entry.summary);
    const media = enclosures(entry, entryBase);
    items.push({
      platform: 'rss',
      sourceId: options.sourceId,
      externalId,
      kind,
      ...(link ? { url: link } : {}),
      title: truncate(textOf(entry.title), 2000),
      text: truncate(content, MAX_TEXT),
      publishedAt: date.iso,
      ...(updated && 'iso' in updated && updated.iso !== date.iso ? { editedAt: updated.iso } : {}),
      ...(media.length ? { media } : {}),
      ...(link ? { links: [link] } : {}),
      raw: { format, entry },
    });
  });
  return { format, title, encoding: decoded.encoding, items, skipped };
}

function feedUrlOf(context: CollectContext): string {
  const url = context.source.url ?? context.source.handle;
  if (!url) throw new SourceError('feed source has no url', 'bad_source');
  return url;
}

export function createFeedCollector(options: { maxBytes?: number } = {}): Collector {
  return {
    platform: 'rss',
    async collect(context: CollectContext): Promise<CollectResult> {
      const url = feedUrlOf(context);
      const etag = typeof context.state.etag === 'string' ? context.state.etag : undefined;
      const lastModified = typeof context.state.lastModified === 'string' ? context.state.lastModified : undefined;
      const response = await context.fetcher.get(url, {
        headers: {
          accept:
            'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5',
        },
        ...(etag ? { etag } : {}),
        ...(lastModified ? { lastModified } : {}),
        ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
        ...(context.signal ? { signal: context.signal } : {}),
      });
      if (response.notModified) return { items: [], skipped: [], state: context.state, notModified: true };
      const kind: Kind = context.source.type === 'official' ? 'statement' : 'article';
      const feed = parseFeed(response.body, {
        sourceId: context.source.id,
        feedUrl: response.url,
        ...(response.headers['content-type'] ? { contentType: response.headers['content-type'] } : {}),
        kind,
      });
      return {
        items: feed.items,
        skipped: feed.skipped,
        state: {
          ...context.state,
          etag: response.headers.etag ?? null,
          lastModified: response.headers['last-modified'] ?? null,
        },
      };
    },
  };
}
