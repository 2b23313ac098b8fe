import { afterEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../../pipelines/scheduler.js';

let scheduler: Scheduler | undefined;
afterEach(async () => scheduler?.stop());

describe('scheduler', () => {
  it('keeps the schedule after a failed run and records the failure', async () => {
    let calls = 0;
    scheduler = new Scheduler({ clock: () => new Date('2026-03-02T07:00:00Z') });
    scheduler.add({
      name: 'flaky',
      cron: '* * * * * *',
      run: async () => {
        calls++;
        if (calls === 1) throw new Error('source unreachable');
      },
    });
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 2_600));
    const [status] = scheduler.status();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(status).toMatchObject({ failures: 1, lastError: null, lastRunAt: '2026-03-02T07:00:00.000Z' });
  });

  it('never runs a job twice at once', async () => {
    let release: () => void = () => {};
    scheduler = new Scheduler();
    scheduler.add({ name: 'slow', cron: '0 * * * *', run: () => new Promise<void>((r) => (release = r)) });
    const first = scheduler.runNow('slow');
    const second = await scheduler.runNow('slow');
    expect(second.skipped).toBe(1);
    release();
    expect((await first).runs).toBe(1);
  });

  it('refuses duplicate names and invalid cron expressions', () => {
    scheduler = new Scheduler();
    scheduler.add({ name: 'a', cron: '0 7 * * 1', run: async () => {} });
    expect(() => scheduler?.add({ name: 'a', cron: '0 7 * * 1', run: async () => {} })).toThrow(/already scheduled/u);
    expect(() => scheduler?.add({ name: 'b', cron: 'every monday', run: async () => {} })).toThrow(/not a valid cron/u);
  });
});
