/**
 * Delivery off the evaluation path: each (alert, target) is its own task with a timeout per
 * attempt and exponential backoff between attempts, so a target that hangs or fails delays only
 * itself. Every attempt is written to the delivery log (GET /alerts/:id/deliveries).
 */
import { randomUUID } from 'node:crypto';
import type { Alert, AlertDelivery, AlertRepository, AlertRule } from '../store/alerts/port.js';
import { DeliveryError, type ProviderRegistry } from './providers/base.js';

export interface DeliveryOptions {
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  retryBaseMs: number;
  maxRetryDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => Date;
  /** Makes the dashboard link absolute in webhooks and email (e.g. https://framewatch.example). */
  publicUrl?: string;
  log?: { warn: (msg: string) => void; error: (msg: string) => void };
}

export class DeliveryQueue {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly clock: () => Date;
  private closed = false;

  constructor(
    private readonly repo: AlertRepository,
    private readonly providers: ProviderRegistry,
    private readonly options: DeliveryOptions,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()));
    this.clock = options.clock ?? (() => new Date());
  }

  /** Starts one task per webhook and email target of the rule; returns at once. */
  enqueue(alert: Alert, rule: AlertRule, event: 'fired' | 'escalated'): string[] {
    if (this.closed) return [];
    const targets = [
      ...rule.channels.webhooks.map((t) => ({ channel: 'webhook' as const, target: t })),
      ...rule.channels.emails.map((t) => ({ channel: 'email' as const, target: t })),
    ];
    const ids: string[] = [];
    for (const { channel, target } of targets) {
      const at = this.clock().toISOString();
      const delivery: AlertDelivery = {
        id: randomUUID(),
        alertId: alert.id,
        ruleId: rule.id,
        channel,
        target,
        event,
        status: 'pending',
        attempts: [],
        createdAt: at,
        updatedAt: at,
      };
      ids.push(delivery.id);
      const task = this.run(delivery, alert, rule).catch((error: unknown) =>
        this.options.log?.error(`delivery ${delivery.id} crashed: ${(error as Error).message}`),
      );
      this.inFlight.add(task);
      void task.finally(() => this.inFlight.delete(task));
    }
    return ids;
  }

  private url(link: string): string {
    return this.options.publicUrl ? new URL(link, this.options.publicUrl).href : link;
  }

  private async run(delivery: AlertDelivery, alert: Alert, rule: AlertRule): Promise<void> {
    const provider = this.providers.get(delivery.channel);
    // The first record is written after the first attempt, not before it: the log must not add the
    // store's write latency to the alert's (a delivery still retrying shows as pending).
    const notification = { alert, rule, event: delivery.event, deliveryId: delivery.id, url: this.url(alert.link) };
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) {
        const delay = Math.min(this.options.maxRetryDelayMs, this.options.retryBaseMs * 2 ** (attempt - 1));
        await this.sleep(delay);
      }
      const started = performance.now();
      const at = this.clock().toISOString();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DeliveryError('timed out')), this.options.timeoutMs);
      let retryable = true;
      try {
        if (!provider)
          throw new DeliveryError(`no ${delivery.channel} provider is configured (see SMTP_* settings)`, null, false);
        const result = await provider.send(delivery.target, notification, controller.signal);
        delivery.attempts.push({
          at,
          ok: true,
          durationMs: Math.round(performance.now() - started),
          statusCode: result.statusCode,
          error: null,
        });
        delivery.status = 'delivered';
      } catch (error) {
        const failure =
          controller.signal.aborted && !(error instanceof DeliveryError && error.message !== 'timed out')
            ? new DeliveryError(`timed out after ${this.options.timeoutMs} ms`)
            : error instanceof DeliveryError
              ? error
              : new DeliveryError((error as Error).message);
        retryable = failure.retryable;
        delivery.attempts.push({
          at,
          ok: false,
          durationMs: Math.round(performance.now() - started),
          statusCode: failure.statusCode,
          error: failure.message,
        });
      } finally {
        clearTimeout(timer);
      }
      delivery.updatedAt = this.clock().toISOString();
      const last = delivery.status === 'delivered' || !retryable || attempt === this.options.retries || this.closed;
      if (last && delivery.status !== 'delivered') {
        delivery.status = 'failed';
        this.options.log?.warn(
          `alert ${alert.id}: ${delivery.channel} delivery to ${delivery.target} failed: ${delivery.attempts.at(-1)?.error ?? ''}`,
        );
      }
      if (!last) delivery.status = 'pending';
      await this.repo.saveDelivery({ ...delivery, attempts: [...delivery.attempts] });
      if (last) return;
    }
  }

  /** Waits for every delivery started so far (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Stops retrying; waits at most one attempt's timeout for deliveries under way (a backoff sleep is not waited out). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.race([this.drain(), new Promise((resolve) => setTimeout(resolve, this.options.timeoutMs).unref())]);
  }
}
