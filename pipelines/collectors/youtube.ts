/**
 * YouTube channel and playlist feeds (feeds/videos.xml). The feed keeps only the latest 15 videos
 * and no history, so every poll records an engagement snapshot per entry.
 */
import type { EngagementSnapshot } from '../../server/domain/schemas.js';
import { itemId } from '../../server/store/prepare.js';
import type { Collector, CollectContext, CollectResult, RawItem, SkippedEntry } from './types.js';
import { SourceError } from './types.js';
import { decodeXml, parseZonedDate, safeLink, truncate } from './util.js';
import { asArray, asObject, attr, parseXml, textOf, type XmlObject } from './xml.js';

const FEED_BASE = 'https://www.youtube.com/feeds/videos.xml';
const VIDEO_ID = /^[A-Za-z0-9_-]{6,20}$/;

export interface ParsedYoutubeFeed {
  channelTitle: string;
  items: RawItem[];
  snapshots: EngagementSnapshot[];
  skipped: SkippedEntry[];
}

function count(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,15}$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

export function parseYoutubeFeed(
  body: Buffer,
  options: { sourceId: string; now: Date; contentType?: string },
): ParsedYoutubeFeed {
  const doc = parseXml(decodeXml(body, options.contentType).text);
  const feed = asObject(doc.feed);
  if (!feed) throw new SourceError('not a YouTube feed: no <feed> root', 'not_a_feed');
  const items: RawItem[] = [];
  const snapshots: EngagementSnapshot[] = [];
  const skipped: SkippedEntry[] = [];
  const at = options.now.toISOString();

  asArray(feed.entry).forEach((node, index) => {
    const entry = asObject(node);
    if (!entry) return;
    const videoId = textOf(entry.videoId) || textOf(entry.id).replace(/^yt:video:/, '');
    if (!VIDEO_ID.test(videoId)) {
      skipped.push({ ref: `entry ${index}`, reason: 'missing or malformed video id' });
      return;
    }
    const published = parseZonedDate(textOf(entry.published));
    if ('error' in published) {
      skipped.push({ ref: videoId, reason: published.error });
      return;
    }
    const updated = parseZonedDate(textOf(entry.updated));
    const group: XmlObject = asObject(entry.group) ?? {};
    const community = asObject(group.community);
    const views = count(attr(community?.statistics, 'views'));
    const likes = count(attr(community?.starRating, 'count'));
    const alternate = asArray(entry.link).find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate');
    const link = safeLink(attr(alternate, 'href')) ?? `https://www.youtube.com/watch?v=${videoId}`;
    const thumbnail = safeLink(attr(group.thumbnail, 'url'));
    const engagementRaw: Record<string, string> = {};
    const viewsRaw = attr(community?.statistics, 'views');
    const likesRaw = attr(community?.starRating, 'count');
    if (viewsRaw !== undefined) engagementRaw.views = viewsRaw;
    if (likesRaw !== undefined) engagementRaw.reactions = likesRaw;
    items.push({
      platform: 'youtube',
      sourceId: options.sourceId,
      externalId: videoId,
      kind: 'video',
      url: link,
      title: truncate(textOf(entry.title) || textOf(group.title), 2000),
      text: truncate(textOf(group.description), 100_000),
      publishedAt: published.iso,
      ...('iso' in updated && updated.iso !== published.iso ? { editedAt: updated.iso } : {}),
      media: [
        {
          type: 'video',
          url: link,
          ...(thumbnail ? { thumbnailUrl: thumbnail } : {}),
        },
      ],
      ...(views !== undefined || likes !== undefined
        ? { engagement: { ...(views !== undefined ? { views } : {}), ...(likes !== undefined ? { reactions: likes } : {}) } }
        : {}),
      ...(Object.keys(engagementRaw).length ? { engagementRaw } : {}),
      links: [link],
      raw: { format: 'youtube-feed', entry, shorts: /\/shorts\//.test(link) },
    });
    snapshots.push({
      itemId: itemId('youtube', options.sourceId, videoId),
      at,
      ...(views !== undefined ? { views } : {}),
      ...(likes !== undefined ? { reactions: likes } : {}),
    });
  });
  return { channelTitle: textOf(feed.title), items, snapshots, skipped };
}

/** The feed URL for a source: an explicit url, or a handle that is a channel id (UC…) or playlist id (PL…, UU…, OL…). */
export function youtubeFeedUrl(url: string | null, handle: string | null): string {
  if (url) return url;
  const id = (handle ?? '').trim();
  if (/^UC[A-Za-z0-9_-]{22}$/.test(id)) return `${FEED_BASE}?channel_id=${id}`;
  if (/^(PL|UU|OL|FL|LL)[A-Za-z0-9_-]{10,60}$/.test(id)) return `${FEED_BASE}?playlist_id=${id}`;
  throw new SourceError(`not a YouTube channel or playlist id: ${truncate(id, 80) || '(none)'}`, 'bad_source');
}

export function createYoutubeCollector(options: { maxBytes?: number } = {}): Collector {
  return {
    platform: 'youtube',
    async collect(context: CollectContext): Promise<CollectResult> {
      const url = youtubeFeedUrl(context.source.url, context.source.handle);
      const response = await context.fetcher.get(url, {
        maxBytes: options.maxBytes ?? 5 * 1024 * 1024,
        ...(context.signal ? { signal: context.signal } : {}),
      });
      const parsed = parseYoutubeFeed(response.body, {
        sourceId: context.source.id,
        now: context.now,
        ...(response.headers['content-type'] ? { contentType: response.headers['content-type'] } : {}),
      });
      return { items: parsed.items, snapshots: parsed.snapshots, skipped: parsed.skipped, state: { ...context.state } };
    },
  };
}
