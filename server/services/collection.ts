/**
 * Collection in the server process: one pipeline (fetcher, collectors, enrichment, release
 * linker) and, when enabled, a scheduler that keeps one cron job per enabled source with a
 * schedule. The job table is reconciled with the sources every minute, so sources added, changed or
 * disabled through the API (or by another instance) are picked up without a restart.
 */
import type { CollectionConfig } from '../config/index.js';
import type { EventBus } from '../events/bus.js';
import type { Store } from '../store/port.js';
import { createFetcher, type Fetcher } from '../../pipelines/fetch/index.js';
import { Pipeline } from '../../pipelines/runner.js';
import { Scheduler, type SchedulerLock } from '../../pipelines/scheduler.js';

export function createCollectionFetcher(config: Pick<CollectionConfig, 'allowPrivateHosts'>): Fetcher {
  const allowed = new Set(config.allowPrivateHosts.map((h) => h.toLowerCase()));
  return createFetcher({ allowPrivate: (host) => allowed.has(host.toLowerCase()) });
}

export function createPipeline(store: Store, config: Pick<CollectionConfig, 'allowPrivateHosts'>, bus?: EventBus): Pipeline {
  return new Pipeline({ store, fetcher: createCollectionFetcher(config), ...(bus && { bus }) });
}

const SYNC_JOB = 'sources:sync';
const jobName = (sourceId: string) => `source:${sourceId}`;

export class SourceScheduler {
  readonly scheduler: Scheduler;
  /** Cron expression of each scheduled source, to notice changes. */
  private readonly scheduled = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly pipeline: Pipeline,
    log: { info: (msg: string) => void; error: (msg: string) => void },
    /** With several instances on one store: each source's tick runs on one of them (see Scheduler). */
    lock?: SchedulerLock,
  ) {
    this.scheduler = new Scheduler({ log, ...(lock && { lock }) });
    this.scheduler.add({
      name: SYNC_JOB,
      cron: '* * * * *',
      // Every instance keeps its own job table in step with the sources.
      local: true,
      run: async () => {
        await this.sync();
      },
    });
  }

  /** Adds, replaces and removes source jobs to match the stored sources. Returns the scheduled ids. */
  async sync(): Promise<string[]> {
    const wanted = new Map(
      (await this.store.listSources()).filter((s) => s.enabled && s.schedule).map((s) => [s.id, s.schedule as string]),
    );
    for (const [id, cron] of this.scheduled) {
      if (wanted.get(id) === cron) continue;
      this.scheduler.remove(jobName(id));
      this.scheduled.delete(id);
    }
    for (const [id, cron] of wanted) {
      if (this.scheduled.has(id)) continue;
      try {
        this.scheduler.add({
          name: jobName(id),
          cron,
          run: async () => {
            const report = await this.pipeline.runSource(id);
            if (report.state === 'failed') throw new Error(report.error ?? 'run failed');
          },
        });
        this.scheduled.set(id, cron);
      } catch {
        // An invalid cron expression is the source's problem, not the scheduler's: record it.
        await this.store.recordSourceRun(id, {
          at: new Date().toISOString(),
          status: 'failed',
          error: `"${cron}" is not a valid cron expression; the source is not scheduled`,
          created: 0,
        });
      }
    }
    this.scheduler.start();
    return [...this.scheduled.keys()];
  }

  async start(): Promise<void> {
    await this.sync();
  }

  async stop(): Promise<void> {
    await this.scheduler.stop();
  }
}
