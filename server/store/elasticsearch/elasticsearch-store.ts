/**
 * The Elasticsearch store: production and scale-out. Versioned indices behind aliases, explicit
 * templates, bulk writes with retry and backoff, core features only (see ARCHITECTURE.md).
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, errors, type estypes } from '@elastic/elasticsearch';
import type { ElasticsearchConfig } from '../../config/index.js';
import { AppError, ConflictError, NotFoundError, StoreUnavailableError } from '../../domain/errors.js';
import type { EngagementSnapshot, Item, ItemInput, Source, SourceInput, SourcePatch, SourceRun } from '../../domain/schemas.js';
import type {
  BriefingPage,
  BriefingRecord,
  FramingMatrix,
  FramingTimeline,
  FramingTimelineRequest,
  ItemFilter,
  ListReleasesRequest,
  ReleasePage,
  ReleaseSpread,
  ReleaseSpreadRequest,
  SearchPage,
  SearchRequest,
  SplitField,
  Store,
  StoreCapabilities,
  StoreHealth,
  StoredCodebook,
  TermsField,
  TermsRequest,
  TermsResult,
  Timeline,
  TimelineRequest,
  UpsertResult,
  UpsertStatus,
} from '../port.js';
import {
  itemId,
  prepareItem,
  snapshotSeries,
  supersededSnapshot,
  withoutRaw,
  type IndexedForms,
  type PreparedItem,
  type RawJson,
} from '../prepare.js';
import {
  computeSpread,
  decodeCursor,
  densify,
  encodeCursor,
  framingFromCounts,
  framingTimelineFromCounts,
  framingTimelineQueryFilter,
  intersectCandidates,
  newSource,
  patchSource,
  rankReleases,
  releaseCandidateFilters,
  withRun,
  type ReleaseGroup,
  type SparseBucket,
  type SpreadRow,
} from '../shared.js';
import { snippets } from '../text.js';
import { BulkBody } from './bulk-body.js';
import { ElasticsearchAuthRepository } from '../auth/elasticsearch.js';
import { ElasticsearchAlertRepository } from '../alerts/elasticsearch.js';
import { ElasticsearchTeamRepository } from '../team/elasticsearch.js';
import { itemQuery } from './filter.js';
import {
  BRIEFING_MAPPINGS,
  CODEBOOK_MAPPINGS,
  ITEM_MAPPINGS,
  LOCK_MAPPINGS,
  MAPPING_VERSION,
  SNAPSHOT_MAPPINGS,
  SOURCE_MAPPINGS,
} from './mappings.js';

type ItemDoc = Item & { frameIds: string[]; revision: string; searchTitle: string; searchText: string };
/** What an upsert needs to know of a stored item. */
type StoredState = Pick<ItemDoc, 'revision' | 'engagement' | 'collectedAt'>;

const FIELD: Record<SplitField | TermsField, string> = {
  side: 'side',
  platform: 'platform',
  kind: 'kind',
  frame: 'frameIds',
  source: 'sourceId',
  lang: 'lang',
};

const desc = (field: string): estypes.SortCombinations => ({ [field]: { order: 'desc' } });
const SORTS: Record<'time' | 'views' | 'relevance', estypes.SortCombinations[]> = {
  time: [desc('publishedAt'), desc('id')],
  views: [desc('engagement.views'), desc('publishedAt'), desc('id')],
  relevance: [desc('_score'), desc('publishedAt'), desc('id')],
};

const ITEM_KEYS: (keyof Item)[] = [
  'id',
  'platform',
  'sourceId',
  'externalId',
  'kind',
  'side',
  'url',
  'title',
  'text',
  'lang',
  'publishedAt',
  'collectedAt',
  'editedAt',
  'media',
  'engagement',
  'frames',
  'entities',
  'releaseId',
  'forwardedFrom',
  'sensitive',
  'demo',
  'contentHash',
  'links',
  'raw',
];

function docToItem(doc: Partial<ItemDoc>): Item {
  const item: Record<string, unknown> = {};
  for (const key of ITEM_KEYS) if (doc[key] !== undefined) item[key] = doc[key];
  // Items stored before links were kept have none.
  item.links ??= [];
  return item as Item;
}

type CompositeBucket = {
  key: Record<string, string | number>;
  doc_count: number;
  views?: { value: number | null };
  first?: { value: number | null };
  last?: { value: number | null };
};

/** Ids per terms query: well under index.max_terms_count (65,536) and the 10,000-hit window. */
const TERMS_BATCH = 10_000;

