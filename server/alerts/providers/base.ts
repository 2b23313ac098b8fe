/**
 * Notification providers: one small interface and one registry (which refuses a second provider
 * under a name already taken). The delivery queue calls them; they never decide retries.
 */
import type { Alert, AlertRule } from '../../store/alerts/port.js';

export interface Notification {
  alert: Alert;
  rule: AlertRule;
  event: 'fired' | 'escalated';
  deliveryId: string;
  /** The alert's dashboard link made absolute when a public URL is configured. */
  url: string;
}

export interface SendResult {
  statusCode: number | null;
}

/** Thrown by a provider for a failed attempt; statusCode when the far end answered. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null = null,
    /** False for failures a retry cannot fix (a refused address). */
    readonly retryable = true,
  ) {
    super(message);
  }
}

export abstract class NotificationProvider {
  abstract readonly channel: 'webhook' | 'email';
  /** Sends one notification to one target; rejects (DeliveryError) on failure; honours the signal. */
  abstract send(target: string, notification: Notification, signal: AbortSignal): Promise<SendResult>;
  async close(): Promise<void> {}
}

export class ProviderRegistry {
  private readonly providers = new Map<string, NotificationProvider>();

  register(provider: NotificationProvider): void {
    if (this.providers.has(provider.channel)) {
      throw new Error(`a notification provider for "${provider.channel}" is already registered`);
    }
    this.providers.set(provider.channel, provider);
  }

  get(channel: string): NotificationProvider | undefined {
    return this.providers.get(channel);
  }

  async close(): Promise<void> {
    await Promise.all([...this.providers.values()].map((p) => p.close()));
  }
}
