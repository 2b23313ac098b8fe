/**
 * Ingest: validate each submitted item on its own, sanitize it, fill its side from the source
 * registry, and store the valid ones in one bulk write. Invalid items are reported with their index
 * and field and never stored in part.
 */
import { ItemInput, type ItemInput as ItemInputType } from '../domain/schemas.js';
import { createChecker, type FieldError } from '../domain/validate.js';
import { sanitizeLine, sanitizeText } from '../../pipelines/enrich/sanitize.js';
import { StoreUnavailableError } from '../domain/errors.js';
import type { EventBus } from '../events/bus.js';
import type { Store, UpsertResult, UpsertStatus } from '../store/port.js';
import { itemId, type IndexedForms } from '../store/prepare.js';

export const MAX_ITEMS_PER_REQUEST = 10_000;
const EARLIEST = Date.parse('1990-01-01T00:00:00Z');
const FUTURE_SLACK_MS = 24 * 3_600_000;

export interface IngestEntry {
  value?: unknown;
  /** Set when the entry could not be parsed at all (a malformed NDJSON line). */
  parseError?: string;
  /** The indexed forms of the item's title and text, when the collection pipeline made them (see Store.upsertItems). */
  indexed?: IndexedForms;
}

export interface IngestError extends FieldError {
  index: number;
}

/** 'spooled': the store was unreachable; the item is on disk and will be stored when it returns. */
export interface IngestResult<S extends string = UpsertStatus> {
  index: number;
  id: string;
  status: S;
}

export interface IngestOutcome<S extends string = UpsertStatus> {
  received: number;
  results: IngestResult<S>[];
  errors: IngestError[];
  /** Items accepted into the spool instead of the store (0 when the store took them). */
  spooled: number;
}

/** The on-disk spool as ingest sees it (server/spool/ingest-spool.ts). */
export interface SpoolPort {
  /** Batches are waiting: new ones queue behind them to keep order. */
  readonly active: boolean;
  /** Appends and fsyncs a batch; a full spool throws StoreUnavailableError (503 with Retry-After). */
  append(items: ItemInputType[], now: Date): void;
}

const checkItem = createChecker(ItemInput);

function checkDates(item: ItemInputType, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  const latest = now.getTime() + FUTURE_SLACK_MS;
  for (const field of ['publishedAt', 'collectedAt', 'editedAt'] as const) {
    const value = item[field];
    if (value === undefined) continue;
    const ms = Date.parse(value);
    if (ms < EARLIEST) errors.push({ field, message: `${value} is before 1990; check the date's format or zone` });
    else if (ms > latest) errors.push({ field, message: `${value} is more than a day in the future` });
  }
  return errors;
}

function sanitize(item: ItemInputType): ItemInputType {
  // A copy whose fields are then replaced where they are: keys keep their order.
  const clean = { ...item, text: sanitizeText(item.text) };
  if (item.title !== undefined) clean.title = sanitizeLine(item.title);
  if (item.forwardedFrom !== undefined) clean.forwardedFrom = sanitizeLine(item.forwardedFrom);
  if (item.frames) clean.frames = item.frames.map((f) => ({ frameId: f.frameId, evidence: f.evidence.map(sanitizeLine) }));
  if (item.entities) clean.entities = item.entities.map((e) => ({ type: e.type, name: sanitizeLine(e.name) }));
  return clean;
}

/**
 * Publishes what an acknowledged write changed: item:new / item:updated per item and one
 * release:update per release that gained or changed copies. Unchanged items publish nothing.
 */
export function publishStored(bus: EventBus, results: UpsertResult[]): void {
  const releases = new Map<string, string[]>();
  for (const r of results) {
    if (r.status === 'unchanged' || !r.item) continue;
    bus.emit(r.status === 'created' ? 'item:new' : 'item:updated', { item: r.item });
    if (r.item.releaseId) releases.set(r.item.releaseId, [...(releases.get(r.item.releaseId) ?? []), r.id]);
  }
  for (const [releaseId, itemIds] of releases) bus.emit('release:update', { releaseId, itemIds });
}

/** Entries per validate-and-write step when the store takes concurrent writes. */
const PART = 250;

function validateEntry(entry: IngestEntry, index: number, now: Date, errors: IngestError[]): ItemInputType | null {
  if (entry.parseError !== undefined) {
    errors.push({ index, field: '(item)', message: entry.parseError });
    return null;
  }
  const fieldErrors = checkItem(entry.value);
  if (fieldErrors.length > 0) {
    errors.push(...fieldErrors.map((e) => ({ index, ...e })));
    return null;
  }
  const item = entry.value as ItemInputType;
  const dateErrors = checkDates(item, now);
  if (dateErrors.length > 0) {
    errors.push(...dateErrors.map((e) => ({ index, ...e })));
    return null;
  }
  const clean = sanitize(item);
  if (clean.text === '' && (clean.title ?? '') === '') {
    errors.push({ index, field: 'text', message: 'the item has no title and its text is empty once markup is removed' });
    return null;
  }
  return clean;
}

