/**
 * Telegram public channels through the web preview (t.me/s/<channel>), no API keys.
 * Pages run oldest→newest; ?before=<id> pages back until the last id seen on the previous run.
 */
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { Collector, CollectContext, CollectResult, RawItem, RawMedia, SkippedEntry } from './types.js';
import { SourceError } from './types.js';
import { parseAbbreviatedCount, parseZonedDate, safeLink, truncate } from './util.js';

const MAX_RAW_HTML = 64 * 1024;
const MAX_TEXT = 100_000;
const CHANNEL = /^[A-Za-z0-9_]{3,64}$/;

export interface TelegramPage {
  channel?: string;
  items: RawItem[];
  skipped: SkippedEntry[];
  /** The id to pass as ?before= for the previous (older) page, when there is one. */
  before?: number;
}

export interface TelegramCollectorOptions {
  /** Pages fetched per run at most (each ~20 posts). */
  maxPages?: number;
  maxBytes?: number;
}

/** "0:16" / "1:02:03" → seconds. */
function parseDuration(raw: string): number | undefined {
  const parts = raw.trim().split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^\d{1,3}$/.test(p))) return undefined;
  return parts.reduce((total, part) => total * 60 + Number(part), 0);
}

function backgroundImage(style: string | undefined, base: string): string | undefined {
  const match = /background-image\s*:\s*url\(\s*['"]?([^'")]+)['"]?\s*\)/i.exec(style ?? '');
  return safeLink(match?.[1], base);
}

/** Message text with entities flattened: <br> → newline, emoji images → their alt text, links collected. */
function flattenText($: cheerio.CheerioAPI, root: cheerio.Cheerio<Element>, base: string, links: Set<string>): string {
  let out = '';
  const walk = (nodes: AnyNode[]) => {
    for (const node of nodes) {
      if (node.type === 'text') {
        // Source whitespace collapses as a browser would; line breaks come only from <br>.
        out += node.data.replace(/[ \t\r\n]+/g, ' ');
      } else if (node.type === 'tag') {
        const name = node.name.toLowerCase();
        if (name === 'br') {
          out += '\n';
          continue;
        }
        if (name === 'script' || name === 'style') continue;
        if (name === 'img') {
          out += $(node).attr('alt') ?? '';
          continue;
        }
        if (name === 'a') {
          const href = safeLink($(node).attr('href'), base);
          if (href) links.add(href);
        }
        walk(node.children);
      }
    }
  };
  walk(root.first().contents().toArray());
  return truncate(out.replace(/ *\n */g, '\n').trim(), MAX_TEXT);
}

