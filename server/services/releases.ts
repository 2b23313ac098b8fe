/** A release's detail page: its summary, the cascade, its items, their framing, the original's engagement. */
import { NotFoundError } from '../domain/errors.js';
import type { EngagementSnapshot } from '../domain/schemas.js';
import type { FramingMatrix, Interval, ReleaseSpread, ReleaseSummary, SearchPage, Store } from '../store/port.js';

export interface ReleaseItemsRequest {
  limit: number;
  cursor?: string;
}

export interface ReleaseItemsPage {
  total: number;
  /** Newest first; the original is the item whose id is the release id. */
  items: SearchPage['hits'][number]['item'][];
  nextCursor: string | null;
}

export interface ReleaseDetail {
  release: ReleaseSummary;
  interval: Interval;
  firstSeenPerSide: ReleaseSpread['firstSeenPerSide'];
  firstSeenPerSource: ReleaseSpread['firstSeenPerSource'];
  curve: ReleaseSpread['curve'];
  /** Side x frame matrix of the release's items. */
  framing: FramingMatrix;
  /** The original's engagement snapshots, oldest first (empty when the original was not collected). */
  engagement: EngagementSnapshot[];
  items: ReleaseItemsPage;
}

/** The items of a release (original and copies), paged with the search's cursors. */
export async function releaseItems(store: Store, releaseId: string, request: ReleaseItemsRequest): Promise<ReleaseItemsPage> {
  const page = await store.searchItems({
    filter: { releaseIds: [releaseId] },
    sort: 'time',
    limit: request.limit,
    ...(request.cursor && { cursor: request.cursor }),
  });
  return { total: page.total, items: page.hits.map((h) => h.item), nextCursor: page.nextCursor };
}

export async function releaseDetail(
  store: Store,
  releaseId: string,
  options: { interval: Interval } & ReleaseItemsRequest,
): Promise<ReleaseDetail> {
  const [summary, spread, framing, engagement, items] = await Promise.all([
    store.listReleases({ filter: { releaseIds: [releaseId] }, sort: 'recency', limit: 1 }),
    store.releaseSpread({ releaseId, interval: options.interval }),
    store.framingMatrix({ releaseIds: [releaseId] }),
    store.getSnapshots(releaseId),
    releaseItems(store, releaseId, options),
  ]);
  const release = summary.releases[0];
  if (!release) throw new NotFoundError('release', releaseId);
  return {
    release,
    interval: options.interval,
    firstSeenPerSide: spread.firstSeenPerSide,
    firstSeenPerSource: spread.firstSeenPerSource,
    curve: spread.curve,
    framing,
    engagement,
    items,
  };
}
