/**
 * The collection pipeline: run a source's collector, enrich what it returns, store it through the
 * ingest service (which validates, upserts and publishes), record the run on the source and
 * publish its status. One run per source at a time; a failed run is recorded, never thrown.
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../server/domain/errors.js';
import type { Source } from '../server/domain/schemas.js';
import type { EventBus, PipelineStatus } from '../server/events/bus.js';
import { ingestItems, type IngestEntry, type IngestError, type IngestOutcome } from '../server/services/ingest.js';
import type { Store } from '../server/store/port.js';
import { createDefaultRegistry, type CollectorRegistry } from './collectors/registry.js';
import type { CollectResult, RawItem } from './collectors/types.js';
import { finishEnrichment, prepareEnrichment, ReleaseLinker, type EnrichContext, type PreEnriched } from './enrich/index.js';
import type { Fetcher } from './fetch/index.js';
import type { Codebook } from './codebook/index.js';

const BATCH = 1_000;
const WARM_UP_DAYS = 14;

export interface RunCounts {
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

export interface RunReport {
  runId: string;
  sourceId: string;
  state: PipelineStatus['state'];
  startedAt: string;
  finishedAt: string;
  counts: RunCounts;
  /** Entries the collector or validation skipped, with their reasons (first 100). */
  skipped: { ref: string; reason: string }[];
  error?: string;
}

export interface PipelineOptions {
  store: Store;
  fetcher: Fetcher;
  bus?: EventBus;
  registry?: CollectorRegistry;
  linker?: ReleaseLinker;
  clock?: () => Date;
  log?: (message: string) => void;
}

/** Adds a stored batch's statuses to counts and its invalid items to skipped (the first 100). */
function tallyOutcome(
  batch: PreEnriched[],
  outcome: IngestOutcome,
  offset: number,
  counts: RunCounts,
  skipped: { ref: string; reason: string }[],
): void {
  for (const r of outcome.results) counts[r.status]++;
  const invalid = new Map<number, IngestError>();
  for (const e of outcome.errors) if (!invalid.has(e.index)) invalid.set(e.index, e);
  counts.skipped += invalid.size;
  for (const [index, e] of invalid) {
    if (skipped.length < 100)
      skipped.push({ ref: batch[index]?.item.externalId ?? String(offset + index), reason: `${e.field}: ${e.message}` });
  }
}

export class Pipeline {
  readonly linker: ReleaseLinker;
  private readonly registry: CollectorRegistry;
  private readonly clock: () => Date;
  private readonly running = new Set<string>();
  private warmedUp = false;
  /** The codebook enrichment tags with; the shipped default until one is stored. */
  private codebook: Codebook | undefined;

