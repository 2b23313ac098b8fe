/**
 * Turning a validated ItemInput into the stored Item, shared by both adapters so that ids, hashes,
 * and the indexed text are identical whichever backend stores them.
 */
import { hash } from 'node:crypto';
import type { EngagementSnapshot, Item, ItemInput } from '../domain/schemas.js';
import { searchable } from './text.js';

// One-shot hashing: several times per item on the ingest path, so it avoids a Hash object each time.
function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Deterministic item id: the same platform, source and external id always give the same id. */
export function itemId(platform: string, sourceId: string, externalId: string): string {
  return sha256(`${platform}\u0000${sourceId}\u0000${externalId}`).slice(0, 32);
}

/** Hash of the folded words of title and text: the same content, whatever its case, accents or spacing. */
export function contentHash(title: string, text: string): string {
  return hashFolded(searchable(title), searchable(text));
}

const hashFolded = (title: string, text: string) => sha256(`${title}\n${text}`).slice(0, 32);

/** A raw payload's JSON: a string, or its UTF-8 bytes. */
export type RawJson = string | Uint8Array;

/** The JSON text of a RawJson. */
export const rawJsonText = (json: RawJson): string =>
  typeof json === 'string' ? json : Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8');

/**
 * A raw payload that arrives already serialized (the import worker serializes each message's
 * payload where it parsed it, into UTF-8 bytes, so that bytes cross between threads instead of an
 * object tree, and stay out of the receiving thread's heap). Stores write `json` as it is; anything
 * else that serializes it gets the payload back through toJSON, so it is stored and spooled
 * exactly as the object would be.
 */
export class SerializedRaw {
  constructor(readonly json: RawJson) {}
  toJSON(): unknown {
    return JSON.parse(rawJsonText(this.json)) as unknown;
  }
}

/** The stored JSON of a raw payload, or undefined when there is none (as JSON.stringify leaves it out). */
export function rawJson(raw: unknown): RawJson | undefined {
  if (raw instanceof SerializedRaw) return raw.json;
  return raw === undefined ? undefined : (JSON.stringify(raw) as string | undefined);
}

export interface PreparedItem {
  item: Item;
  /** Indexed (tokenized, folded) forms of title and text. */
  searchTitle: string;
  searchText: string;
  /** Changes exactly when something an analyst could see changed (not collectedAt, not raw). */
  revision: string;
  /** The raw payload's JSON (as in openJson), or undefined without one. */
  rawJson: RawJson | undefined;
  /**
   * The item serialized once, for stores that write JSON, as pieces that are never joined here and
   * left open (no closing brace), so that a store writes them and fields of its own without copying
   * them into one string: the pieces (as text) joined and a closing brace are byte for byte
   * JSON.stringify(item).
   */
  openJson: readonly RawJson[];
}

/**
 * A time already written as toISOString() writes it, on a day that every month has: Date would
 * give it back unchanged (days 29-31 and hour 24 may roll over to another day; those take Date).
 */
const CANONICAL_ISO = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** The time in toISOString() form. */
const iso = (value: string) => (CANONICAL_ISO.test(value) ? value : new Date(value).toISOString());

/** The indexed forms of a title and a text (searchableFolded of their folds), with the title and text they were made from. */
export interface IndexedForms {
  title: string;
  text: string;
  searchTitle: string;
  searchText: string;
}

/**
 * `id`: the item's id when the caller has computed it already (it is itemId of the input).
 * `indexed`: the indexed forms when the caller has them; used only where made from this title and text.
 */
