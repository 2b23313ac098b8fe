/** The weekly briefing as a job of the scheduler's table (default: Monday 07:00 in the briefing zone). */
import type { Job } from '../../pipelines/scheduler.js';
import type { BriefingService } from './service.js';

export const BRIEFING_JOB = 'weekly-briefing';

/** A job that generates the default briefing (last full week, everything in scope) for the run's now. */
export function briefingJob(service: BriefingService, cron: string): Job {
  return {
    name: BRIEFING_JOB,
    cron,
    run: async (now) => {
      await service.generate({ trigger: 'schedule', now }, 'scheduler');
    },
  };
}