/** Parses one t.me/s page. Never throws for a single bad message: it is skipped with its reason. */
export function parseTelegramPage(html: string, pageUrl: string, sourceId: string): TelegramPage {
  let $: cheerio.CheerioAPI;
  try {
    $ = cheerio.load(html);
  } catch (err) {
    throw new SourceError(`unparseable page: ${err instanceof Error ? err.message : String(err)}`, 'unparseable');
  }
  const messages = $('.tgme_widget_message[data-post]');
  if (messages.length === 0 && $('.tgme_channel_history').length === 0) {
    // t.me answers a missing, renamed or private channel with its info page (or nothing), never a history.
    const title = $('.tgme_page_title').first().text().trim();
    throw new SourceError(
      title
        ? `channel preview unavailable (info page "${truncate(title, 80)}")`
        : 'channel preview unavailable (no message history)',
      'unavailable',
    );
  }
  const items: RawItem[] = [];
  const skipped: SkippedEntry[] = [];
  let channel: string | undefined;
  let minId: number | undefined;

  messages.each((index, element) => {
    const message = $(element);
    const post = message.attr('data-post') ?? '';
    const ref = post || `#${index}`;
    try {
      const match = /^([A-Za-z0-9_]+)\/(\d{1,12})$/.exec(post);
      if (!match?.[1] || !match[2]) {
        skipped.push({ ref, reason: 'data-post is not channel/id' });
        return;
      }
      channel ??= match[1];
      const id = Number(match[2]);
      minId = minId === undefined ? id : Math.min(minId, id);
      const dateLink = message.find('a.tgme_widget_message_date').first();
      const date = parseZonedDate(dateLink.find('time[datetime]').first().attr('datetime'));
      if ('error' in date) {
        skipped.push({ ref, reason: date.error });
        return;
      }
      const links = new Set<string>();
      const textNode = message.find('.tgme_widget_message_text.js-message_text').first();
      const text = textNode.length ? flattenText($, textNode, pageUrl, links) : '';

      const media: RawMedia[] = [];
      message.find('.tgme_widget_message_video_player').each((_, el) => {
        const player = $(el);
        const durationText = player.find('.message_video_duration').first().text();
        const duration = durationText ? parseDuration(durationText) : undefined;
        const thumb = backgroundImage(player.find('.tgme_widget_message_video_thumb').attr('style'), pageUrl);
        const href = safeLink(player.attr('href'), pageUrl);
        media.push({
          type: 'video',
          ...(href ? { url: href } : {}),
          ...(thumb ? { thumbnailUrl: thumb } : {}),
          ...(duration !== undefined ? { durationSec: duration } : {}),
        });
      });
      message.find('a.tgme_widget_message_photo_wrap').each((_, el) => {
        const photo = $(el);
        const image = backgroundImage(photo.attr('style'), pageUrl);
        media.push({ type: 'photo', ...(image ? { url: image, thumbnailUrl: image } : {}) });
      });
      message.find('.tgme_widget_message_document_wrap, .tgme_widget_message_document').each((_, el) => {
        if ($(el).parents('.tgme_widget_message_document_wrap').length) return;
        const href = safeLink($(el).attr('href'), pageUrl);
        media.push({ type: 'document', ...(href ? { url: href } : {}) });
      });
      message.find('.tgme_widget_message_voice_player, .tgme_widget_message_audio_player').each((_, el) => {
        const duration = parseDuration($(el).find('time').first().text());
        media.push({ type: 'audio', ...(duration !== undefined ? { durationSec: duration } : {}) });
      });
      const preview = message.find('a.tgme_widget_message_link_preview').first();
      let linkPreview: { url: string; site?: string; title?: string; description?: string } | undefined;
      if (preview.length) {
        const href = safeLink(preview.attr('href'), pageUrl);
        if (href) {
          links.add(href);
          const image = backgroundImage(preview.find('.link_preview_image, .link_preview_right_image').attr('style'), pageUrl);
          media.push({ type: 'link', url: href, ...(image ? { thumbnailUrl: image } : {}) });
          linkPreview = {
            url: href,
            site: preview.find('.link_preview_site_name').text().trim() || undefined,
            title: preview.find('.link_preview_title').text().trim() || undefined,
            description: truncate(preview.find('.link_preview_description').text().trim(), 2000) || undefined,
          };
        }
      }

      const viewsRaw = message.find('.tgme_widget_message_views').first().text().trim();
      const repliesRaw = message
        .find('.tgme_widget_message_replies .tgme_widget_message_replies_count, .tgme_widget_message_replies_count')
        .first()
        .text()
        .trim();
      const views = parseAbbreviatedCount(viewsRaw);
      const replies = parseAbbreviatedCount(repliesRaw);
      const engagementRaw: Record<string, string> = {};
      if (viewsRaw) engagementRaw.views = viewsRaw;
      if (repliesRaw) engagementRaw.comments = repliesRaw;

      const forwardNode = message.find('.tgme_widget_message_forwarded_from_name').first();
      const forwardName = forwardNode.text().replace(/\s+/g, ' ').trim();
      const forwardUrl = safeLink(forwardNode.attr('href'), pageUrl);
      // The meta line reads "edited 10:20" on edited posts; the edit time itself is not published.
      const edited = /\bedited\b/i.test(message.find('.tgme_widget_message_meta').first().text());

      const url = safeLink(dateLink.attr('href'), pageUrl) ?? `https://t.me/${match[1]}/${id}`;
      items.push({
        platform: 'telegram',
        sourceId,
        externalId: String(id),
        kind: media.some((m) => m.type === 'video') ? 'video' : 'post',
        url,
        text,
        publishedAt: date.iso,
        ...(media.length ? { media } : {}),
        ...(views !== undefined || replies !== undefined
          ? { engagement: { ...(views !== undefined ? { views } : {}), ...(replies !== undefined ? { comments: replies } : {}) } }
          : {}),
        ...(Object.keys(engagementRaw).length ? { engagementRaw } : {}),
        ...(forwardName ? { forwardedFrom: { name: forwardName, ...(forwardUrl ? { url: forwardUrl } : {}) } } : {}),
        ...(links.size ? { links: [...links] } : {}),
        raw: {
          format: 'tme-web-preview',
          post,
          edited,
          ...(linkPreview ? { linkPreview } : {}),
          html: truncate($.html(element), MAX_RAW_HTML),
        },
      });
    } catch (err) {
      skipped.push({ ref, reason: `unparseable message: ${err instanceof Error ? err.message : String(err)}` });
    }
  });

  const moreBefore = Number($('a.tme_messages_more[data-before]').first().attr('data-before'));
  const before = Number.isFinite(moreBefore) && moreBefore > 0 ? moreBefore : minId;
  return { ...(channel ? { channel } : {}), items, skipped, ...(before !== undefined ? { before } : {}) };
}

