/**
 * Jobs are a table (name, cron, run). node-cron fires them; a run that fails is logged, recorded
 * (lastRunAt, lastError) and reported, and the schedule keeps going. A job never overlaps itself:
 * a tick that finds the previous run still going is recorded as skipped.
 */
import cron, { type ScheduledTask } from 'node-cron';

export interface Job {
  name: string;
  /** Cron expression (5 or 6 fields; seconds optional). */
  cron: string;
  run: (now: Date) => Promise<void>;
}

export interface JobStatus {
  name: string;
  cron: string;
  running: boolean;
  runs: number;
  failures: number;
  skipped: number;
  lastRunAt: string | null;
  lastError: string | null;
}

export interface SchedulerOptions {
  timezone?: string;
  /** Injectable clock: what "now" a run receives. */
  clock?: () => Date;
  log?: { info: (msg: string) => void; error: (msg: string) => void };
  onRunEnd?: (status: JobStatus) => void;
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
      entry.task = cron.schedule(entry.job.cron, () => this.runNow(name), {
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

  /** Runs a job at once (also what each tick calls). Never throws: failures are recorded. */
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
