/**
 * Saved views and event markers on Elasticsearch: one index each behind an alias, created by the
 * store's init() like the others. Writes refresh at once (a handful per day), so lists read them back.
 */
import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import { NotFoundError } from '../../domain/errors.js';
import {
  compareViews,
  normalizeInstant,
  type EventMarker,
  type EventMarkerPatch,
  type MarkerQuery,
  type SavedView,
  type SavedViewPatch,
  type TeamRepository,
} from './port.js';

type Call = <T>(fn: () => Promise<T>) => Promise<T>;

const keyword = { type: 'keyword' } as const;
const date = { type: 'date', format: 'strict_date_optional_time' } as const;
const actor = { properties: { id: keyword, name: keyword } } as const;

const VIEW_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: keyword,
    name: keyword,
    kind: keyword,
    query: { type: 'object', enabled: false },
    owner: actor,
    shared: { type: 'boolean' },
    createdAt: date,
    updatedAt: date,
  },
};

const MARKER_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: keyword,
    at: date,
    label: { type: 'keyword', index: false },
    description: { type: 'keyword', index: false, doc_values: false },
    sides: keyword,
    createdBy: actor,
    createdAt: date,
    updatedAt: date,
  },
};

const isStatus = (error: unknown, status: number) => error instanceof errors.ResponseError && error.statusCode === status;

export class ElasticsearchTeamRepository implements TeamRepository {
  private readonly views: string;
  private readonly markers: string;

  constructor(
    private readonly client: Client,
    indexPrefix: string,
    private readonly call: Call,
  ) {
    this.views = `${indexPrefix}-views`;
    this.markers = `${indexPrefix}-markers`;
  }

  /** Aliases and mappings the store's init() creates. */
  indices(): [string, estypes.MappingTypeMapping][] {
    return [
      [this.views, VIEW_MAPPINGS],
      [this.markers, MARKER_MAPPINGS],
    ];
  }

  private async get<T>(index: string, id: string): Promise<T | null> {
    try {
      const r = await this.call(() => this.client.get<T>({ index, id }));
      return r._source ?? null;
    } catch (error) {
      if (isStatus(error, 404)) return null;
      throw error;
    }
  }

  private async put(index: string, id: string, document: unknown): Promise<void> {
    await this.call(() => this.client.index({ index, id, document, refresh: true }));
  }

  private async remove(index: string, id: string, what: string): Promise<void> {
    try {
      await this.call(() => this.client.delete({ index, id, refresh: true }));
    } catch (error) {
      if (isStatus(error, 404)) throw new NotFoundError(what, id);
      throw error;
    }
  }

  async createView(view: SavedView): Promise<void> {
    await this.put(this.views, view.id, view);
  }

  async getView(id: string): Promise<SavedView | null> {
    return this.get<SavedView>(this.views, id);
  }

  async listViews(viewerId: string): Promise<SavedView[]> {
    const r = await this.call(() =>
      this.client.search<SavedView>({
        index: this.views,
        query: { bool: { should: [{ term: { 'owner.id': viewerId } }, { term: { shared: true } }], minimum_should_match: 1 } },
        size: 10_000,
      }),
    );
    return r.hits.hits.flatMap((h) => (h._source ? [h._source] : [])).sort(compareViews);
  }

  async updateView(id: string, patch: SavedViewPatch): Promise<SavedView> {
    const current = await this.getView(id);
    if (!current) throw new NotFoundError('saved view', id);
    const next = { ...current, ...patch };
    await this.put(this.views, id, next);
    return next;
  }

  async deleteView(id: string): Promise<void> {
    await this.remove(this.views, id, 'saved view');
  }

  async createMarker(marker: EventMarker): Promise<void> {
    await this.put(this.markers, marker.id, { ...marker, at: normalizeInstant(marker.at) });
  }

  async getMarker(id: string): Promise<EventMarker | null> {
    return this.get<EventMarker>(this.markers, id);
  }

  async listMarkers(query: MarkerQuery): Promise<EventMarker[]> {
    const range: estypes.QueryDslDateRangeQuery = {};
    if (query.from) range.gte = normalizeInstant(query.from);
    if (query.to) range.lt = normalizeInstant(query.to);
    const r = await this.call(() =>
      this.client.search<EventMarker>({
        index: this.markers,
        query: query.from || query.to ? { range: { at: range } } : { match_all: {} },
        sort: [{ at: 'asc' }, { id: 'asc' }],
        size: query.limit,
      }),
    );
    return r.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
  }

  async updateMarker(id: string, patch: EventMarkerPatch): Promise<EventMarker> {
    const current = await this.getMarker(id);
    if (!current) throw new NotFoundError('event marker', id);
    const next = { ...current, ...patch };
    next.at = normalizeInstant(next.at);
    await this.put(this.markers, id, next);
    return next;
  }

  async deleteMarker(id: string): Promise<void> {
    await this.remove(this.markers, id, 'event marker');
  }
}