function channelFrom(context: CollectContext): { channel: string; pageUrl: string } {
  const { source } = context;
  if (source.url) {
    // An explicit URL (also how tests point at a local server) must be a /s/<channel> preview.
    const match = /\/s\/([A-Za-z0-9_]{3,64})\/?$/.exec(new URL(source.url).pathname);
    if (!match?.[1]) throw new SourceError(`not a t.me/s/<channel> URL: ${source.url}`, 'bad_source');
    const url = new URL(source.url);
    url.search = '';
    return { channel: match[1], pageUrl: url.href };
  }
  const handle = (source.handle ?? '').replace(/^@/, '').replace(/^https?:\/\/t\.me\/(s\/)?/, '');
  if (!CHANNEL.test(handle)) throw new SourceError(`not a channel handle: ${source.handle ?? '(none)'}`, 'bad_source');
  return { channel: handle, pageUrl: `https://t.me/s/${handle}` };
}

export function createTelegramCollector(options: TelegramCollectorOptions = {}): Collector {
  const maxPages = options.maxPages ?? 5;
  return {
    platform: 'telegram',
    async collect(context: CollectContext): Promise<CollectResult> {
      const { channel, pageUrl } = channelFrom(context);
      const lastSeen = typeof context.state.lastSeenId === 'number' ? context.state.lastSeenId : 0;
      const byId = new Map<string, RawItem>();
      const skipped: SkippedEntry[] = [];
      let before: number | undefined;
      for (let page = 0; page < maxPages; page++) {
        const url = before === undefined ? pageUrl : `${pageUrl}?before=${before}`;
        const response = await context.fetcher.get(url, {
          ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
          ...(context.signal ? { signal: context.signal } : {}),
        });
        if (!new URL(response.url).pathname.startsWith('/s/')) {
          throw new SourceError(`t.me/s/${channel} redirected to ${response.url}: channel unavailable or renamed`, 'unavailable');
        }
        const parsed = parseTelegramPage(response.body.toString('utf8'), response.url, context.source.id);
        skipped.push(...parsed.skipped);
        for (const item of parsed.items) if (Number(item.externalId) > lastSeen) byId.set(item.externalId, item);
        const oldest = parsed.items.reduce((min, item) => Math.min(min, Number(item.externalId)), Infinity);
        if (parsed.items.length === 0 || oldest <= lastSeen + 1 || parsed.before === undefined || parsed.before <= 1) break;
        if (before !== undefined && parsed.before >= before) break;
        before = parsed.before;
        context.log?.(`telegram ${channel}: paging before ${before}`);
      }
      const items = [...byId.values()].sort((a, b) => Number(a.externalId) - Number(b.externalId));
      const newest = items.reduce((max, item) => Math.max(max, Number(item.externalId)), lastSeen);
      return { items, skipped, state: { ...context.state, lastSeenId: newest } };
    },
  };
}
