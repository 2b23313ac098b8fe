/**
 * Sensitive media: what the API shows of an item's media, the audited reveal, and thumbnails the
 * server fetches (SSRF-safe), checks, caches on disk and serves itself, so an analyst's browser
 * never contacts a source's CDN.
 *
 * Hiding happens in one place: a preSerialization hook over every JSON answer (registerMediaRedaction)
 * rewrites each item-shaped object. A hook rather than a call in each route, because a route added
 * later that returns items (by anyone) is covered without remembering to call anything: the safe
 * answer is the default. Streams (exports) and socket events do not pass through serialization;
 * they call redactItem themselves.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createFetcher, FetchError, type Fetcher, type FetcherOptions } from '../../pipelines/fetch/index.js';
import type { ActionContext, AuthService } from '../auth/service.js';
import type { Principal } from '../auth/types.js';
import { AppError, NotFoundError } from '../domain/errors.js';
import type { Item } from '../domain/schemas.js';
import type { Store } from '../store/port.js';

export interface MediaOptions {
  /** Folder of the thumbnail cache (DATA_DIR/media-cache in production). */
  cacheDir: string;
  /** Total size of the cache; the least recently served thumbnails go first. */
  cacheMaxBytes: number;
  /** Largest thumbnail fetched (default 5 MB). */
  thumbnailMaxBytes?: number;
  /** How long a reveal lets its user load the item's thumbnails (default 15 minutes). */
  revealTtlMs?: number;
  /** For tests and operators: private or loopback thumbnail hosts the fetcher may contact. */
  allowPrivate?: FetcherOptions['allowPrivate'];
  fetchTimeoutMs?: number;
  now?: () => number;
}

type MediaView = Item['media'][number];
type ItemLike = { id: string; sensitive: boolean; media: MediaView[]; links?: string[] };
export type RevealCheck = (itemId: string) => boolean;

export const thumbnailPath = (itemId: string, n: number) => `/api/v1/media/${encodeURIComponent(itemId)}/${n}/thumbnail`;

/** A sensitive item's media as shown after a reveal: links kept, thumbnails served by Framewatch. */
function revealedMedia(itemId: string, media: MediaView[]): MediaView[] {
  return media.map((m, n) => ({
    type: m.type,
    ...(m.url !== undefined && { url: m.url }),
    ...(m.thumbnailUrl !== undefined && { thumbnailUrl: thumbnailPath(itemId, n) }),
    ...(m.durationSec !== undefined && { durationSec: m.durationSec }),
    sensitive: true,
    hidden: false,
  }));
}

/**
 * The item as the API may show it to someone: a sensitive item's media are placeholders and its
 * links are left out (they may lead to the footage) unless it is revealed to them.
 */
export function redactItem<T extends ItemLike>(item: T, revealed: RevealCheck): T {
  if (!item.sensitive) return item;
  if (revealed(item.id)) return { ...item, media: revealedMedia(item.id, item.media) };
  const media = item.media.map((m) => ({ type: m.type, sensitive: true, hidden: true }));
  return { ...item, media, ...(item.links && { links: [] }) };
}

const isItemLike = (value: Record<string, unknown>): value is ItemLike & Record<string, unknown> =>
  typeof value.id === 'string' && typeof value.sensitive === 'boolean' && Array.isArray(value.media);

/** Redacts every item-shaped object in a JSON answer, copying only what changes. */
export function redactPayload(value: unknown, revealed: RevealCheck, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 12) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    value.forEach((v, n) => {
      const r = redactPayload(v, revealed, depth + 1);
      if (r !== v) (out ??= [...value])[n] = r;
    });
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  if (isItemLike(record)) return redactItem(record, revealed);
  let out: Record<string, unknown> | null = null;
  for (const [key, v] of Object.entries(record)) {
    const r = redactPayload(v, revealed, depth + 1);
    if (r !== v) (out ??= { ...record })[key] = r;
  }
  return out ?? value;
}

/** A user or API token (a reveal is theirs alone). */
type Holder = { kind: string; id: string };

