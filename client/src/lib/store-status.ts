/**
 * What the store-status banner says, from an answer of GET /readyz: nothing while the store answers
 * and the spool is empty; "replaying" while the server says the store takes writes again and the
 * spool drains; otherwise "unreachable" (the store is down or refuses writes).
 */
import type { Readiness } from '../api/types.js';
import { exact, formatBytes } from './format.js';

export type StoreBanner =
  | {
      kind: 'down';
      /** Since when the store refuses writes (the server's instant, else when this page first saw it down). */
      since: string | null;
      /** The spool's depth, when the server has a spool and it holds items. */
      spool: { items: number; itemsText: string; sizeText: string; maxText: string } | null;
      full: boolean;
    }
  | { kind: 'replaying'; items: number; itemsText: string; full: boolean };

/** `seenDownAt` is when this page first saw the store down, for servers that do not say since when. */
export function storeBanner(current: Readiness | null, seenDownAt: string | null): StoreBanner | null {
  if (!current) return null;
  const spool = current.spool;
  const items = spool?.items ?? 0;
  const full = spool?.full ?? false;
  if (current.store.ok && items > 0 && spool?.replaying === true) {
    return { kind: 'replaying', items, itemsText: exact(items), full };
  }
  if (current.store.ok && items === 0) return null;
  return {
    kind: 'down',
    since: spool?.storeDownSince ?? seenDownAt,
    spool:
      spool && items > 0
        ? { items, itemsText: exact(items), sizeText: formatBytes(spool.bytes), maxText: formatBytes(spool.maxBytes) }
        : null,
    full,
  };
}
