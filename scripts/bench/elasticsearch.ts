/** Elasticsearch under test: API ingest against raw _bulk, and the query shapes against raw _search. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config/index.js';
import type { ItemInput } from '../../server/domain/schemas.js';
import { ElasticsearchStore } from '../../server/store/elasticsearch/elasticsearch-store.js';
import { ITEM_MAPPINGS } from '../../server/store/elasticsearch/mappings.js';
import { prepareItem } from '../../server/store/prepare.js';
import { startElasticsearch } from '../../test/elasticsearch/node.js';
import { startApi, type Api } from './api.js';
import type { GroupKey, RawQuery } from './queries.js';
import type { StoreUnderTest } from './stores.js';

type Json = Record<string, unknown>;

export interface ElasticsearchNode {
  url: string;
  /** Stops the node when this run started it; otherwise does nothing. */
  stop: () => Promise<void>;
  origin: string;
}

export interface NodeOptions {
  /** A running cluster to use instead of starting a node (--es-url; else ELASTICSEARCH_URL). */
  url?: string | undefined;
  /** Port, data dir and heap of the node this run starts (or reuses, when its data dir's node runs). */
  port?: number;
  dataDir?: string;
  heap?: string;
}

/**
 * The given cluster, else ELASTICSEARCH_URL, else a local node (9251 by default: the tests may hold
 * 9250) that this run owns. A node already running on the same data dir is reused and left running.
 */
export async function connectElasticsearch(log: (line: string) => void, options: NodeOptions = {}): Promise<ElasticsearchNode> {
  // ELASTICSEARCH_URL through the server's validated configuration (its first node, if it lists several).
  const external = options.url ?? loadConfig().elasticsearch?.url;
  if (external) return { url: external.replace(/\/$/u, ''), stop: async () => {}, origin: external };
  const dataDir = options.dataDir ?? join(tmpdir(), 'framewatch-bench-es');
  const heap = options.heap ?? '1g';
  const node = await startElasticsearch({ port: options.port ?? 9251, dataDir, heap, log });
  if (node.reused) return { url: node.url, stop: async () => {}, origin: `reused local node ${node.url}` };
  return {
    url: node.url,
    origin: `local node started on ${node.url} (${heap} heap)`,
    stop: async () => {
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function es<T = Json>(url: string, method: string, path: string, body?: Json | string): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    ...(body !== undefined && {
      headers: { 'content-type': typeof body === 'string' ? 'application/x-ndjson' : 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Elasticsearch ${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

let runs = 0;
const newPrefix = (label: string) => `fwbench-${process.pid}-${Date.now().toString(36)}-${runs++}-${label}`;

/** Removes the indices and index templates of one prefix (wildcard deletes are refused, so each is named). */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const indices = Object.keys(await es(url, 'GET', `/${prefix}-*?expand_wildcards=all`));
  if (indices.length > 0) await es(url, 'DELETE', `/${indices.join(',')}`);
  const templates = await es<{ index_templates: { name: string }[] }>(url, 'GET', `/_index_template/${prefix}-*`).catch(() => ({
    index_templates: [],
  }));
  for (const t of templates.index_templates) await es(url, 'DELETE', `/_index_template/${t.name}`);
}

/** The _bulk body of the documents the adapter would write for a batch (prepareItem plus its derived fields). */
function bulkBody(index: string, batch: ItemInput[], now: Date): string {
  return batch
    .map((input) => {
      const p = prepareItem(input, now);
      const doc = {
        ...p.item,
        frameIds: [...new Set(p.item.frames.map((f) => f.frameId))],
        revision: p.revision,
        searchTitle: p.searchTitle,
        searchText: p.searchText,
      };
      return `${JSON.stringify({ index: { _index: index, _id: p.item.id } })}\n${JSON.stringify(doc)}\n`;
    })
    .join('');
}

const aggFor = (key: GroupKey): Json => {
  if (key === 'day' || key === 'hour') {
    return { date_histogram: { field: 'publishedAt', calendar_interval: key, min_doc_count: 1 } };
  }
  const field = { side: 'side', lang: 'lang', source: 'sourceId', frame: 'frameIds' }[key];
  return { terms: { field, size: 1000 } };
};

/** Raw _search for a RawQuery: a phrase match returning a page of hits, a filtered count, or nested aggregations. */
export function rawSearchBody(q: RawQuery): Json {
  const filter: Json[] = [];
  if (q.sides) filter.push({ terms: { side: q.sides } });
  if (q.from || q.to) filter.push({ range: { publishedAt: { ...(q.from && { gte: q.from }), ...(q.to && { lt: q.to }) } } });
  const must: Json[] = q.text
    ? [{ multi_match: { query: q.text.join(' '), type: 'phrase', fields: ['searchTitle^2', 'searchText'] } }]
    : [];
  let aggs: Json | undefined;
  for (const key of [...(q.groupBy ?? [])].reverse()) aggs = { g: { ...aggFor(key), ...(aggs && { aggs }) } };
  return {
    query: { bool: { filter, must } },
    size: q.text ? 20 : 0,
    track_total_hits: true,
    ...(aggs && { aggs }),
  };
}

/**
 * Framewatch: JSON arrays POSTed over HTTP to an ElasticsearchStore on fresh indices; its queries
 * over HTTP. Baselines: the documents the adapter would write, built outside the clock, sent as
 * _bulk index actions with the same ids to a fresh index with the adapter's mapping and settings
 * (1 shard, 0 replicas, 1 s refresh), which grows alongside (items only: no snapshot documents and
 * no mget of stored revisions, which are Framewatch's own work); and the query shapes as plain
 * _search requests on the store's own index, with the node's `took` recorded.
 */
export async function openElasticsearchTarget(url: string): Promise<StoreUnderTest> {
  const rawPrefix = newPrefix('raw');
  const rawIndex = `${rawPrefix}-items`;
  const prefix = newPrefix('api');
  const index = `${prefix}-items`;
  const store = new ElasticsearchStore({ url, indexPrefix: prefix, shards: 1, replicas: 0 });
  const cleanUp = async () => {
    await dropPrefix(url, rawPrefix);
    await dropPrefix(url, prefix);
    await store.close();
  };
  let api: Api;
  try {
    await es(url, 'PUT', `/${rawIndex}`, {
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
      mappings: ITEM_MAPPINGS as Json,
    });
    await store.init();
    api = await startApi(store);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return {
    adapter: 'Elasticsearch',
    api,
    rawWriter: (batch, now) => {
      const body = bulkBody(rawIndex, batch, now);
      return async () => {
        const r = await es<{ errors: boolean }>(url, 'POST', '/_bulk', body);
        if (r.errors) throw new Error('a raw _bulk request reported item errors');
      };
    },
    runRaw: async (q) => ({ tookMs: (await es<{ took: number }>(url, 'POST', `/${index}/_search`, rawSearchBody(q))).took }),
    // Repeating the same size-0 aggregation would otherwise be answered from the shard request
    // cache (took 0 ms) on both sides; clearing it times the aggregation itself.
    beforeEach: async () => {
      await es(url, 'POST', `/${index}/_cache/clear?request=true`);
    },
    sync: () => store.sync(),
    close: async () => {
      try {
        await api.close();
      } finally {
        await cleanUp();
      }
    },
  };
}
