/**
 * Jobs are a table (name, cron, run). node-cron fires them; a run that fails is logged, recorded
 * (lastRunAt, lastError) and reported, and the schedule keeps going. A job never overlaps itself:
 * a tick that finds the previous run still going is recorded as skipped.
 *
 * Several instances sharing a store run each tick once: with a lock, a tick first takes the lock
 * `job:<name>:<tick>` in the store; the instance that gets it runs the job and the others count the
 * tick as run elsewhere. The lock is not released after the run (an instance whose clock lags
 * would otherwise take it and run the same tick again); it expires after ttlMs.
 */
import cron, { type ScheduledTask } from 'node-cron';

export interface Job {
  name: string;
  /** Cron expression (5 or 6 fields; seconds optional). */
  cron: string;
  run: (now: Date) => Promise<void>;
  /** Work on this instance's own state (e.g. reconciling its job table): runs on every instance, without the lock. */
  local?: boolean;
}

/** The part of the store a scheduler needs to share ticks between instances. */
export interface TickLockStore {
  tryLock(name: string, owner: string, ttlMs: number): Promise<boolean>;
}

export interface SchedulerLock {
  store: TickLockStore;
  /** This instance's identity, unique among the instances sharing the store. */
  owner: string;
  /** How long a tick's lock lives (default 10 minutes): longer than any clock skew between instances. */
  ttlMs?: number;
}

export const DEFAULT_TICK_LOCK_TTL_MS = 10 * 60_000;

/** The lock of one tick of a job: the tick's scheduled second, the same on every instance. */
export function tickLockName(job: string, tick: Date): string {
  return `job:${job}:${new Date(Math.floor(tick.getTime() / 1000) * 1000).toISOString()}`;
}

export interface JobStatus {
  name: string;
  cron: string;
  running: boolean;
  runs: number;
  failures: number;
  skipped: number;
  /** Ticks another instance ran (it took the tick's lock first). */
  elsewhere: number;
  lastRunAt: string | null;
  lastError: string | null;
}

export interface SchedulerOptions {
  timezone?: string;
  /** Injectable clock: what "now" a run receives. */
  clock?: () => Date;
  log?: { info: (msg: string) => void; error: (msg: string) => void };
  onRunEnd?: (status: JobStatus) => void;
  /** Share ticks with other instances through the store (see the top of this file). */
  lock?: SchedulerLock;
}

export class Scheduler {
  private readonly jobs = new Map<string, { job: Job; task: ScheduledTask | null; status: JobStatus }>();
  private readonly clock: () => Date;

  constructor(private readonly options: SchedulerOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Adds a job; refuses a duplicate name or an invalid cron expression. */
  add(job: Job): void {
    if (this.jobs.has(job.name)) throw new Error(`a job named "${job.name}" is already scheduled`);
    if (!cron.validate(job.cron)) throw new Error(`job "${job.name}": "${job.cron}" is not a valid cron expression`);
    this.jobs.set(job.name, {
      job,
      task: null,
      status: {
        name: job.name,
        cron: job.cron,
        running: false,
        runs: 0,
        failures: 0,
        skipped: 0,
        elsewhere: 0,
        lastRunAt: null,
        lastError: null,
      },
    });
  }

  remove(name: string): void {
    const entry = this.jobs.get(name);
    void entry?.task?.destroy();
    this.jobs.delete(name);
  }

  start(): void {
    for (const [name, entry] of this.jobs) {
      if (entry.task) continue;
      entry.task = cron.schedule(entry.job.cron, (context) => this.tick(name, context.date), {
        name,
        ...(this.options.timezone && { timezone: this.options.timezone }),
      });
    }
  }

  async stop(): Promise<void> {
    for (const entry of this.jobs.values()) {
      await entry.task?.destroy();
      entry.task = null;
    }
  }

  status(): JobStatus[] {
    return [...this.jobs.values()].map((e) => ({ ...e.status }));
  }

  /**
   * One scheduled tick. With a lock (and a job that is not local), only the instance that takes the
   * tick's lock runs it. A lock that cannot be asked for (store down) skips the tick as a failure:
   * running it anyway could run it on every instance.
   */
  private async tick(name: string, at: Date): Promise<void> {
    const entry = this.jobs.get(name);
    if (!entry) return;
    const { lock } = this.options;
    if (lock && !entry.job.local) {
      // Still busy with the previous tick: leave this one to an instance that is free.
      if (entry.status.running) {
        entry.status.skipped++;
        return;
      }
      let won: boolean;
      try {
        won = await lock.store.tryLock(tickLockName(name, at), lock.owner, lock.ttlMs ?? DEFAULT_TICK_LOCK_TTL_MS);
      } catch (error) {
        entry.status.failures++;
        entry.status.lastError = `could not take the tick's lock: ${error instanceof Error ? error.message : String(error)}`;
        this.options.log?.error(`job ${name}: ${entry.status.lastError}`);
        this.options.onRunEnd?.({ ...entry.status });
        return;
      }
      if (!won) {
        entry.status.elsewhere++;
        return;
      }
    }
    await this.runNow(name);
  }

  /** Runs a job at once (also what a tick calls once it may). Never throws: failures are recorded. */
  async runNow(name: string): Promise<JobStatus> {
    const entry = this.jobs.get(name);
    if (!entry) throw new Error(`no job named "${name}"`);
    const { status } = entry;
    if (status.running) {
      status.skipped++;
      return { ...status };
    }
    status.running = true;
    const now = this.clock();
    try {
      await entry.job.run(now);
      status.lastError = null;
    } catch (error) {
      status.failures++;
      status.lastError = error instanceof Error ? error.message : String(error);
      this.options.log?.error(`job ${name} failed: ${status.lastError}`);
    } finally {
      status.running = false;
      status.runs++;
      status.lastRunAt = now.toISOString();
    }
    this.options.onRunEnd?.({ ...status });
    return { ...status };
  }
}
