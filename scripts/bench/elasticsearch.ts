/** Elasticsearch figures: API ingest against raw _bulk, loading, and the query shapes against raw _search. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ItemInput } from '../../server/domain/schemas.js';
import { ElasticsearchStore } from '../../server/store/elasticsearch/elasticsearch-store.js';
import { ITEM_MAPPINGS } from '../../server/store/elasticsearch/mappings.js';
import { prepareItem } from '../../server/store/prepare.js';
import { startElasticsearch } from '../../test/elasticsearch/node.js';
import { postItems, startApi } from './api.js';
import { BATCH, itemBatches } from './data.js';
import { perSecond, type IngestFigures, type QueryFigures } from './figures.js';
import { alternating } from './measure.js';
import { runOps, type GroupKey, type RawQuery, type RunOptions } from './queries.js';

type Json = Record<string, unknown>;

export interface ElasticsearchNode {
  url: string;
  /** Stops the node when this run started it; otherwise does nothing. */
  stop: () => Promise<void>;
  origin: string;
}

/** ELASTICSEARCH_URL when set; otherwise a local node on 9251 (the tests may hold 9250) that this run owns. */
export async function connectElasticsearch(log: (line: string) => void): Promise<ElasticsearchNode> {
  const external = process.env.ELASTICSEARCH_URL;
  if (external) return { url: external.replace(/\/$/u, ''), stop: async () => {}, origin: 'ELASTICSEARCH_URL' };
  const dataDir = join(tmpdir(), 'framewatch-bench-es');
  const node = await startElasticsearch({ port: 9251, dataDir, heap: '1g', log });
  if (node.reused) return { url: node.url, stop: async () => {}, origin: `reused local node ${node.url}` };
  return {
    url: node.url,
    origin: `local node started on ${node.url} (1 GB heap)`,
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
async function dropPrefix(url: string, prefix: string): Promise<void> {
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

/**
 * Framewatch: JSON arrays POSTed over HTTP to an ElasticsearchStore on fresh indices. Baseline: the
 * documents the adapter would write, built outside the clock, sent as _bulk index actions with the
 * same ids to a fresh index with the adapter's mapping and settings (1 shard, 0 replicas, 1 s
 * refresh). The baseline writes items only: no snapshot documents and no mget of stored revisions,
 * which are Framewatch's own work. The two alternate batch by batch.
 */
async function measureIngest(url: string, count: number): Promise<IngestFigures> {
  const rawPrefix = newPrefix('raw');
  const index = `${rawPrefix}-items`;
  const prefix = newPrefix('api');
  const store = new ElasticsearchStore({ url, indexPrefix: prefix, shards: 1, replicas: 0 });
  try {
    await es(url, 'PUT', `/${index}`, {
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
      mappings: ITEM_MAPPINGS as Json,
    });
    await store.init();
    const api = await startApi(store);
    try {
      const now = new Date();
      const rounds = function* () {
        for (const batch of itemBatches(count)) {
          const raw = bulkBody(index, batch, now);
          const body = JSON.stringify(batch);
          yield [
            async () => postItems(api.url, body, batch.length),
            async () => {
              const r = await es<{ errors: boolean }>(url, 'POST', '/_bulk', raw);
              if (r.errors) throw new Error('a raw _bulk request reported item errors');
            },
          ] as const;
        }
      };
      const [apiMs, rawMs] = await alternating(rounds());
      const framewatch = perSecond(count, apiMs);
      const rawFigures = perSecond(count, rawMs);
      return { items: count, framewatch, raw: rawFigures, ratio: framewatch.perSec / rawFigures.perSec };
    } finally {
      await api.close();
    }
  } finally {
    await dropPrefix(url, rawPrefix);
    await dropPrefix(url, prefix);
    await store.close();
  }
}

export async function elasticsearchIngest(url: string, count: number): Promise<IngestFigures> {
  // Warm-up: a fresh JVM's first bulk requests run interpreted code.
  await measureIngest(url, 2 * BATCH);
  return measureIngest(url, count);
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

export async function elasticsearchQueries(url: string, count: number, options: RunOptions): Promise<QueryFigures> {
  const prefix = newPrefix('query');
  const store = new ElasticsearchStore({ url, indexPrefix: prefix, shards: 1, replicas: 0 });
  try {
    await store.init();
    let loadMs = 0;
    // Only the store calls are timed: generating the corpus is not the store's cost.
    for (const batch of itemBatches(count)) {
      const started = performance.now();
      await store.upsertItems(batch);
      loadMs += performance.now() - started;
    }
    const load = { items: count, ...perSecond(count, loadMs) };
    await store.sync();
    options.log(`  loaded ${count} items in ${(loadMs / 1000).toFixed(1)} s`);
    const api = await startApi(store);
    try {
      const index = `${prefix}-items`;
      const ops = await runOps(
        api.url,
        async (q) => ({ tookMs: (await es<{ took: number }>(url, 'POST', `/${index}/_search`, rawSearchBody(q))).took }),
        {
          ...options,
          // Repeating the same size-0 aggregation would otherwise be answered from the shard request
          // cache (took 0 ms) on both sides; clearing it times the aggregation itself.
          beforeEach: async () => {
            await es(url, 'POST', `/${index}/_cache/clear?request=true`);
          },
        },
      );
      return { load, ops };
    } finally {
      await api.close();
    }
  } finally {
    await dropPrefix(url, prefix);
    await store.close();
  }
}