  constructor(private readonly options: PipelineOptions) {
    this.linker = options.linker ?? new ReleaseLinker();
    this.registry = options.registry ?? createDefaultRegistry();
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * Fills the release linker with the last two weeks of stored items, so that copies collected
   * after a restart still find their releases.
   */
  async warmUp(): Promise<number> {
    if (this.warmedUp) return this.linker.size;
    const from = new Date(this.clock().getTime() - WARM_UP_DAYS * 86_400_000).toISOString();
    let cursor: string | undefined;
    const recent: Awaited<ReturnType<Store['searchItems']>>['hits'][number]['item'][] = [];
    for (;;) {
      const page = await this.options.store.searchItems({
        filter: { from },
        sort: 'time',
        limit: 200,
        ...(cursor && { cursor }),
      });
      recent.push(...page.hits.map((h) => h.item));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    // Oldest first: the linker takes the first item it sees at an address or video as the original.
    for (const item of recent.reverse()) {
      this.linker.remember({
        id: item.id,
        sourceId: item.sourceId,
        side: item.side,
        publishedAt: item.publishedAt,
        ...(item.url && { url: item.url }),
        title: item.title,
        text: item.text,
        kind: item.kind,
        media: item.media,
        ...(item.forwardedFrom && { forwardedFrom: item.forwardedFrom }),
        releaseId: item.releaseId,
      });
    }
    this.warmedUp = true;
    return this.linker.size;
  }

  /** The store takes concurrent writes: batches may be written while the next ones are linked. */
  get concurrentWrites(): boolean {
    return this.options.store.capabilities.concurrentWrites;
  }

  /** Tags items collected from now on with this codebook. */
  useCodebook(codebook: Codebook): void {
    this.codebook = codebook;
  }

  /** Releases the fetcher's connections. */
  async close(): Promise<void> {
    await this.options.fetcher.close();
  }

  isRunning(sourceId: string): boolean {
    return this.running.has(sourceId);
  }

  /** Enriches and stores raw items of a source (collector runs and imports share this). */
  async storeRawItems(
    source: Source,
    raws: RawItem[],
    counts: RunCounts,
    skipped: { ref: string; reason: string }[],
  ): Promise<void> {
    await this.warmUp();
    const now = this.clock();
    for (let i = 0; i < raws.length; i += BATCH) {
      const context = this.enrichmentContext(source, now);
      await this.storeBatch(
        raws.slice(i, i + BATCH).map((raw) => prepareEnrichment(raw, context)),
        now,
        counts,
        skipped,
        i,
      );
    }
  }

  /** What enrichment needs besides the release linker (which stays here): source, codebook, time. */
  enrichmentContext(source: Source, now = this.clock()): Omit<EnrichContext, 'linker' | 'codebook'> & { codebook?: Codebook } {
    const codebook = this.codebook;
    return { source, now, ...(codebook && { codebook }) };
  }

  /**
   * Stores items prepared elsewhere (prepareEnrichment, e.g. in an import worker): links them to
   * their releases in order, then stores them as storeRawItems does.
   */
  async storePreEnriched(items: PreEnriched[], counts: RunCounts, skipped: { ref: string; reason: string }[]): Promise<void> {
    await this.warmUp();
    const now = this.clock();
    for (let i = 0; i < items.length; i += BATCH) await this.storeBatch(items.slice(i, i + BATCH), now, counts, skipped, i);
  }

  /**
   * The two halves of storePreEnriched, for callers that keep several batches in flight (a large
   * import into a store that takes concurrent writes): links the items to their releases at once,
   * so batches are linked in the order of the calls, then writes them. It resolves once they are
   * written with the function that adds their outcome to counts and skipped; call those in batch
   * order. warmUp() must have run. A failed write rejects without counting anything of the call.
   */
  async writePreEnriched(
    items: PreEnriched[],
    now = this.clock(),
  ): Promise<(counts: RunCounts, skipped: { ref: string; reason: string }[]) => void> {
    const collectedAt = now.toISOString();
    const slices: { batch: PreEnriched[]; entries: IngestEntry[]; offset: number }[] = [];
    for (let i = 0; i < items.length; i += BATCH) {
      const batch = items.slice(i, i + BATCH);
      slices.push({ batch, entries: this.link(batch, collectedAt), offset: i });
    }
    const outcomes: { batch: PreEnriched[]; outcome: IngestOutcome; offset: number }[] = [];
    for (const { batch, entries, offset } of slices) {
      outcomes.push({ batch, outcome: await ingestItems(this.options.store, entries, now, this.options.bus), offset });
    }
    return (counts, skipped) => {
      for (const { batch, outcome, offset } of outcomes) tallyOutcome(batch, outcome, offset, counts, skipped);
    };
  }

  /** Links a batch to its releases (in order) and stamps its collection time. */
  private link(batch: PreEnriched[], collectedAt: string): IngestEntry[] {
    return batch.map((pre) => {
      const { item } = finishEnrichment(pre, this.linker);
      item.collectedAt = collectedAt;
      const { title, text } = pre.search;
      return { value: item, indexed: { title: item.title ?? '', text: item.text, searchTitle: title, searchText: text } };
    });
  }

  private async storeBatch(
    batch: PreEnriched[],
    now: Date,
    counts: RunCounts,
    skipped: { ref: string; reason: string }[],
    offset: number,
  ): Promise<void> {
    const entries = this.link(batch, now.toISOString());
    const outcome = await ingestItems(this.options.store, entries, now, this.options.bus);
    tallyOutcome(batch, outcome, offset, counts, skipped);
  }

  /** Runs one source once. Resolves with the run's report whatever happens. */
  async runSource(sourceId: string): Promise<RunReport> {
    const { store, bus } = this.options;
    const source = await store.getSource(sourceId);
    if (!source) throw new NotFoundError('source', sourceId);
    const runId = randomUUID();
    const startedAt = this.clock().toISOString();
    const counts: RunCounts = { fetched: 0, created: 0, updated: 0, unchanged: 0, skipped: 0 };
    const skipped: { ref: string; reason: string }[] = [];
    const report = (state: PipelineStatus['state'], error?: string): RunReport => ({
      runId,
      sourceId,
      state,
      startedAt,
      finishedAt: this.clock().toISOString(),
      counts,
      skipped,
      ...(error !== undefined && { error }),
    });
    if (this.running.has(sourceId)) {
      const r = report('skipped', 'a run of this source is already in progress');
      bus?.emit('pipeline:status', { sourceId, runId, state: 'skipped', startedAt, finishedAt: r.finishedAt, error: r.error });
      return r;
    }
    this.running.add(sourceId);
    bus?.emit('pipeline:status', { sourceId, runId, state: 'running', startedAt });
    try {
      const collector = this.registry.get(source.platform);
      const state = await store.getSourceState(sourceId);
      const result: CollectResult = await collector.collect({ source, fetcher: this.options.fetcher, state, now: this.clock() });
      counts.fetched = result.items.length;
      counts.skipped += result.skipped.length;
      skipped.push(...result.skipped.slice(0, 100));
      await this.storeRawItems(source, result.items, counts, skipped);
      if (result.snapshots && result.snapshots.length > 0) await store.appendSnapshots(result.snapshots);
      const finished = report('succeeded');
      await store.recordSourceRun(sourceId, {
        at: finished.finishedAt,
        status: 'succeeded',
        error: null,
        created: counts.created,
        state: result.state,
      });
      bus?.emit('pipeline:status', { sourceId, runId, state: 'succeeded', startedAt, finishedAt: finished.finishedAt, counts });
      this.options.log?.(`source ${sourceId}: ${counts.fetched} fetched, ${counts.created} new, ${counts.skipped} skipped`);
      return finished;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failed = report('failed', message);
      try {
        await store.recordSourceRun(sourceId, {
          at: failed.finishedAt,
          status: 'failed',
          error: message,
          created: counts.created,
        });
      } catch {
        // The store itself may be what failed; the status event below still tells the dashboard.
      }
      bus?.emit('pipeline:status', {
        sourceId,
        runId,
        state: 'failed',
        startedAt,
        finishedAt: failed.finishedAt,
        counts,
        error: message,
      });
      this.options.log?.(`source ${sourceId} failed: ${message}`);
      return failed;
    } finally {
      this.running.delete(sourceId);
    }
  }
}
