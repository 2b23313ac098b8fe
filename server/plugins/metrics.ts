/**
 * Prometheus metrics at GET /metrics: HTTP latency by route and status, items stored by status,
 * connected live clients, pipeline runs and errors, store latency by operation. One registry per
 * app (never prom-client's global one), so tests and benchmarks can build several apps.
 * Access: admins, and API tokens with the read or admin scope.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AccessPolicy } from '../auth/policy.js';
import type { Store } from '../store/port.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics;
  }
}

/** Who may scrape: admins, and tokens with the read or admin scope (a monitoring system's token). */
export const METRICS_POLICY: AccessPolicy = { roles: ['admin'], scopes: ['read', 'admin'] };

export class AppMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'framewatch_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly itemsIngested = new Counter({
    name: 'framewatch_items_ingested_total',
    help: 'Items stored, by what storing them did (created, updated, unchanged)',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly socketClients = new Gauge({
    name: 'framewatch_live_clients',
    help: 'Connected live (socket.io) clients on this instance',
    registers: [this.registry],
  });
  readonly liveEvents = new Counter({
    name: 'framewatch_live_events_total',
    help: 'Domain events published to live clients, by event',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });
  readonly liveCoalesced = new Counter({
    name: 'framewatch_live_coalesced_total',
    help: 'Events merged or dropped for live clients that fell behind',
    registers: [this.registry],
  });
  readonly pipelineRuns = new Counter({
    name: 'framewatch_pipeline_runs_total',
    help: 'Finished collection runs, by state (succeeded, failed, skipped)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly pipelineErrors = new Counter({
    name: 'framewatch_pipeline_errors_total',
    help: 'Failed collection runs, by source',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly storeLatency = new Histogram({
    name: 'framewatch_store_operation_duration_seconds',
    help: 'Store port calls by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  constructor() {
    new Gauge({
      name: 'framewatch_process_resident_memory_bytes',
      help: 'Resident memory of the process',
      registers: [this.registry],
      collect() {
        this.set(process.memoryUsage.rss());
      },
    });
    eventLoopDelay();
    new Gauge({
      name: 'framewatch_eventloop_delay_seconds',
      help: 'Event-loop delay of the process since the previous scrape, by quantile (0.5, 0.99, 1 = max)',
      labelNames: ['quantile'] as const,
      registers: [this.registry],
      collect() {
        const h = eventLoopDelay();
        // With no sample yet (a scrape right after the previous one) the histogram reads 0.
        this.set({ quantile: '0.5' }, h.count > 0 ? h.percentile(50) / 1e9 : 0);
        this.set({ quantile: '0.99' }, h.count > 0 ? h.percentile(99) / 1e9 : 0);
        this.set({ quantile: '1' }, h.count > 0 ? h.max / 1e9 : 0);
        h.reset();
      },
    });
  }
}

/** One histogram per process, however many apps it builds (tests build many); started on first use. */
let loopDelay: IntervalHistogram | undefined;
function eventLoopDelay(): IntervalHistogram {
  if (!loopDelay) {
    loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
  }
  return loopDelay;
}

const TIMED = new Set<string>([
  'health',
  'sync',
  'upsertItems',
  'getItems',
  'countItems',
  'appendSnapshots',
  'getSnapshots',
  'searchItems',
  'timeline',
  'terms',
  'framingMatrix',
  'releaseSpread',
  'listSources',
  'getSource',
  'createSource',
  'updateSource',
  'deleteSource',
  'recordSourceRun',
  'getSourceState',
]);

/**
 * The store, timed: every port call observes the store latency histogram, and upsertItems counts
 * items by status. Whatever writes through app.store (the ingest route, pipelines) is counted.
 */
export function instrumentStore(store: Store, metrics: AppMetrics): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !TIMED.has(property) || typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]) => {
        const end = metrics.storeLatency.startTimer({ operation: property });
        try {
          const result = await method.apply(target, args);
          end({ outcome: 'ok' });
          if (property === 'upsertItems' && Array.isArray(result)) {
            for (const r of result as { status: string }[]) metrics.itemsIngested.inc({ status: r.status });
          }
          return result;
        } catch (error) {
          end({ outcome: 'error' });
          throw error;
        }
      };
    },
  });
}

/** Registers the request timing hook, the pipeline listeners and GET /metrics. Call after the security plugin. */
export async function registerMetrics(app: FastifyInstance): Promise<void> {
  const { metrics } = app;
  const { spool } = app;
  if (spool) {
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [metrics.registry],
        collect() {
          this.set(read());
        },
      });
    gauge('framewatch_spool_items', 'Items in the ingest spool waiting for the store', () => spool.status().items);
    gauge('framewatch_spool_bytes', 'Bytes of the ingest spool on disk', () => spool.status().bytes);
    gauge('framewatch_spool_max_bytes', 'Bound of the ingest spool (SPOOL_MAX_MB)', () => spool.status().maxBytes);
    gauge('framewatch_spool_oldest_age_seconds', 'Age of the oldest spooled batch (0 when empty)', () => {
      const oldest = spool.status().oldestAt;
      return oldest ? Math.max(0, (Date.now() - Date.parse(oldest)) / 1000) : 0;
    });
  }
  app.addHook('onResponse', async (request, reply) => {
    // Unmatched URLs share one label: raw paths would let any caller grow the series without bound.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.bus.on('pipeline:status', (status) => {
    if (status.state === 'running') return;
    metrics.pipelineRuns.inc({ state: status.state });
    if (status.state === 'failed') metrics.pipelineErrors.inc({ source: status.sourceId });
  });

  app.get(
    '/metrics',
    {
      config: { auth: METRICS_POLICY },
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (admins, and tokens with the read scope)',
        produces: ['text/plain'],
        response: { 200: Type.String(), 401: { $ref: 'ErrorResponse#' }, 403: { $ref: 'ErrorResponse#' } },
      },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}
