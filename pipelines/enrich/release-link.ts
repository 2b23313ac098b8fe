/**
 * Release linking: is a new item a copy of a release seen in the last 14 days? The linker keeps an
 * in-memory index of recent items that the runner feeds (remember) and asks (link), in this order
 * of certainty:
 *
 * 1. forward        it forwards a remembered post (t.me/<channel>/<id>);
 * 2. link           it links a remembered item's URL (canonicalised, see canonicalUrl);
 * 3. same_video     it embeds or links the same video (YouTube id, or the same media URL);
 * 4. near_duplicate its text repeats a remembered text (MinHash over word 3-shingles of the folded
 *                   text; Jaccard or containment above a threshold, both texts long enough), within
 *                   the window after the release's first appearance;
 * 5. new_release    none of the above, and it comes from a release source or is a video from an
 *                   official (or military) source: it opens a release whose id is its own id.
 *
 * Entries older than the window (by publication time, relative to the newest item remembered) are
 * evicted, so memory is bounded by the window's volume.
 */
import type { Kind, SourceType } from '../../server/domain/schemas.js';
import { CharClass, fold } from '../../server/store/text.js';
import { mix32 } from '../hashing.js';

export type LinkReason = 'forward' | 'link' | 'same_video' | 'near_duplicate' | 'new_release' | 'none';

export interface LinkResult {
  releaseId: string | null;
  reason: LinkReason;
  /** Estimated similarity for near_duplicate (Jaccard or containment, whichever decided). */
  similarity?: number;
  /** The remembered item the decision points at (forward, link, same_video, near_duplicate). */
  matchedItemId?: string;
}

export interface LinkableItem {
  /** The item's id: itemId(platform, sourceId, externalId) from server/store/prepare.ts. */
  id: string;
  sourceId: string;
  side?: string;
  publishedAt: string | Date;
  url?: string;
  title?: string;
  text: string;
  kind?: Kind;
  media?: readonly { type: string; url?: string }[];
  links?: readonly string[];
  forwardedFrom?: { name?: string; url?: string } | string;
}

export interface RememberedItem extends LinkableItem {
  releaseId: string | null;
}

export interface LinkCandidate extends LinkableItem {
  /** The source is marked as a release source (its items open releases). */
  releaseSource?: boolean;
  sourceType?: SourceType;
}

export interface ReleaseLinkerOptions {
  windowDays?: number;
  /** Estimated Jaccard of 3-shingle sets at or above which texts are near-duplicates. */
  jaccard?: number;
  /** Share of the shorter text's shingles found in the longer one at or above which it is a copy. */
  containment?: number;
  /** Texts with fewer shingles never link by text: short generic posts look alike. */
  minShingles?: number;
}

const DAY_MS = 86_400_000;
const HASHES = 64;
const ROWS = 2;
const BANDS = HASHES / ROWS;
const SHINGLE = 3;
const MAX_TOKENS = 3_000;
const MAX_BUCKET = 16;
const MIN_COLLISIONS = 2;
const EVICT_EVERY = 1_024;

// ---------------------------------------------------------------------------------------------
// URLs

const TRACKING =
  /^(utm_.*|fbclid|gclid|dclid|gbraid|wbraid|yclid|msclkid|mc_cid|mc_eid|igshid|igsh|si|feature|ref|ref_src|ref_url|_ga|_gl|spm|share|from|source|cmpid|ocid|s|t_source)$/iu;
const YT_ID = /^[A-Za-z0-9_-]{11}$/u;

