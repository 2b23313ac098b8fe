/**
 * Ingest: validate each submitted item on its own, sanitize it, fill its side from the source
 * registry, and store the valid ones in one bulk write. Invalid items are reported with their index
 * and field and never stored in part.
 */
import { ItemInput, type ItemInput as ItemInputType } from '../domain/schemas.js';
import { createChecker, type FieldError } from '../domain/validate.js';
import { sanitizeLine, sanitizeText } from '../../pipelines/enrich/sanitize.js';
import type { EventBus } from '../events/bus.js';
import type { Store, UpsertResult } from '../store/port.js';

export const MAX_ITEMS_PER_REQUEST = 10_000;
const EARLIEST = Date.parse('1990-01-01T00:00:00Z');
const FUTURE_SLACK_MS = 24 * 3_600_000;

export interface IngestEntry {
  value?: unknown;
  /** Set when the entry could not be parsed at all (a malformed NDJSON line). */
  parseError?: string;
}

export interface IngestError extends FieldError {
  index: number;
}

export interface IngestOutcome {
  received: number;
  results: UpsertResult[];
  errors: IngestError[];
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
  return {
    ...item,
    ...(item.title !== undefined && { title: sanitizeLine(item.title) }),
    text: sanitizeText(item.text),
    ...(item.forwardedFrom !== undefined && { forwardedFrom: sanitizeLine(item.forwardedFrom) }),
    ...(item.frames && {
      frames: item.frames.map((f) => ({ frameId: f.frameId, evidence: f.evidence.map(sanitizeLine) })),
    }),
    ...(item.entities && { entities: item.entities.map((e) => ({ type: e.type, name: sanitizeLine(e.name) })) }),
  };
}

/**
 * Publishes what an acknowledged write changed: item:new / item:updated per item and one
 * release:update per release that gained or changed copies. Unchanged items publish nothing.
 */
function publish(bus: EventBus, results: UpsertResult[]): void {
  const releases = new Map<string, string[]>();
  for (const r of results) {
    if (r.status === 'unchanged' || !r.item) continue;
    bus.emit(r.status === 'created' ? 'item:new' : 'item:updated', { item: r.item });
    if (r.item.releaseId) releases.set(r.item.releaseId, [...(releases.get(r.item.releaseId) ?? []), r.id]);
  }
  for (const [releaseId, itemIds] of releases) bus.emit('release:update', { releaseId, itemIds });
}

export async function ingestItems(
  store: Store,
  entries: IngestEntry[],
  now = new Date(),
  bus?: EventBus,
): Promise<IngestOutcome> {
  const errors: IngestError[] = [];
  const valid: { index: number; item: ItemInputType }[] = [];
  entries.forEach((entry, index) => {
    if (entry.parseError !== undefined) {
      errors.push({ index, field: '(item)', message: entry.parseError });
      return;
    }
    const fieldErrors = checkItem(entry.value);
    if (fieldErrors.length > 0) {
      errors.push(...fieldErrors.map((e) => ({ index, ...e })));
      return;
    }
    const item = entry.value as ItemInputType;
    const dateErrors = checkDates(item, now);
    if (dateErrors.length > 0) {
      errors.push(...dateErrors.map((e) => ({ index, ...e })));
      return;
    }
    const clean = sanitize(item);
    if (clean.text === '' && (clean.title ?? '') === '') {
      errors.push({ index, field: 'text', message: 'the item has no title and its text is empty once markup is removed' });
      return;
    }
    valid.push({ index, item: clean });
  });

  // The source registry decides the side unless the item says otherwise.
  const unsided = [...new Set(valid.filter((v) => v.item.side === undefined).map((v) => v.item.sourceId))];
  if (unsided.length > 0) {
    const sides = new Map<string, ItemInputType['side']>();
    for (const id of unsided) {
      const source = await store.getSource(id);
      if (source) sides.set(id, source.side);
    }
    for (const v of valid) if (v.item.side === undefined) v.item.side = sides.get(v.item.sourceId) ?? 'UNKNOWN';
  }

  const stored =
    valid.length > 0
      ? await store.upsertItems(
          valid.map((v) => v.item),
          now,
        )
      : [];
  if (bus) publish(bus, stored);
  return {
    received: entries.length,
    results: stored.map((r, n) => ({ index: valid[n]?.index ?? r.index, id: r.id, status: r.status })),
    errors,
  };
}