/** Who revealed which item until when. In process memory: a restart (or another instance) asks for a new reveal. */
export class RevealGrants {
  private readonly grants = new Map<string, Map<string, number>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  grant(holder: Holder, itemId: string): number {
    const until = this.now() + this.ttlMs;
    const key = `${holder.kind}:${holder.id}`;
    const mine = this.grants.get(key) ?? new Map<string, number>();
    for (const [id, at] of mine) if (at <= this.now()) mine.delete(id);
    mine.set(itemId, until);
    this.grants.set(key, mine);
    return until;
  }

  has(holder: Holder, itemId: string): boolean {
    return (this.grants.get(`${holder.kind}:${holder.id}`)?.get(itemId) ?? 0) > this.now();
  }

  checker(holder: Holder | null): RevealCheck {
    return holder ? (itemId) => this.has(holder, itemId) : () => false;
  }
}

/** Image types served back; SVG is not among them (it can carry script). */
const SIGNATURES: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/gif': (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  'image/avif': (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' && /^avi[fs]$/u.test(b.subarray(8, 12).toString('latin1')),
};

export class MediaRefusedError extends AppError {
  constructor(message: string) {
    super('media_refused', 502, message);
  }
}

export interface CachedThumbnail {
  body: Buffer;
  contentType: string;
}

/** Thumbnails on disk, size-capped, keyed by item, index and source URL. */
export class ThumbnailCache {
  private total: number | null = null;
  private readonly inFlight = new Map<string, Promise<CachedThumbnail>>();

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly maxEach: number,
    private readonly fetcher: Fetcher,
  ) {}

  async get(key: string, url: string): Promise<CachedThumbnail> {
    const file = join(this.dir, createHash('sha256').update(`${key}\n${url}`).digest('hex'));
    const cached = await this.read(file);
    if (cached) return cached;
    const pending = this.inFlight.get(file) ?? this.fetchAndStore(file, url).finally(() => this.inFlight.delete(file));
    this.inFlight.set(file, pending);
    return pending;
  }

  private async read(file: string): Promise<CachedThumbnail | null> {
    try {
      const meta = JSON.parse(await readFile(`${file}.json`, 'utf8')) as { contentType: string };
      const body = await readFile(`${file}.img`);
      const now = new Date();
      await utimes(`${file}.img`, now, now).catch(() => undefined);
      return { body, contentType: meta.contentType };
    } catch {
      return null;
    }
  }

  private async fetchAndStore(file: string, url: string): Promise<CachedThumbnail> {
    let response;
    try {
      response = await this.fetcher.get(url, { maxBytes: this.maxEach, headers: { accept: Object.keys(SIGNATURES).join(', ') } });
    } catch (error) {
      const reason = error instanceof FetchError ? `${error.code}: ${error.message}` : (error as Error).message;
      throw new MediaRefusedError(`the thumbnail could not be fetched (${reason.slice(0, 300)})`);
    }
    const contentType = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const signature = SIGNATURES[contentType];
    if (!signature)
      throw new MediaRefusedError(`the thumbnail is ${contentType || 'of no declared type'}, not an image we serve`);
    if (!signature(response.body)) throw new MediaRefusedError(`the thumbnail's bytes are not ${contentType}`);
    await mkdir(this.dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, response.body);
    await rename(tmp, `${file}.img`);
    await writeFile(
      `${file}.json`,
      JSON.stringify({ contentType, size: response.body.length, fetchedAt: new Date().toISOString() }),
    );
    await this.account(response.body.length);
    return { body: response.body, contentType };
  }

  /** Adds a written file to the running total and evicts the least recently served past the cap. */
  private async account(added: number): Promise<void> {
    if (this.total === null) this.total = (await this.entries()).reduce((n, e) => n + e.size, 0);
    else this.total += added;
    if (this.total <= this.maxBytes) return;
    const entries = (await this.entries()).sort((a, b) => a.mtimeMs - b.mtimeMs);
    let total = entries.reduce((n, e) => n + e.size, 0);
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      await unlink(`${e.base}.img`).catch(() => undefined);
      await unlink(`${e.base}.json`).catch(() => undefined);
      total -= e.size;
    }
    this.total = total;
  }

  private async entries(): Promise<{ base: string; size: number; mtimeMs: number }[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: { base: string; size: number; mtimeMs: number }[] = [];
    for (const name of names) {
      if (!name.endsWith('.img')) continue;
      const base = join(this.dir, name.slice(0, -4));
      const s = await stat(`${base}.img`).catch(() => null);
      if (s) out.push({ base, size: s.size, mtimeMs: s.mtimeMs });
    }
    return out;
  }
}