function parseLoose(input: string): URL | null {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 4096) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//iu.test(trimmed)
    ? trimmed
    : /^[\w-]+(\.[\w-]+)+(\/|$)/u.test(trimmed)
      ? `https://${trimmed}`
      : null;
  if (!withScheme) return null;
  try {
    const url = new URL(withScheme);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** The YouTube video id of a watch, short, shorts, embed or live URL; null for anything else. */
export function youtubeId(input: string): string | null {
  const url = parseLoose(input);
  if (!url) return null;
  const host = url.hostname.toLowerCase().replace(/^(www|m|music)\./u, '');
  const parts = url.pathname.split('/').filter((p) => p.length > 0);
  let id: string | null | undefined = null;
  if (host === 'youtu.be') id = parts[0];
  else if (host === 'youtube.com' || host === 'youtube-nocookie.com') {
    if (parts[0] === 'watch') id = url.searchParams.get('v');
    else if (parts[0] && ['shorts', 'embed', 'live', 'v', 'e'].includes(parts[0])) id = parts[1];
  }
  return id && YT_ID.test(id) ? id : null;
}

/**
 * One spelling per address: https, no www., lower-case host, no fragment, no tracking parameters,
 * sorted query, no trailing slash; t.me/s/x/1 and telegram.me/x/1 → t.me/x/1; every YouTube form →
 * https://youtube.com/watch?v=ID. Null when the input is not an http(s) URL.
 */
export function canonicalUrl(input: string): string | null {
  const yt = youtubeId(input);
  if (yt) return `https://youtube.com/watch?v=${yt}`;
  const url = parseLoose(input);
  if (!url) return null;
  let host = url.hostname
    .toLowerCase()
    .replace(/^www\./u, '')
    .replace(/\.$/u, '');
  let path = url.pathname.replace(/\/{2,}/gu, '/');
  if (host === 'telegram.me' || host === 'telegram.dog') host = 't.me';
  if (host === 't.me') {
    // Channel usernames are case-insensitive; the web preview (/s/) shows the same post; the query
    // (?single, ?embed=1, ?comment=) never changes which post it is.
    const parts = path.split('/').filter((p) => p.length > 0);
    if (parts[0] === 's') parts.shift();
    if (parts[0] && parts[0] !== 'c') parts[0] = parts[0].toLowerCase();
    return `https://t.me/${parts.join('/')}`.replace(/\/$/u, '');
  }
  if (path.length > 1) path = path.replace(/\/+$/u, '');
  const params = [...url.searchParams.entries()]
    .filter(([k]) => !TRACKING.test(k))
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const query = params.length > 0 ? `?${new URLSearchParams(params).toString()}` : '';
  const port = url.port && url.port !== '80' && url.port !== '443' ? `:${url.port}` : '';
  return `https://${host}${port}${path === '/' ? '' : path}${query}`;
}

// ---------------------------------------------------------------------------------------------
// MinHash

const SEEDS = Int32Array.from({ length: HASHES }, (_, i) => mix32(0x9e3779b9 ^ mix32(i + 1)) | 0);

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

const URLS = /(?:https?:\/\/|www\.)\S+|\bt\.me\/\S+/giu;
/** A word is a run of letters and digits. */
const WORD_CHARS = new CharClass(/[\p{L}\p{N}]/u);

/** Scratch space of foldedSignature: the hashes of the words, then of the shingles. */
let wordHashes = new Int32Array(256);
let shingleHashes = new Int32Array(256);

interface Signature {
  mins: Uint32Array;
  /** Distinct shingles (approximately: distinct shingle hashes). */
  size: number;
}

/**
 * The MinHash of a text computed apart from any linker (say, in an enrichment worker), with the
 * counts a linker needs to apply its own minimum: pass it to link() and remember() for that text.
 */
export interface TextSignature extends Signature {
  /** Words of the text (URLs removed), before the MAX_TOKENS cap. */
  tokens: number;
}

/** The text a linker compares: title and text, as signatureOf() joins them. */
const linkText = (item: { title?: string; text: string }) => `${item.title ?? ''}\n${item.text}`;

/** MinHash of a text's word 3-shingles, whatever their number (see TextSignature). */
function computeSignature(text: string): TextSignature {
  return foldedSignature(fold(text));
}

/**
 * computeSignature of a text already folded (fold() keeps URLs recognisable: it only lowers case
 * and drops accents). The words are the runs of letters and digits once URLs are removed, each
 * hashed with 32-bit FNV-1a over its UTF-16 code units; a shingle hashes three words in a row; the
 * signature keeps, for each of HASHES seeds, the least mix32(shingle ^ seed) over the distinct
 * shingles. Words are hashed as the text is scanned, without making a string of each.
 */
function foldedSignature(folded: string): TextSignature {
  // Every URL has "://", "www." or "t.me/" in it, and folded text is in lower case.
  const text = folded.includes('://') || folded.includes('www.') || folded.includes('t.me/') ? folded.replace(URLS, ' ') : folded;
  if (wordHashes.length < Math.min(text.length, MAX_TOKENS)) wordHashes = new Int32Array(MAX_TOKENS);
  let tokens = 0;
  let h = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const units = WORD_CHARS.at(text, i);
    if (units > 0) {
      if (!inWord) h = FNV_OFFSET;
      inWord = true;
      h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
      if (units === 2) h = Math.imul(h ^ text.charCodeAt(++i), FNV_PRIME);
    } else if (inWord) {
      if (tokens < MAX_TOKENS) wordHashes[tokens] = h;
      tokens++;
      inWord = false;
    }
  }
  if (inWord) {
    if (tokens < MAX_TOKENS) wordHashes[tokens] = h;
    tokens++;
  }
  const shingles = Math.max(0, Math.min(tokens, MAX_TOKENS) - SHINGLE + 1);
  if (shingleHashes.length < shingles) shingleHashes = new Int32Array(MAX_TOKENS);
  for (let i = 0; i < shingles; i++) {
    const a = (wordHashes[i] as number) >>> 0;
    const b = (wordHashes[i + 1] as number) >>> 0;
    const c = (wordHashes[i + 2] as number) >>> 0;
    shingleHashes[i] = mix32(a ^ mix32(b ^ mix32(c + 0x632be5ab)));
  }
  // Distinct shingle hashes: sorted, then each kept once.
  const sorted = shingleHashes.subarray(0, shingles).sort();
  let size = 0;
  for (let i = 0; i < shingles; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[size++] = sorted[i] as number;
  const mins = new Uint32Array(HASHES);
  for (let k = 0; k < HASHES; k++) {
    const seed = SEEDS[k] as number;
    // The least of unsigned values, compared as signed ones with the sign bit flipped.
    let least = 0x7fffffff;
    for (let j = 0; j < size; j++) {
      const v = mix32((sorted[j] as number) ^ seed) ^ 0x80000000;
      if (v < least) least = v;
    }
    mins[k] = (least ^ 0x80000000) >>> 0;
  }
  return { mins, size, tokens };
}

/**
 * The signature of an item's title and text, for link() and remember() of the same item.
 * `folded`: fold() of the title, a line break and the text (or of the text alone when there is no
 * title: a line break is no word), when the caller has it; it is not folded again.
 */
export function itemSignature(item: { title?: string; text: string }, folded?: string): TextSignature {
  return foldedSignature(folded ?? fold(linkText(item)));
}

/** A signature worth comparing under a linker's minimum, or null (too few words or shingles). */
function usableSignature(sig: TextSignature, minShingles: number): Signature | null {
  if (sig.tokens === 0 || sig.tokens < SHINGLE + minShingles - 1 || sig.size < minShingles) return null;
  return sig;
}

/** MinHash signature of a text's word 3-shingles, or null when it has too few to compare. */
function signature(text: string, minShingles: number): Signature | null {
  return usableSignature(computeSignature(text), minShingles);
}

function jaccard(a: Signature, b: Signature): number {
  let same = 0;
  for (let k = 0; k < HASHES; k++) if (a.mins[k] === b.mins[k]) same++;
  return same / HASHES;
}

/** One key per band: 5 bits of band index and 32 bits of hash, exact in a double. */
function bandKeys(sig: Signature): number[] {
  const keys: number[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = b + 1;
    for (let r = 0; r < ROWS; r++) h = mix32(h ^ (sig.mins[b * ROWS + r] as number));
    keys.push(b * 4294967296 + h);
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// The index

interface Entry {
  id: string;
  sourceId: string;
  publishedAt: number;
  releaseId: string | null;
  /** Publication time of the release's original, as far as the index knows it. */
  releaseAt: number;
  reason: LinkReason;
  urlKeys: string[];
  videoKeys: string[];
  sig: Signature | null;
  bands: number[];
  evicted: boolean;
  /** The nearest() call that last counted this entry, and its band collisions in that call. */
  seenIn: number;
  collisions: number;
}

const toMs = (value: string | Date) => (typeof value === 'string' ? Date.parse(value) : value.getTime());

function forwardUrl(f: LinkableItem['forwardedFrom']): string | undefined {
  if (!f) return undefined;
  if (typeof f === 'string') return /^(https?:\/\/)?(t|telegram)\.me\//iu.test(f) ? f : undefined;
  return f.url;
}

/** Video identities: yt:<id> for YouTube, the canonical URL for other video media. */
function videoKeys(item: LinkableItem): string[] {
  const keys = new Set<string>();
  const add = (url: string | undefined, isVideo: boolean) => {
    if (!url) return;
    const yt = youtubeId(url);
    if (yt) keys.add(`yt:${yt}`);
    else if (isVideo) {
      const c = canonicalUrl(url);
      if (c) keys.add(`media:${c}`);
    }
  };
  for (const m of item.media ?? []) add(m.url, m.type === 'video');
  add(item.url, false);
  // A post that shares a YouTube video carries it as much as one that embeds it.
  for (const link of item.links ?? []) add(link, false);
  return [...keys];
}

function ownUrlKeys(item: LinkableItem): string[] {
  const c = item.url ? canonicalUrl(item.url) : null;
  return c ? [c] : [];
}

/** Addresses the candidate points at: the links in its content and link media. */
function pointedUrls(item: LinkableItem): string[] {
  const out = new Set<string>();
  for (const link of item.links ?? []) {
    const c = canonicalUrl(link);
    if (c) out.add(c);
  }
  for (const m of item.media ?? []) {
    if (m.type === 'link' && m.url) {
      const c = canonicalUrl(m.url);
      if (c) out.add(c);
    }
  }
  return [...out];
}

export class ReleaseLinker {
  private readonly windowMs: number;
  private readonly jaccardMin: number;
  private readonly containmentMin: number;
  private readonly minShingles: number;
  private readonly entries = new Map<string, Entry>();
  private readonly byUrl = new Map<string, Entry>();
  private readonly byVideo = new Map<string, Entry>();
  private readonly bands = new Map<number, Entry[]>();
  private newest = -Infinity;
  private lastSignature: { id: string; text: string; sig: Signature | null } | undefined;
  private sinceEviction = 0;
  private nearestCalls = 0;

  constructor(options: ReleaseLinkerOptions = {}) {
    this.windowMs = (options.windowDays ?? 14) * DAY_MS;
    this.jaccardMin = options.jaccard ?? 0.5;
    this.containmentMin = options.containment ?? 0.7;
    this.minShingles = options.minShingles ?? 8;
  }

  /** Items currently remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** Decides which release, if any, a candidate belongs to. Does not remember it. */
  link(candidate: LinkCandidate, precomputed?: TextSignature): LinkResult {
    const known = this.entries.get(candidate.id);
    // Collecting the same item again gives the same answer.
    if (known) return { releaseId: known.releaseId, reason: known.reason };
    const at = toMs(candidate.publishedAt);
    const usable = (e: Entry | undefined): e is Entry =>
      e !== undefined && !e.evicted && e.id !== candidate.id && e.releaseId !== null;

    const fwd = forwardUrl(candidate.forwardedFrom);
    const fwdKey = fwd ? canonicalUrl(fwd) : null;
    if (fwdKey) {
      const e = this.byUrl.get(fwdKey);
      if (usable(e)) return { releaseId: e.releaseId, reason: 'forward', matchedItemId: e.id };
    }

    for (const key of [...pointedUrls(candidate), ...ownUrlKeys(candidate)]) {
      const e = this.byUrl.get(key);
      if (usable(e)) return { releaseId: e.releaseId, reason: 'link', matchedItemId: e.id };
    }

    for (const key of videoKeys(candidate)) {
      const e = this.byVideo.get(key);
      if (usable(e)) return { releaseId: e.releaseId, reason: 'same_video', matchedItemId: e.id };
    }

    const sig = this.signatureOf(candidate, precomputed);
    if (sig) {
      const best = this.nearest(sig, at, candidate.id);
      if (best)
        return {
          releaseId: best.entry.releaseId,
          reason: 'near_duplicate',
          similarity: best.similarity,
          matchedItemId: best.entry.id,
        };
    }

    if (opensRelease(candidate)) return { releaseId: candidate.id, reason: 'new_release' };
    return { releaseId: null, reason: 'none' };
  }

  /** Adds an item (with the release it was linked to) to the index; evicts what fell out of the window. */
  remember(
    item: RememberedItem,
    reason: LinkReason = item.releaseId === item.id ? 'new_release' : item.releaseId ? 'link' : 'none',
    precomputed?: TextSignature,
  ): void {
    const publishedAt = toMs(item.publishedAt);
    if (!Number.isFinite(publishedAt)) return;
    const previous = this.entries.get(item.id);
    if (previous) this.drop(previous);
    const sig = this.signatureOf(item, precomputed);
    const entry: Entry = {
      id: item.id,
      sourceId: item.sourceId,
      publishedAt,
      releaseId: item.releaseId,
      releaseAt:
        item.releaseId && item.releaseId !== item.id ? (this.entries.get(item.releaseId)?.releaseAt ?? publishedAt) : publishedAt,
      reason,
      urlKeys: ownUrlKeys(item),
      videoKeys: videoKeys(item),
      sig,
      bands: sig && item.releaseId ? bandKeys(sig) : [],
      evicted: false,
      seenIn: 0,
      collisions: 0,
    };
    this.entries.set(item.id, entry);
    // The first item seen at an address or with a video keeps it: that is the earliest appearance.
    for (const key of entry.urlKeys) if (!this.byUrl.has(key)) this.byUrl.set(key, entry);
    for (const key of entry.videoKeys) if (!this.byVideo.has(key)) this.byVideo.set(key, entry);
    for (const key of entry.bands) {
      const bucket = this.bands.get(key);
      if (!bucket) this.bands.set(key, [entry]);
      else {
        bucket.push(entry);
        // A band shared by very many texts is boilerplate; keeping the newest is enough.
        if (bucket.length > MAX_BUCKET) bucket.shift();
      }
    }
    if (publishedAt > this.newest) this.newest = publishedAt;
    if (++this.sinceEviction >= EVICT_EVERY) this.evictOlderThan(new Date(this.newest - this.windowMs));
  }

  /** Forgets every item published before `cutoff`. */
  evictOlderThan(cutoff: Date): number {
    this.sinceEviction = 0;
    const limit = cutoff.getTime();
    let n = 0;
    for (const entry of this.entries.values()) {
      if (entry.publishedAt < limit) {
        this.drop(entry);
        n++;
      }
    }
    return n;
  }

  /**
   * The runner links an item and then remembers it: the signature is computed once for both, or
   * not at all when the caller computed it already (itemSignature of the same title and text).
   */
  private signatureOf(item: LinkableItem, precomputed?: TextSignature): Signature | null {
    if (precomputed) return usableSignature(precomputed, this.minShingles);
    const text = linkText(item);
    if (this.lastSignature?.id === item.id && this.lastSignature.text === text) return this.lastSignature.sig;
    const sig = signature(text, this.minShingles);
    this.lastSignature = { id: item.id, text, sig };
    return sig;
  }

  private drop(entry: Entry): void {
    entry.evicted = true;
    this.entries.delete(entry.id);
    for (const key of entry.urlKeys) if (this.byUrl.get(key) === entry) this.byUrl.delete(key);
    for (const key of entry.videoKeys) if (this.byVideo.get(key) === entry) this.byVideo.delete(key);
    for (const key of entry.bands) {
      const bucket = this.bands.get(key);
      const at = bucket ? bucket.indexOf(entry) : -1;
      if (!bucket || at < 0) continue;
      if (bucket.length === 1) this.bands.delete(key);
      else bucket.splice(at, 1);
    }
  }

  private nearest(sig: Signature, at: number, selfId: string): { entry: Entry; similarity: number } | null {
    // Only items with a release are indexed by text: until one is remembered, nothing can match
    // (an import into a source that opens no releases links by text to nothing it imports).
    if (this.bands.size === 0) return null;
    let best: { entry: Entry; similarity: number } | null = null;
    // Texts that share one band by chance are common in a corpus on one topic; near-duplicates
    // share several (at Jaccard 0.5, eight of 32 on average). Verify only those.
    // Collisions are counted on the entries themselves (a Map keyed by entry took most of the time
    // of linking a corpus on one topic, whose buckets are full); candidates keep first-seen order.
    const call = ++this.nearestCalls;
    const candidates: Entry[] = [];
    for (const key of bandKeys(sig)) {
      const bucket = this.bands.get(key);
      if (!bucket) continue;
      for (const e of bucket) {
        if (e.seenIn === call) e.collisions++;
        else {
          e.seenIn = call;
          e.collisions = 1;
          candidates.push(e);
        }
      }
    }
    for (const e of candidates) {
      if (e.collisions < MIN_COLLISIONS) continue;
      if (e.evicted || !e.sig || e.id === selfId || e.releaseId === null) continue;
      // A copy comes after its original (an hour of clock skew tolerated), and repeating a text
      // links only within the window of the release's first appearance.
      if (e.publishedAt > at + 3_600_000 || at - e.releaseAt > this.windowMs) continue;
      const j = jaccard(sig, e.sig);
      const inter = (j * (sig.size + e.sig.size)) / (1 + j);
      const containment = inter / Math.min(sig.size, e.sig.size);
      // Containment decides only between texts of comparable length: estimated from a low
      // Jaccard of very unequal sets it is noise.
      const comparable = Math.min(sig.size, e.sig.size) / Math.max(sig.size, e.sig.size) >= 0.2 && j >= 0.15;
      const similarity =
        j >= this.jaccardMin ? j : comparable && containment >= this.containmentMin ? Math.min(1, containment) : 0;
      if (similarity === 0) continue;
      if (!best || similarity > best.similarity || (similarity === best.similarity && e.publishedAt < best.entry.publishedAt)) {
        best = { entry: e, similarity: Math.round(similarity * 1000) / 1000 };
      }
    }
    return best;
  }
}

/** An item that copies nothing opens a release when its source is a release source or it is an official video. */
export function opensRelease(candidate: LinkCandidate): boolean {
  if (candidate.releaseSource) return true;
  const official = candidate.sourceType === 'official' || candidate.sourceType === 'military';
  const video = candidate.kind === 'video' || (candidate.media ?? []).some((m) => m.type === 'video');
  return official && video;
}
