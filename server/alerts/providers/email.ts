/** Email over SMTP (nodemailer): a text part and an HTML part whose collected content is escaped. */
import nodemailer, { type Transporter } from 'nodemailer';
import { html, plainText, subject } from '../render.js';
import { DeliveryError, NotificationProvider, type Notification, type SendResult } from './base.js';

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  /** Refuse to send without TLS (STARTTLS required). */
  requireTls: boolean;
}

export class EmailProvider extends NotificationProvider {
  readonly channel = 'email' as const;
  private readonly transporter: Transporter;

  constructor(
    private readonly settings: SmtpSettings,
    timeoutMs: number,
  ) {
    super();
    this.transporter = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      requireTLS: settings.requireTls,
      ...(settings.user && settings.password && { auth: { user: settings.user, pass: settings.password } }),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(target: string, n: Notification, signal: AbortSignal): Promise<SendResult> {
    const sending = this.transporter.sendMail({
      from: this.settings.from,
      to: target,
      subject: subject(n.alert, n.rule, n.event),
      text: plainText(n.alert, n.rule, n.event, n.url),
      html: html(n.alert, n.rule, n.event, n.url),
      headers: { 'X-Framewatch-Alert': n.alert.id, 'X-Framewatch-Delivery': n.deliveryId },
    });
    const aborted = new Promise<never>((_, reject) => {
      const fail = () => reject(new DeliveryError('timed out'));
      if (signal.aborted) fail();
      signal.addEventListener('abort', fail, { once: true });
    });
    try {
      await Promise.race([sending, aborted]);
      return { statusCode: null };
    } catch (error) {
      sending.catch(() => undefined);
      if (error instanceof DeliveryError) throw error;
      const code = (error as { responseCode?: number }).responseCode ?? null;
      throw new DeliveryError((error as Error).message.slice(0, 300), code, code === null || code < 500);
    }
  }

  override async close(): Promise<void> {
    this.transporter.close();
  }
}
