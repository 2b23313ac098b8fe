/**
 * The alert job table: one job per scheduled rule type plus the digest sweep, on node-cron through
 * the shared Scheduler (a failed run is logged and recorded; the schedule continues).
 */
import { Scheduler, type JobStatus, type SchedulerLock } from '../../pipelines/scheduler.js';
import { SCHEDULED_TYPES as TYPES, type AlertService } from './service.js';

export class AlertScheduler {
  readonly scheduler: Scheduler;

  constructor(
    alerts: AlertService,
    cron: string,
    log: { info: (msg: string) => void; error: (msg: string) => void },
    clock?: () => Date,
    /** With several instances on one store: each tick runs on one of them (see Scheduler). */
    lock?: SchedulerLock,
  ) {
    this.scheduler = new Scheduler({ log, ...(clock && { clock }), ...(lock && { lock }) });
    for (const type of TYPES) {
      this.scheduler.add({ name: `alerts:${type}`, cron, run: async (now) => void (await alerts.evaluateScheduled(type, now)) });
    }
    this.scheduler.add({ name: 'alerts:digests', cron, run: async (now) => void (await alerts.flushDigests(now)) });
  }

  start(): void {
    this.scheduler.start();
  }

  async stop(): Promise<void> {
    await this.scheduler.stop();
  }

  status(): JobStatus[] {
    return this.scheduler.status();
  }
}