export interface RevealedMedia {
  itemId: string;
  sensitive: boolean;
  revealedUntil: string;
  media: { index: number; type: string; url: string | null; thumbnailUrl: string | null; durationSec: number | null }[];
}

export class MediaService {
  readonly grants: RevealGrants;
  private readonly cache: ThumbnailCache;
  private readonly fetcher: Fetcher;

  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    options: MediaOptions,
  ) {
    const now = options.now ?? Date.now;
    this.grants = new RevealGrants(options.revealTtlMs ?? 15 * 60_000, now);
    const maxEach = options.thumbnailMaxBytes ?? 5 * 1024 * 1024;
    this.fetcher = createFetcher({
      maxBytes: maxEach,
      timeoutMs: options.fetchTimeoutMs ?? 15_000,
      retries: 1,
      politenessDelayMs: 0,
      ...(options.allowPrivate !== undefined && { allowPrivate: options.allowPrivate }),
    });
    this.cache = new ThumbnailCache(options.cacheDir, options.cacheMaxBytes, maxEach, this.fetcher);
  }

  private async item(itemId: string): Promise<Item> {
    const [item] = await this.store.getItems([itemId]);
    if (!item) throw new NotFoundError('item', itemId);
    return item;
  }

  /** Grants the caller the item's media for a while and records it in the audit log. */
  async reveal(ctx: ActionContext, itemId: string): Promise<RevealedMedia> {
    const item = await this.item(itemId);
    const principal = ctx.actor;
    if (!principal) throw new AppError('unauthenticated', 401, 'sign in to reveal media');
    const until = this.grants.grant(principal, item.id);
    const revealedUntil = new Date(until).toISOString();
    await this.auth.audit(
      ctx,
      'media.reveal',
      { type: 'item', id: item.id },
      { sensitive: item.sensitive, media: item.media.length, revealedUntil },
    );
    return {
      itemId: item.id,
      sensitive: item.sensitive,
      revealedUntil,
      media: item.media.map((m, index) => ({
        index,
        type: m.type,
        url: m.url ?? null,
        thumbnailUrl: m.thumbnailUrl ? thumbnailPath(item.id, index) : null,
        durationSec: m.durationSec ?? null,
      })),
    };
  }

  /** The n-th media's thumbnail from the cache, fetched on first use; a sensitive item's needs the caller's recent reveal. */
  async thumbnail(principal: Principal, itemId: string, n: number): Promise<CachedThumbnail & { sensitive: boolean }> {
    const item = await this.item(itemId);
    const url = item.media[n]?.thumbnailUrl;
    if (!url) throw new NotFoundError('thumbnail', `${itemId}/${n}`);
    if (item.sensitive && !this.grants.has(principal, item.id)) {
      throw new AppError('reveal_required', 403, 'this item is sensitive: reveal it first (POST /api/v1/items/:id/reveal)');
    }
    return { ...(await this.cache.get(`${item.id}\n${n}`, url)), sensitive: item.sensitive };
  }

  async close(): Promise<void> {
    await this.fetcher.close();
  }
}

/** The one place answers are redacted: every JSON answer, for the principal that asked. */
export function registerMediaRedaction(app: FastifyInstance, media: MediaService): void {
  app.addHook('preSerialization', async (request, _reply, payload) =>
    redactPayload(payload, media.grants.checker(request.principal)),
  );
  app.addHook('onClose', async () => media.close());
}