function chunk<T>(values: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** A lock document (see tryLock). */
interface LockDoc {
  owner: string;
  expiresMs: number;
  acquiredAt: string;
}
const LOCK_PRUNE_EVERY_MS = 10 * 60_000;
/** Expired locks are kept this long before they are deleted (they already count as free). */
const LOCK_PRUNE_AFTER_MS = 60_000;

const BULK_ATTEMPTS = 6;

/** What a bulk write answered beyond success: see ElasticsearchStore.send. */
interface BulkOutcome {
  /** Positions of the operations refused as conflicts (409). */
  conflicts: number[];
  /** Positions of the operations resent after a transport failure (they may have been applied before). */
  resent: Set<number>;
}

/**
 * The stored document of a prepared item, as pieces of its JSON: byte for byte JSON.stringify of
 * the ItemDoc (the item's fields, then frameIds, revision, searchTitle, searchText) once written one
 * after the other, reusing the pieces of the item's JSON that preparing it already made instead of
 * serializing its text and fields a second time.
 */
function itemDocJson(p: PreparedItem): RawJson[] {
  const frameIds = [...new Set(p.item.frames.map((f) => f.frameId))];
  return [
    ...p.openJson,
    `,"frameIds":${JSON.stringify(frameIds)},"revision":${JSON.stringify(p.revision)},"searchTitle":`,
    ...jsonString(p.searchTitle),
    ',"searchText":',
    ...jsonString(p.searchText),
    '}',
  ];
}

/** What JSON.stringify escapes in a string: quotes, backslashes, controls and lone surrogates. */
const ESCAPED = /["\\\u0000-\u001f]|\p{Cs}/u;

/**
 * JSON.stringify of a string, as pieces: the string itself between quotes where nothing in it needs
 * escaping (an indexed form never does), so that it is not copied.
 */
const jsonString = (value: string): string[] => (ESCAPED.test(value) ? [JSON.stringify(value)] : ['"', value, '"']);

/** Items per lookup-and-write step of an upsert (see upsertItems). */
const UPSERT_CHUNK = 250;

/** True for failures worth retrying: overload, unavailability, lost connections. */
function transient(error: unknown): boolean {
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError
  ) {
    return true;
  }
  if (error instanceof errors.ResponseError) return error.statusCode === 429 || (error.statusCode ?? 0) >= 500;
  return false;
}

export interface ElasticsearchStoreOptions extends ElasticsearchConfig {
  /** Base of the exponential backoff between bulk retries (ms). */
  retryBaseMs?: number;
}

export class ElasticsearchStore implements Store {
  readonly capabilities: StoreCapabilities = {
    distributed: true,
    concurrentWrites: true,
    immediateVisibility: false,
    maxCursorDepth: Number.POSITIVE_INFINITY,
  };
  readonly client: Client;
  private readonly items: string;
  /** Share of the last upsert chunk's items that were already stored: decides how the next is written. */
  private storedShare = 0;
  private readonly snapshots: string;
  private readonly sources: string;
  private readonly codebooks: string;
  private readonly briefings: string;
  private readonly locks: string;
  /** When expired locks were last pruned (ms); see tryLock. */
  private locksPrunedAt = 0;
  readonly auth: ElasticsearchAuthRepository;
  readonly alerts: ElasticsearchAlertRepository;
  readonly team: ElasticsearchTeamRepository;

  constructor(private readonly options: ElasticsearchStoreOptions) {
    const nodes = options.nodes && options.nodes.length > 1 ? options.nodes : null;
    this.client = new Client({
      // With several nodes, requests go round them; a node that stops answering is tried less
      // (and pinged back to life), and a request it failed is retried on another node. No
      // sniffing: the addresses nodes publish are often not the ones the app can reach
      // (containers, proxies), so the configured list is the list used.
      ...(nodes ? { nodes } : { node: options.url }),
      ...(options.apiKey && { auth: { apiKey: options.apiKey } }),
      ...(options.username && options.password && { auth: { username: options.username, password: options.password } }),
      ...(options.caCertPath && { tls: { ca: readFileSync(options.caCertPath) } }),
      // Connection failures and 502/503/504 are retried: once on a single node, on every other node of a cluster.
      maxRetries: nodes ? nodes.length : 1,
      requestTimeout: 30_000,
    });
    this.items = `${options.indexPrefix}-items`;
    this.snapshots = `${options.indexPrefix}-snapshots`;
    this.sources = `${options.indexPrefix}-sources`;
    this.codebooks = `${options.indexPrefix}-codebooks`;
    this.briefings = `${options.indexPrefix}-briefings`;
    this.locks = `${options.indexPrefix}-locks`;
    this.auth = new ElasticsearchAuthRepository(this.client, options.indexPrefix, (fn) => this.call(fn));
    this.alerts = new ElasticsearchAlertRepository(this.client, options.indexPrefix, (fn) => this.call(fn));
    this.team = new ElasticsearchTeamRepository(this.client, options.indexPrefix, (fn) => this.call(fn));
  }

  /** Runs a request, turning an unreachable or overloaded cluster into StoreUnavailableError. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (transient(error)) {
        throw new StoreUnavailableError(`Elasticsearch is unavailable: ${(error as Error).message.slice(0, 200)}`);
      }
      throw error;
    }
  }

  async init(): Promise<void> {
    const { shards, replicas, indexPrefix } = this.options;
    const indices: [string, estypes.MappingTypeMapping][] = [
      [this.items, ITEM_MAPPINGS],
      [this.snapshots, SNAPSHOT_MAPPINGS],
      [this.sources, SOURCE_MAPPINGS],
      [this.codebooks, CODEBOOK_MAPPINGS],
      [this.briefings, BRIEFING_MAPPINGS],
      [this.locks, LOCK_MAPPINGS],
      ...this.auth.indices(),
      ...this.team.indices(),
      ...this.alerts.indices(),
    ];
    await this.call(async () => {
      for (const [alias, mappings] of indices) {
        await this.client.indices.putIndexTemplate({
          name: alias,
          index_patterns: [`${alias}-v*`],
          priority: 100,
          template: {
            // An explicit interval keeps the "searchable within a second" promise even for shards
            // that have not been searched lately (search-idle shards skip scheduled refreshes).
            settings: { number_of_shards: shards, number_of_replicas: replicas, refresh_interval: '1s' },
            mappings,
          },
          _meta: { framewatch: indexPrefix, mappingVersion: MAPPING_VERSION },
        });
        if (!(await this.client.indices.existsAlias({ name: alias }))) {
          await this.client.indices.create(
            { index: `${alias}-v${MAPPING_VERSION}`, aliases: { [alias]: { is_write_index: true } } },
            { ignore: [400] },
          );
        } else {
          // Fields added within a mapping version are additive: put them on the existing index.
          await this.client.indices.putMapping({ index: alias, properties: mappings.properties ?? {} });
        }
      }
      await this.client.cluster.health({ index: indices.map(([a]) => a), wait_for_status: 'yellow', timeout: '30s' });
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async health(): Promise<StoreHealth> {
    const started = performance.now();
    try {
      const h = await this.client.cluster.health({ timeout: '5s' }, { requestTimeout: 5000, maxRetries: 0 });
      return {
        ok: h.status !== 'red',
        backend: 'elasticsearch',
        latencyMs: performance.now() - started,
        detail: `cluster ${h.cluster_name} ${h.status}, ${h.number_of_nodes} node(s)`,
      };
    } catch (error) {
      return { ok: false, backend: 'elasticsearch', latencyMs: performance.now() - started, detail: (error as Error).message };
    }
  }

  async sync(): Promise<void> {
    await this.call(() => this.client.indices.refresh({ index: [this.items, this.snapshots, this.sources] }));
    await this.auth.sync();
    await this.alerts.sync();
  }

  /**
   * Sends bulk operations, retrying the failed ones (429/5xx per item, or the whole request on a
   * transport failure) with exponential backoff. Resolves only when every operation is acknowledged.
   */
  private async bulk(operations: { action: estypes.BulkOperationContainer; doc: unknown }[]): Promise<void> {
    const body = new BulkBody();
    for (const o of operations) body.add(o.action, JSON.stringify(o.doc));
    await this.send(body);
  }

  /**
   * As bulk, for a body already written. With `conflicts`, a 409 (a create whose id exists) is an
   * answer, not an error: the positions of those operations are returned, with the ones that may
   * already have been applied by an attempt whose answer was lost (resent after a transport failure).
   */
  private async send(operations: BulkBody, options: { conflicts?: boolean } = {}): Promise<BulkOutcome> {
    let body = operations.all();
    let pending = Array.from({ length: operations.operations }, (_, at) => at);
    const outcome: BulkOutcome = { conflicts: [], resent: new Set() };
    const base = this.options.retryBaseMs ?? 200;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let retry: number[] = [];
      try {
        const response = await this.client.bulk({
          // A Buffer is sent as it is (the client serializes only arrays of objects).
          operations: body as unknown as estypes.BulkRequest['operations'],
          // Only what the retry logic reads: statuses and errors, not ids, versions and shards.
          filter_path: ['errors', 'items.*.status', 'items.*.error'],
        });
        if (response.errors) {
          response.items.forEach((entry, n) => {
            const result = Object.values(entry)[0];
            const at = pending[n] as number;
            if (!result?.error) return;
            if (result.status === 409 && options.conflicts) outcome.conflicts.push(at);
            else if (result.status === 429 || result.status >= 500) retry.push(at);
            else
              throw new AppError(
                'store_rejected',
                500,
                `Elasticsearch refused a document: ${result.error.type}: ${result.error.reason ?? ''}`,
              );
          });
        }
      } catch (error) {
        if (!transient(error)) throw error;
        retry = pending;
        for (const at of pending) outcome.resent.add(at);
        if (attempt >= BULK_ATTEMPTS) {
          throw new StoreUnavailableError(
            `Elasticsearch did not acknowledge the write after ${attempt} attempts: ${(error as Error).message.slice(0, 200)}`,
          );
        }
      }
      if (retry.length > 0 && attempt >= BULK_ATTEMPTS) {
        throw new StoreUnavailableError(`Elasticsearch kept refusing ${retry.length} document(s) as overloaded`);
      }
      if (retry.length > 0 && retry !== pending) body = operations.only(retry);
      pending = retry;
      if (pending.length > 0) await sleep(base * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
    }
    operations.release();
    return outcome;
  }

  async upsertItems(inputs: ItemInput[], now = new Date(), indexed?: (IndexedForms | undefined)[]): Promise<UpsertResult[]> {
    if (inputs.length === 0) return [];
    // Every occurrence of an id is handled in one chunk, so statuses within a batch are decided in
    // input order (a repeated id sees its earlier copy) as in the embedded store.
    const byId = new Map<string, number[]>();
    inputs.forEach((input, i) => {
      const id = itemId(input.platform, input.sourceId, input.externalId);
      const at = byId.get(id);
      if (at) at.push(i);
      else byId.set(id, [i]);
    });
    const ids = [...byId.keys()];
    const results: UpsertResult[] = new Array<UpsertResult>(inputs.length);
    // A pipeline over chunks: while the cluster writes one chunk, Node prepares the next (hashing
    // and folding), instead of the two taking turns.
    const writes: Promise<void>[] = [];
    try {
      for (let c = 0; c < ids.length; c += UPSERT_CHUNK) {
        const chunkIds = ids.slice(c, c + UPSERT_CHUNK);
        // Looked up first: the cluster answers the lookup while Node prepares the chunk.
        const lookup = this.storedShare < 0.5 ? undefined : this.lookUp(chunkIds);
        lookup?.catch(() => undefined);
        const prepare = (id: string) =>
          (byId.get(id) ?? []).map((i) => prepareItem(inputs[i] as ItemInput, now, id, indexed?.[i]));
        const prepared = new Map(chunkIds.map((id) => [id, prepare(id)]));
        const write = this.upsertChunk(chunkIds, prepared, prepare, byId, results, lookup);
        write.catch(() => undefined);
        writes.push(write);
      }
    } finally {
      // Acknowledge nothing before every chunk's write has settled.
      await Promise.allSettled(writes);
    }
    await Promise.all(writes);
    return results;
  }

  /** The stored revision, engagement and collection time of the given ids that exist. */
  private async lookUp(ids: string[]): Promise<Map<string, StoredState>> {
    const response = await this.call(() =>
      this.client.mget<StoredState>({ index: this.items, ids, _source_includes: ['revision', 'engagement', 'collectedAt'] }),
    );
    const stored = new Map<string, StoredState>();
    for (const d of response.docs) if ('found' in d && d.found && d._source) stored.set(d._id, d._source);
    return stored;
  }

  /**
   * Writes one chunk of prepared items and records their statuses. Where most items are new (the
   * usual ingest), each item seen once in the chunk is first sent as a create, which stores a new
   * item without looking it up first; only the ones that exist (409) and repeated ids go on to the
   * lookup of stored revisions, which decides unchanged (nothing written) or updated (written, with
   * the superseded engagement as a snapshot). Where the previous chunk found most items stored (a
   * re-collection), the creates would mostly fail, so the chunk is looked up first instead.
   */
  private async upsertChunk(
    chunkIds: string[],
    prepared: Map<string, PreparedItem[]>,
    /** Prepares an id's copies again (deterministic): for creates refused as conflicts, see below. */
    prepare: (id: string) => PreparedItem[],
    byId: Map<string, number[]>,
    results: UpsertResult[],
    lookup: Promise<Map<string, StoredState>> | undefined,
  ): Promise<void> {
    let lookupIds = chunkIds;
    // Ids whose create may have been applied by an attempt whose answer was lost.
    const maybeCreated = new Set<string>();
    let existing = 0;
    if (!lookup) {
      const singles = chunkIds.filter((id) => prepared.get(id)?.length === 1);
      if (singles.length > 0) {
        const creates = new BulkBody(singles.length * 4096);
        // Once in the body, a document's serialized pieces are let go while the cluster writes:
        // kept, they were most of what the write held, and the collector copied them over and over
        // when the cluster was slow to answer. Only what the answer needs stays; a create refused
        // as a conflict (the item exists) is prepared again for the lookup that follows.
        const shown = new Map<string, ReturnType<typeof withoutRaw>>();
        for (const id of singles) {
          const p = (prepared.get(id) ?? [])[0] as PreparedItem;
          creates.add({ create: { _index: this.items, _id: id } }, ...itemDocJson(p));
          shown.set(id, withoutRaw(p.item));
          prepared.delete(id);
        }
        const outcome = await this.send(creates, { conflicts: true });
        const conflicted = new Set(outcome.conflicts.map((n) => singles[n] as string));
        for (const n of outcome.resent) maybeCreated.add(singles[n] as string);
        existing = conflicted.size;
        for (const id of singles) {
          if (conflicted.has(id)) {
            prepared.set(id, prepare(id));
            continue;
          }
          const index = byId.get(id)?.[0] ?? 0;
          results[index] = { index, id, status: 'created', item: shown.get(id) as ReturnType<typeof withoutRaw> };
        }
        const created = new Set(singles.filter((id) => !conflicted.has(id)));
        lookupIds = chunkIds.filter((id) => !created.has(id));
      }
    }
    if (lookupIds.length > 0) {
      const stored = await (lookup ?? this.lookUp(lookupIds));
      if (lookupIds === chunkIds) existing = stored.size;
      const operations = new BulkBody();
      for (const id of lookupIds) {
        const copies = prepared.get(id) ?? [];
        let previous: StoredState | undefined = stored.get(id);
        copies.forEach((p, n) => {
          let status: UpsertStatus = !previous ? 'created' : previous.revision === p.revision ? 'unchanged' : 'updated';
          // Our own create, applied by an attempt whose answer was lost, is still our creation.
          if (status === 'unchanged' && maybeCreated.has(id)) status = 'created';
          const index = byId.get(id)?.[n] ?? 0;
          results[index] = status === 'unchanged' ? { index, id, status } : { index, id, status, item: withoutRaw(p.item) };
          previous = { revision: p.revision, engagement: p.item.engagement, collectedAt: p.item.collectedAt };
        });
        const last = copies[copies.length - 1];
        const old = stored.get(id);
        if (!last || old?.revision === last.revision) continue;
        operations.add({ index: { _index: this.items, _id: id } }, ...itemDocJson(last));
        const superseded = old ? supersededSnapshot(old, last.item) : null;
        if (superseded) {
          operations.add({ index: { _index: this.snapshots, _id: `${id}:${superseded.at}` } }, JSON.stringify(superseded));
        }
      }
      if (operations.operations > 0) await this.send(operations);
    }
    this.storedShare = existing / chunkIds.length;
  }

  async getItems(ids: string[]): Promise<Item[]> {
    if (ids.length === 0) return [];
    const response = await this.call(() => this.client.mget<ItemDoc>({ index: this.items, ids }));
    return response.docs.flatMap((d) => ('found' in d && d.found && d._source ? [docToItem(d._source)] : []));
  }

  async countItems(filter: ItemFilter = {}): Promise<number> {
    const r = await this.call(() => this.client.count({ index: this.items, query: itemQuery(filter) }));
    return r.count;
  }

  async appendSnapshots(snapshots: EngagementSnapshot[]): Promise<number> {
    await this.bulk(
      snapshots.map((s) => {
        const at = new Date(s.at).toISOString();
        return { action: { index: { _index: this.snapshots, _id: `${s.itemId}:${at}` } }, doc: { ...s, at } };
      }),
    );
    return snapshots.length;
  }

  async getSnapshots(itemId: string): Promise<EngagementSnapshot[]> {
    const r = await this.call(() =>
      this.client.search<EngagementSnapshot>({
        index: this.snapshots,
        query: { term: { itemId } },
        sort: [{ at: 'asc' }],
        size: 10_000,
      }),
    );
    const [item] = await this.getItems([itemId]);
    return snapshotSeries(
      r.hits.hits.flatMap((h) => (h._source ? [h._source] : [])),
      item,
    );
  }

  async searchItems(request: SearchRequest): Promise<SearchPage> {
    const { filter } = request;
    const sort = request.sort === 'relevance' && !filter.query ? 'time' : request.sort;
    const relevance = sort === 'relevance';
    const searchAfter = request.cursor ? decodeCursor(request.cursor, SORTS[sort].length) : undefined;
    const r = await this.call(() =>
      this.client.search<ItemDoc>({
        index: this.items,
        query: itemQuery(filter),
        sort: SORTS[sort],
        size: request.limit + 1,
        track_total_hits: true,
        track_scores: relevance,
        _source_excludes: ['raw', 'revision', 'frameIds'],
        ...(searchAfter && { search_after: searchAfter }),
      }),
    );
    const hits = r.hits.hits;
    const page = hits.slice(0, request.limit);
    const last = page[page.length - 1];
    const total = typeof r.hits.total === 'number' ? r.hits.total : (r.hits.total?.value ?? 0);
    return {
      total,
      hits: page.map((h) => {
        const item = docToItem(h._source ?? {});
        return {
          item: withoutRaw(item),
          score: relevance ? (h._score ?? null) : null,
          snippets: snippets(item.title, item.text, filter.query),
        };
      }),
      nextCursor: hits.length > request.limit && last?.sort ? encodeCursor(last.sort as (string | number)[]) : null,
    };
  }

  async timeline(request: TimelineRequest): Promise<Timeline> {
    type Buckets = { buckets: { key: number; doc_count: number; split?: { buckets: { key: string; doc_count: number }[] } }[] };
    const r = await this.call(() =>
      this.client.search<unknown, { timeline: Buckets }>({
        index: this.items,
        size: 0,
        query: itemQuery(request.filter),
        aggs: {
          timeline: {
            date_histogram: { field: 'publishedAt', calendar_interval: request.interval, min_doc_count: 1, time_zone: 'UTC' },
            ...(request.split && { aggs: { split: { terms: { field: FIELD[request.split], size: 1000 } } } }),
          },
        },
      }),
    );
    const sparse: SparseBucket[] = (r.aggregations?.timeline.buckets ?? []).map((b) => ({
      startMs: b.key,
      total: b.doc_count,
      split: Object.fromEntries((b.split?.buckets ?? []).map((s) => [s.key, s.doc_count])),
    }));
    return {
      interval: request.interval,
      split: request.split ?? null,
      buckets: densify(sparse, request.interval, request.filter),
    };
  }

  async terms(request: TermsRequest): Promise<TermsResult> {
    type Terms = { buckets: { key: string; doc_count: number }[] };
    const r = await this.call(() =>
      this.client.search<unknown, { terms: Terms }>({
        index: this.items,
        size: 0,
        track_total_hits: true,
        query: itemQuery(request.filter),
        aggs: {
          terms: {
            terms: {
              field: FIELD[request.field],
              size: request.size,
              // Exact counts across shards for the sizes dashboards ask for.
              shard_size: Math.max(request.size * 10, 1000),
              order: [{ _count: 'desc' }, { _key: 'asc' }],
            },
          },
        },
      }),
    );
    const total = typeof r.hits.total === 'number' ? r.hits.total : (r.hits.total?.value ?? 0);
    return {
      field: request.field,
      total,
      buckets: (r.aggregations?.terms.buckets ?? []).map((b) => ({ key: String(b.key), count: b.doc_count })),
    };
  }

  async framingMatrix(filter: ItemFilter): Promise<FramingMatrix> {
    type Sides = { buckets: { key: string; doc_count: number; frames: { buckets: { key: string; doc_count: number }[] } }[] };
    const r = await this.call(() =>
      this.client.search<unknown, { sides: Sides }>({
        index: this.items,
        size: 0,
        query: itemQuery(filter),
        aggs: {
          sides: {
            terms: { field: 'side', size: 100 },
            aggs: { frames: { terms: { field: 'frameIds', size: 1000 } } },
          },
        },
      }),
    );
    const buckets = r.aggregations?.sides.buckets ?? [];
    return framingFromCounts(
      new Map(buckets.map((b) => [b.key, b.doc_count])),
      buckets.flatMap((b) => b.frames.buckets.map((f) => ({ side: b.key, frame: f.key, count: f.doc_count }))),
    );
  }

  async releaseSpread(request: ReleaseSpreadRequest): Promise<ReleaseSpread> {
    const rows: SpreadRow[] = [];
    let after: estypes.SortResults | undefined;
    for (;;) {
      const r = await this.call(() =>
        this.client.search<Pick<ItemDoc, 'id' | 'sourceId' | 'side' | 'lang' | 'publishedAt' | 'engagement'>>({
          index: this.items,
          query: {
            bool: {
              should: [{ term: { releaseId: request.releaseId } }, { term: { id: request.releaseId } }],
              minimum_should_match: 1,
              ...(request.collectedBefore && { filter: [{ range: { collectedAt: { lte: request.collectedBefore } } }] }),
            },
          },
          _source_includes: ['id', 'sourceId', 'side', 'lang', 'publishedAt', 'engagement.views'],
          sort: [{ publishedAt: 'asc' }, { id: 'asc' }],
          size: 5000,
          ...(after && { search_after: after }),
        }),
      );
      for (const h of r.hits.hits) {
        const s = h._source;
        if (s)
          rows.push({
            id: s.id,
            sourceId: s.sourceId,
            side: s.side,
            lang: s.lang,
            publishedAt: s.publishedAt,
            views: s.engagement?.views ?? 0,
          });
      }
      const last = r.hits.hits[r.hits.hits.length - 1];
      if (r.hits.hits.length < 5000 || !last?.sort) break;
      after = last.sort;
    }
    if (rows.length === 0) throw new NotFoundError('release', request.releaseId);
    const [original] = await this.getItems([request.releaseId]);
    return computeSpread(request.releaseId, original ? withoutRaw(original) : null, rows, request.interval);
  }

  /** Every bucket of a composite aggregation over items, page by page (exact, unlike terms on high cardinality). */
  private async compositeBuckets(
    query: estypes.QueryDslQueryContainer,
    sources: Record<string, estypes.AggregationsCompositeAggregationSource>[],
    aggs: Record<string, estypes.AggregationsAggregationContainer> = {},
  ): Promise<CompositeBucket[]> {
    const size = 10_000;
    const out: CompositeBucket[] = [];
    let after: Record<string, string | number> | undefined;
    for (;;) {
      const r = await this.call(() =>
        this.client.search<unknown, { groups: { after_key?: Record<string, string | number>; buckets: CompositeBucket[] } }>({
          index: this.items,
          size: 0,
          query,
          aggs: { groups: { composite: { size, sources, ...(after && { after }) }, aggs } },
        }),
      );
      const groups = r.aggregations?.groups;
      out.push(...(groups?.buckets ?? []));
      if (!groups?.after_key || groups.buckets.length < size) return out;
      after = groups.after_key;
    }
  }

  private async releaseIdsMatching(filter: ItemFilter): Promise<Set<string>> {
    const query: estypes.QueryDslQueryContainer = { bool: { filter: [itemQuery(filter), { exists: { field: 'releaseId' } }] } };
    const buckets = await this.compositeBuckets(query, [{ r: { terms: { field: 'releaseId' } } }]);
    return new Set(buckets.map((b) => String(b.key.r)));
  }

  async listReleases(request: ListReleasesRequest): Promise<ReleasePage> {
    const { member, range } = releaseCandidateFilters(request.filter);
    const candidates = intersectCandidates([
      member ? await this.releaseIdsMatching(member) : null,
      range ? await this.releaseIdsMatching(range) : null,
    ]);
    const cutoff = request.filter.collectedBefore;
    const batches: estypes.QueryDslQueryContainer[] = (
      candidates
        ? chunk([...candidates], TERMS_BATCH).map((ids): estypes.QueryDslQueryContainer => ({ terms: { releaseId: ids } }))
        : [{ exists: { field: 'releaseId' } }]
    ).map((q) => (cutoff ? { bool: { filter: [q, { range: { collectedAt: { lte: cutoff } } }] } } : q));
    const groups: ReleaseGroup[] = [];
    for (const query of batches) {
      const buckets = await this.compositeBuckets(
        query,
        [
          { r: { terms: { field: 'releaseId' } } },
          { s: { terms: { field: 'side' } } },
          { l: { terms: { field: 'lang' } } },
          { src: { terms: { field: 'sourceId' } } },
        ],
        {
          views: { sum: { field: 'engagement.views' } },
          first: { min: { field: 'publishedAt' } },
          last: { max: { field: 'publishedAt' } },
        },
      );
      for (const b of buckets) {
        groups.push({
          releaseId: String(b.key.r),
          side: String(b.key.s),
          lang: String(b.key.l),
          sourceId: String(b.key.src),
          items: b.doc_count,
          views: Math.round(b.views?.value ?? 0),
          firstMs: b.first?.value ?? 0,
          lastMs: b.last?.value ?? 0,
        });
      }
    }
    // An original carries its own id as releaseId; which releases have one stored decides their pickups.
    const originals = new Set<string>();
    for (const ids of chunk([...new Set(groups.map((g) => g.releaseId))], TERMS_BATCH)) {
      const r = await this.call(() =>
        this.client.search<Pick<ItemDoc, 'id' | 'releaseId'>>({
          index: this.items,
          query: { terms: { id: ids } },
          _source_includes: ['id', 'releaseId'],
          size: ids.length,
        }),
      );
      for (const h of r.hits.hits) if (h._source && h._source.releaseId === h._source.id) originals.add(h._source.id);
    }
    const ranked = rankReleases(groups, originals, request);
    const items = new Map((await this.getItems(ranked.page.map((r) => r.id))).map((i) => [i.id, withoutRaw(i)]));
    return {
      total: ranked.total,
      releases: ranked.page.map((r) => ({ ...r, original: items.get(r.id) ?? null })),
      nextCursor: ranked.nextCursor,
    };
  }

  async framingTimeline(request: FramingTimelineRequest): Promise<FramingTimeline> {
    type Frames = { buckets: { key: string; doc_count: number }[] };
    type Sides = { buckets: { key: string; doc_count: number; frames: Frames }[] };
    type Buckets = { buckets: { key: number; doc_count: number; sides: Sides }[] };
    const r = await this.call(() =>
      this.client.search<unknown, { timeline: Buckets }>({
        index: this.items,
        size: 0,
        query: itemQuery(framingTimelineQueryFilter(request.filter, request.interval)),
        aggs: {
          timeline: {
            date_histogram: { field: 'publishedAt', calendar_interval: request.interval, min_doc_count: 1, time_zone: 'UTC' },
            aggs: {
              sides: {
                terms: { field: 'side', size: 100 },
                aggs: { frames: { terms: { field: 'frameIds', size: 1000 } } },
              },
            },
          },
        },
      }),
    );
    const buckets = r.aggregations?.timeline.buckets ?? [];
    return framingTimelineFromCounts(
      buckets.flatMap((b) => b.sides.buckets.map((s) => ({ startMs: b.key, side: s.key, items: s.doc_count }))),
      buckets.flatMap((b) =>
        b.sides.buckets.flatMap((s) =>
          s.frames.buckets.map((f) => ({ startMs: b.key, side: s.key, frame: f.key, count: f.doc_count })),
        ),
      ),
      request,
    );
  }

  async listSources(): Promise<Source[]> {
    const r = await this.call(() =>
      this.client.search<Source>({
        index: this.sources,
        size: 10_000,
        sort: [{ name: 'asc' }, { id: 'asc' }],
        _source_excludes: ['collectorState'],
      }),
    );
    return r.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
  }

  async getSource(id: string): Promise<Source | null> {
    const r = await this.call(() =>
      this.client.get<Source>({ index: this.sources, id, _source_excludes: ['collectorState'] }, { ignore: [404] }),
    );
    return r.found && r._source ? r._source : null;
  }

  async createSource(input: SourceInput, now = new Date()): Promise<Source> {
    const source = newSource(input, now);
    try {
      await this.call(() =>
        this.client.create({
          index: this.sources,
          id: input.id,
          document: { ...source, collectorState: {} },
          refresh: 'wait_for',
        }),
      );
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 409)
        throw new ConflictError(`source "${input.id}" already exists`);
      throw error;
    }
    return source;
  }

  async updateSource(id: string, patch: SourcePatch, now = new Date()): Promise<Source> {
    const current = await this.getSource(id);
    if (!current) throw new NotFoundError('source', id);
    const next = patchSource(current, patch, now);
    await this.call(() => this.client.update({ index: this.sources, id, doc: next, refresh: 'wait_for' }));
    return next;
  }

  async recordSourceRun(id: string, run: SourceRun): Promise<Source> {
    const current = await this.getSource(id);
    if (!current) throw new NotFoundError('source', id);
    const next = withRun(current, run);
    await this.call(() =>
      this.client.update({
        index: this.sources,
        id,
        doc: { ...next, ...(run.state && { collectorState: run.state }) },
        refresh: 'wait_for',
      }),
    );
    return next;
  }

  async saveCodebook(record: StoredCodebook): Promise<void> {
    try {
      await this.call(() =>
        this.client.create({ index: this.codebooks, id: record.version, document: record, refresh: 'wait_for' }),
      );
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 409) {
        throw new ConflictError(`codebook version "${record.version}" already exists; give the new codebook a new version`);
      }
      throw error;
    }
  }

  async listCodebooks(limit: number): Promise<StoredCodebook[]> {
    const r = await this.call(() =>
      this.client.search<StoredCodebook>({
        index: this.codebooks,
        size: limit,
        sort: [{ savedAt: 'desc' }, { version: 'desc' }],
      }),
    );
    return r.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
  }

  private briefingDoc(record: BriefingRecord) {
    return { id: record.id, status: record.status, createdAt: record.createdAt, updatedAt: record.updatedAt, record };
  }

  async createBriefing(record: BriefingRecord): Promise<void> {
    try {
      await this.call(() =>
        this.client.create({ index: this.briefings, id: record.id, document: this.briefingDoc(record), refresh: 'wait_for' }),
      );
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 409) {
        throw new ConflictError(`briefing "${record.id}" already exists`);
      }
      throw error;
    }
  }

  async getBriefing(id: string): Promise<BriefingRecord | null> {
    const r = await this.call(() =>
      this.client.get<{ record: BriefingRecord }>({ index: this.briefings, id }, { ignore: [404] }),
    );
    return r.found && r._source ? r._source.record : null;
  }

  async listBriefings(request: { limit: number; offset: number }): Promise<BriefingPage> {
    const r = await this.call(() =>
      this.client.search<{ record: BriefingRecord }>({
        index: this.briefings,
        from: request.offset,
        size: request.limit,
        sort: [{ createdAt: 'desc' }, { id: 'desc' }],
        track_total_hits: true,
      }),
    );
    const total = typeof r.hits.total === 'number' ? r.hits.total : (r.hits.total?.value ?? 0);
    return { total, briefings: r.hits.hits.flatMap((h) => (h._source ? [h._source.record] : [])) };
  }

  async replaceBriefing(record: BriefingRecord, expectedUpdatedAt: string): Promise<boolean> {
    const current = await this.call(() =>
      this.client.get<{ updatedAt: string }>({ index: this.briefings, id: record.id }, { ignore: [404] }),
    );
    if (!current.found || current._source?.updatedAt !== expectedUpdatedAt) return false;
    try {
      await this.call(() =>
        this.client.index({
          index: this.briefings,
          id: record.id,
          document: this.briefingDoc(record),
          if_seq_no: current._seq_no,
          if_primary_term: current._primary_term,
          refresh: 'wait_for',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 409) return false;
      throw error;
    }
  }

  /**
   * A lock is a document whose id is its name. Taking a free lock is a create (op_type=create: one
   * of concurrent creators succeeds); taking over an expired one, or renewing one's own, is an index
   * conditioned on the seq_no/primary_term just read (one of concurrent writers succeeds). No script:
   * the module-less test node has no painless.
   */
  async tryLock(name: string, owner: string, ttlMs: number, now = new Date()): Promise<boolean> {
    const at = now.getTime();
    const document: LockDoc = { owner, expiresMs: at + ttlMs, acquiredAt: now.toISOString() };
    let taken = false;
    // A release between our create and our read sends us round again; three rounds are plenty.
    for (let round = 0; round < 3 && !taken; round++) {
      try {
        await this.call(() => this.client.create({ index: this.locks, id: name, document }));
        taken = true;
        break;
      } catch (error) {
        if (!(error instanceof errors.ResponseError && error.statusCode === 409)) throw error;
      }
      const current = await this.call(() => this.client.get<LockDoc>({ index: this.locks, id: name }, { ignore: [404] }));
      if (!current.found || !current._source) continue;
      // A create retried by the client after a lost answer finds its own lock: it is ours.
      if (current._source.owner !== owner && current._source.expiresMs > at) return false;
      try {
        await this.call(() =>
          this.client.index({
            index: this.locks,
            id: name,
            document,
            if_seq_no: current._seq_no,
            if_primary_term: current._primary_term,
          }),
        );
        taken = true;
      } catch (error) {
        if (!(error instanceof errors.ResponseError && error.statusCode === 409)) throw error;
        // Another owner changed it first: the next round sees who holds it now.
      }
    }
    if (taken) await this.pruneLocks(at);
    return taken;
  }

  async releaseLock(name: string, owner: string): Promise<boolean> {
    const current = await this.call(() => this.client.get<LockDoc>({ index: this.locks, id: name }, { ignore: [404] }));
    if (!current.found || current._source?.owner !== owner) return false;
    const r = await this.call(() =>
      this.client.delete(
        { index: this.locks, id: name, if_seq_no: current._seq_no, if_primary_term: current._primary_term },
        { ignore: [404, 409] },
      ),
    );
    return r.result === 'deleted';
  }

  /**
   * Tick locks are never released, so expired ones are deleted now and then (at most every ten
   * minutes per instance), each conditioned on the version found so a lock just taken over stays.
   * There is no delete_by_query on the module-less node. Failures wait for the next round.
   */
  private async pruneLocks(at: number): Promise<void> {
    if (at - this.locksPrunedAt < LOCK_PRUNE_EVERY_MS) return;
    this.locksPrunedAt = at;
    try {
      const r = await this.client.search<LockDoc>({
        index: this.locks,
        size: 1_000,
        seq_no_primary_term: true,
        _source: false,
        query: { range: { expiresMs: { lt: at - LOCK_PRUNE_AFTER_MS } } },
      });
      const hits = r.hits.hits.filter((h) => h._id !== undefined && h._seq_no !== undefined);
      if (hits.length === 0) return;
      await this.client.bulk({
        operations: hits.map((h) => ({
          delete: { _index: h._index, _id: h._id as string, if_seq_no: h._seq_no, if_primary_term: h._primary_term },
        })),
      });
    } catch {
      this.locksPrunedAt = 0;
    }
  }

  async getSourceState(id: string): Promise<Record<string, string | number | null>> {
    const r = await this.call(() =>
      this.client.get<{ collectorState?: Record<string, string | number | null> }>(
        { index: this.sources, id, _source_includes: ['collectorState'] },
        { ignore: [404] },
      ),
    );
    if (!r.found) throw new NotFoundError('source', id);
    return r._source?.collectorState ?? {};
  }

  async deleteSource(id: string): Promise<void> {
    const r = await this.call(() => this.client.delete({ index: this.sources, id, refresh: 'wait_for' }, { ignore: [404] }));
    if (r.result === 'not_found') throw new NotFoundError('source', id);
  }
}
