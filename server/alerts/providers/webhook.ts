/**
 * Webhooks: a JSON body (with a Slack-compatible `text`) signed with HMAC-SHA256 over the raw body
 * with the rule's secret, POSTed through an agent whose DNS answers are vetted like the
 * collection fetcher's (private, loopback and metadata addresses refused unless allowed).
 * Redirects are not followed: a webhook that moves is a configuration to fix, not to chase.
 */
import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { addressBlockReason, vettedLookup } from '../../../pipelines/fetch/index.js';
import { slackText } from '../render.js';
import { webhookHostAllowed, type WebhookPolicy } from '../rules.js';
import { DeliveryError, NotificationProvider, type Notification, type SendResult } from './base.js';

export const SIGNATURE_HEADER = 'x-framewatch-signature';

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function webhookBody(n: Notification, sentAt: string): string {
  const { alert, rule, event, url } = n;
  return JSON.stringify({
    text: slackText(alert, rule, event, url),
    event: `alert.${event}`,
    deliveryId: n.deliveryId,
    sentAt,
    rule: { id: rule.id, name: rule.name, type: rule.type },
    alert: { ...alert, url },
  });
}

export class WebhookProvider extends NotificationProvider {
  readonly channel = 'webhook' as const;
  private readonly agents: Record<'strict' | 'permissive', Agent>;

  constructor(
    private readonly policy: WebhookPolicy,
    private readonly clock: () => Date = () => new Date(),
  ) {
    super();
    const agent = (allow: boolean) => new Agent({ connect: { lookup: vettedLookup(allow) as never }, connections: 32 });
    this.agents = { strict: agent(false), permissive: agent(true) };
  }

  async send(target: string, n: Notification, signal: AbortSignal): Promise<SendResult> {
    const url = new URL(target);
    const allow = webhookHostAllowed(url, this.policy);
    const host = url.hostname.replace(/^\[|\]$/gu, '');
    if (isIP(host)) {
      const reason = addressBlockReason(host, allow);
      if (reason) throw new DeliveryError(`refused ${host} (${reason})`, null, false);
    }
    const body = webhookBody(n, this.clock().toISOString());
    let response;
    try {
      response = await request(url, {
        method: 'POST',
        body,
        signal,
        dispatcher: allow ? this.agents.permissive : this.agents.strict,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Framewatch-Alerts/0.1',
          [SIGNATURE_HEADER]: sign(n.rule.webhookSecret, body),
          'x-framewatch-delivery': n.deliveryId,
          'x-framewatch-event': `alert.${n.event}`,
        },
      });
    } catch (error) {
      const message = describe(error);
      throw new DeliveryError(message, null, !/blocked_address|refused/u.test(message));
    }
    // Only the status matters; the body is drained (capped) so the connection can be reused.
    await response.body.text().catch(() => '');
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new DeliveryError(
        `answered ${response.statusCode}`,
        response.statusCode,
        response.statusCode >= 500 || response.statusCode === 429,
      );
    }
    return { statusCode: response.statusCode };
  }

  override async close(): Promise<void> {
    await Promise.all([this.agents.strict.close(), this.agents.permissive.close()]);
  }
}

function describe(error: unknown): string {
  let current: unknown = error;
  const parts: string[] = [];
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    parts.push(current.message);
    current = current.cause;
  }
  return parts.join(': ').slice(0, 300) || String(error);
}