/** Splits entries so that every copy of an item lands in the same part (statuses stay in input order). */
function parts(entries: IngestEntry[], parallel: boolean): { offset: number; entries: IngestEntry[] }[] {
  if (!parallel || entries.length <= PART) return [{ offset: 0, entries }];
  const keys = entries.map((e) => {
    const v = e.value as Partial<ItemInputType> | undefined;
    return v && typeof v === 'object' ? `${String(v.platform)}\u0000${String(v.sourceId)}\u0000${String(v.externalId)}` : '';
  });
  if (new Set(keys).size !== keys.length) return [{ offset: 0, entries }];
  const out: { offset: number; entries: IngestEntry[] }[] = [];
  for (let i = 0; i < entries.length; i += PART) out.push({ offset: i, entries: entries.slice(i, i + PART) });
  return out;
}

/**
 * Fills each item's side from the source registry unless the item says otherwise. `sides` caches
 * the registry's answers (pass one map to share them across calls).
 */
export async function fillSides(
  store: Store,
  items: ItemInputType[],
  sides = new Map<string, ItemInputType['side']>(),
): Promise<void> {
  for (const item of items) {
    if (item.side !== undefined) continue;
    if (!sides.has(item.sourceId)) sides.set(item.sourceId, (await store.getSource(item.sourceId))?.side);
    item.side = sides.get(item.sourceId) ?? 'UNKNOWN';
  }
}

/** Validates every entry and appends the valid items to the spool as one batch (sides are filled on replay). */
function spoolEntries(spool: SpoolPort, entries: IngestEntry[], now: Date): IngestOutcome<'spooled'> {
  const errors: IngestError[] = [];
  const valid: { index: number; item: ItemInputType }[] = [];
  entries.forEach((entry, index) => {
    const item = validateEntry(entry, index, now, errors);
    if (item) valid.push({ index, item });
  });
  if (valid.length > 0)
    spool.append(
      valid.map((v) => v.item),
      now,
    );
  const results = valid.map((v) => ({
    index: v.index,
    id: itemId(v.item.platform, v.item.sourceId, v.item.externalId),
    status: 'spooled' as const,
  }));
  errors.sort((a, b) => a.index - b.index);
  return { received: entries.length, results, errors, spooled: valid.length };
}

/**
 * Stores the valid entries, or, with a spool, appends them to it when the store is unreachable or
 * when earlier batches still wait there (order is kept).
 */
export async function ingestItems(store: Store, entries: IngestEntry[], now?: Date, bus?: EventBus): Promise<IngestOutcome>;
export async function ingestItems(
  store: Store,
  entries: IngestEntry[],
  now: Date,
  bus: EventBus | undefined,
  spool: SpoolPort | undefined,
): Promise<IngestOutcome<UpsertStatus | 'spooled'>>;
export async function ingestItems(
  store: Store,
  entries: IngestEntry[],
  now = new Date(),
  bus?: EventBus,
  spool?: SpoolPort,
): Promise<IngestOutcome<UpsertStatus | 'spooled'>> {
  if (spool?.active) return spoolEntries(spool, entries, now);
  try {
    return await storeEntries(store, entries, now, bus);
  } catch (error) {
    // Parts the store did take are written again on replay: upserts by id make that a no-op.
    if (spool && error instanceof StoreUnavailableError) return spoolEntries(spool, entries, now);
    throw error;
  }
}

async function storeEntries(store: Store, entries: IngestEntry[], now: Date, bus?: EventBus): Promise<IngestOutcome> {
  const errors: IngestError[] = [];
  const sides = new Map<string, ItemInputType['side']>();
  // With a store that takes concurrent writes, a part is written while the next one is validated,
  // so the store's work and ours overlap instead of taking turns.
  const writes: Promise<{ indexes: number[]; stored: UpsertResult[] }>[] = [];
  for (const part of parts(entries, store.capabilities.concurrentWrites)) {
    const valid: { index: number; item: ItemInputType; indexed: IndexedForms | undefined }[] = [];
    part.entries.forEach((entry, n) => {
      const item = validateEntry(entry, part.offset + n, now, errors);
      if (item) valid.push({ index: part.offset + n, item, indexed: entry.indexed });
    });
    await fillSides(
      store,
      valid.map((v) => v.item),
      sides,
    );
    if (valid.length === 0) continue;
    const write = store.upsertItems(
      valid.map((v) => v.item),
      now,
      valid.some((v) => v.indexed) ? valid.map((v) => v.indexed) : undefined,
    );
    write.catch(() => undefined);
    writes.push(write.then((stored) => ({ indexes: valid.map((v) => v.index), stored })));
    // Let the store's answers of the parts already sent (lookups, then the bulk write they start)
    // through before validating the next part: otherwise every part is validated and prepared
    // before the first reaches the store, and the store idles until then.
    if (part.offset + part.entries.length < entries.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const settled = await Promise.allSettled(writes);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const results: IngestResult[] = [];
  for (const r of settled) {
    if (r.status !== 'fulfilled') continue;
    if (bus) publishStored(bus, r.value.stored);
    r.value.stored.forEach((u, n) => results.push({ index: r.value.indexes[n] ?? u.index, id: u.id, status: u.status }));
  }
  errors.sort((a, b) => a.index - b.index);
  return { received: entries.length, results, errors, spooled: 0 };
}