export function prepareItem(input: ItemInput, now: Date, id?: string, indexed?: IndexedForms): PreparedItem {
  const title = input.title ?? '';
  // Folding is the costly step of preparing an item: once per field, with the indexed form.
  const searchTitle = indexed?.title === title ? indexed.searchTitle : searchable(title);
  const searchText = indexed?.text === input.text ? indexed.searchText : searchable(input.text);
  // Everything an analyst can see (all but collectedAt, links and raw), in the Item's key order, as
  // one fixed-shape object: serialized once, it is hashed into the revision and is also the body of
  // the stored JSON, which only adds collectedAt (after publishedAt), then links and raw (at the end).
  const visible = {
    id: id ?? itemId(input.platform, input.sourceId, input.externalId),
    platform: input.platform,
    sourceId: input.sourceId,
    externalId: input.externalId,
    kind: input.kind,
    side: input.side ?? 'UNKNOWN',
    url: input.url ?? null,
    title,
    text: input.text,
    lang: input.lang ?? 'und',
    publishedAt: iso(input.publishedAt),
    editedAt: input.editedAt ? iso(input.editedAt) : null,
    media: input.media ?? [],
    engagement: {
      views: input.engagement?.views ?? 0,
      forwards: input.engagement?.forwards ?? 0,
      reactions: input.engagement?.reactions ?? 0,
      comments: input.engagement?.comments ?? 0,
    },
    frames: input.frames ?? [],
    entities: input.entities ?? [],
    releaseId: input.releaseId ?? null,
    forwardedFrom: input.forwardedFrom ?? null,
    sensitive: input.sensitive ?? false,
    demo: input.demo ?? false,
    contentHash: hashFolded(searchTitle, searchText),
  };
  const collectedAt = input.collectedAt ? iso(input.collectedAt) : now.toISOString();
  const visibleJson = JSON.stringify(visible);
  // Links count in the revision only where there are some: items stored before links were kept
  // keep their revision, so collecting them again is no change.
  const links = input.links ?? [];
  const linksJson = `,"links":${JSON.stringify(links)}`;
  const revision = links.length === 0 ? sha256(visibleJson) : sha256(`${visibleJson.slice(0, -1)}${linksJson}}`);
  // Inside JSON strings every quote is escaped, so the first `,"editedAt":` is the key itself.
  const split = visibleJson.indexOf(',"editedAt":');
  // JSON.stringify leaves out a property whose value does not serialize (undefined): so does this.
  const raw = rawJson(input.raw);
  // Listed rather than spread: an object literal keeps one fixed shape, which reads and serializes fastest.
  const item: Item = {
    id: visible.id,
    platform: visible.platform,
    sourceId: visible.sourceId,
    externalId: visible.externalId,
    kind: visible.kind,
    side: visible.side,
    url: visible.url,
    title,
    text: visible.text,
    lang: visible.lang,
    publishedAt: visible.publishedAt,
    collectedAt,
    editedAt: visible.editedAt,
    media: visible.media,
    engagement: visible.engagement,
    frames: visible.frames,
    entities: visible.entities,
    releaseId: visible.releaseId,
    forwardedFrom: visible.forwardedFrom,
    sensitive: visible.sensitive,
    demo: visible.demo,
    contentHash: visible.contentHash,
    links,
    raw: input.raw,
  };
  return {
    item,
    searchTitle,
    searchText,
    revision: revision.slice(0, 32),
    rawJson: raw,
    openJson: [
      visibleJson.slice(0, split),
      `,"collectedAt":${JSON.stringify(collectedAt)}`,
      visibleJson.slice(split, -1),
      linksJson,
      ...(raw === undefined ? [] : [',"raw":', raw]),
    ],
  };
}

const sameEngagement = (a: Item['engagement'], b: Item['engagement']) =>
  a.views === b.views && a.forwards === b.forwards && a.reactions === b.reactions && a.comments === b.comments;

/**
 * The snapshot an update records: the engagement it supersedes, at the time it was collected. An
 * item's current engagement is itself the latest point of its series, so creating an item writes
 * no snapshot, and the series loses nothing when the item changes.
 */
export function supersededSnapshot(
  previous: { engagement: Item['engagement']; collectedAt: string },
  next: Item,
): EngagementSnapshot | null {
  const e = previous.engagement;
  if (sameEngagement(e, next.engagement) || e.views + e.forwards + e.reactions + e.comments === 0) return null;
  return { itemId: next.id, at: new Date(previous.collectedAt).toISOString(), ...e };
}

/** Stored snapshots plus the item's current engagement as the latest point, in time order. */
export function snapshotSeries(stored: EngagementSnapshot[], item: Item | undefined): EngagementSnapshot[] {
  const byAt = new Map(stored.map((s) => [s.at, s]));
  if (item) {
    const e = item.engagement;
    if (e.views + e.forwards + e.reactions + e.comments > 0)
      byAt.set(item.collectedAt, { itemId: item.id, at: item.collectedAt, ...e });
  }
  return [...byAt.values()].sort((a, b) => a.at.localeCompare(b.at));
}

/** Removes the indexed-only fields an Item never carries out of the store. */
export function withoutRaw(item: Item): Omit<Item, 'raw'> {
  const { raw: _raw, ...rest } = item;
  return rest;
}

/** The input that stores an item exactly as it is (for rewriting stored items, e.g. re-tagging). */
export function toItemInput(item: Item): ItemInput {
  const input: ItemInput = {
    platform: item.platform,
    sourceId: item.sourceId,
    externalId: item.externalId,
    kind: item.kind,
    side: item.side,
    title: item.title,
    text: item.text,
    lang: item.lang,
    publishedAt: item.publishedAt,
    collectedAt: item.collectedAt,
    media: item.media,
    engagement: item.engagement,
    frames: item.frames,
    entities: item.entities,
    sensitive: item.sensitive,
    demo: item.demo,
  };
  if (item.url !== null) input.url = item.url;
  if (item.editedAt !== null) input.editedAt = item.editedAt;
  if (item.releaseId !== null) input.releaseId = item.releaseId;
  if (item.forwardedFrom !== null) input.forwardedFrom = item.forwardedFrom;
  if (item.raw !== undefined) input.raw = item.raw;
  return input;
}
