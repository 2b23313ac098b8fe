/**
 * Alerts: rules managed through the API, evaluated on ingest (new_release, keyword: from the event
 * bus) and on a schedule (spread_threshold, volume_spike, frame_shift), with noise control (one
 * alert per rule and key, escalation, cooldown with digests, mute) and delivery to the dashboard
 * (bus alert:fired), webhooks and email off the evaluation path.
 */
import { createHash } from 'node:crypto';
import type { ActionContext } from '../auth/service.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import type { EventBus } from '../events/bus.js';
import { itemTokens, type CompiledFilter } from '../live/filter.js';
import type { Store } from '../store/port.js';
import type { Alert, AlertPage, AlertQuery, AlertRule, Severity } from '../store/alerts/port.js';
import { SEVERITIES } from '../store/alerts/port.js';
import { DeliveryQueue, type DeliveryOptions } from './deliveries.js';
import {
  dryRunRange,
  keywordCandidate,
  keywordCandidates,
  newReleaseCandidates,
  opensRelease,
  releaseCandidate,
  shiftCandidates,
  spikeCandidates,
  spreadCandidates,
  type Candidate,
} from './evaluators.js';
import { EmailProvider, type SmtpSettings } from './providers/email.js';
import { ProviderRegistry } from './providers/base.js';
import { WebhookProvider } from './providers/webhook.js';
import { compileRuleFilter, newRule, patchRule, type RuleInput, type RulePatch, type WebhookPolicy } from './rules.js';
import { Throttle } from './throttle.js';

export interface AlertOptions {
  webhookAllowPrivateHosts: string[];
  smtp: SmtpSettings | null;
  delivery: Omit<DeliveryOptions, 'clock' | 'log'>;
  defaultCooldownSec: number;
  /** Cron of the scheduled evaluation jobs (spread, spike, shift, digests). */
  evaluationCron: string;
  clock?: () => Date;
}

export const DEFAULT_ALERT_OPTIONS: AlertOptions = {
  webhookAllowPrivateHosts: [],
  smtp: null,
  delivery: { timeoutMs: 10_000, retries: 5, retryBaseMs: 1000, maxRetryDelayMs: 5 * 60_000 },
  defaultCooldownSec: 300,
  evaluationCron: '* * * * *',
};

type Auditor = (
  ctx: ActionContext,
  action: string,
  target: { type: string; id: string },
  detail: Record<string, unknown>,
) => Promise<void>;
type Log = { info: (m: string) => void; warn: (m: string) => void; error: (m: string) => void };

export interface DryRunAlert {
  key: string;
  at: string;
  level: number;
  summary: string;
  link: string;
  releaseId: string | null;
  itemIds: string[];
  metrics: Record<string, number>;
  thresholds: Record<string, number>;
  /** notify: a notification would have gone out; held: it would have gone into a digest. */
  outcome: 'notify' | 'held';
}

export interface DryRunResult {
  from: string;
  to: string;
  alerts: DryRunAlert[];
  /** Notifications (single alerts and digests) the rule would have sent. */
  notifications: number;
  digests: number;
}

export const SCHEDULED_TYPES = ['spread_threshold', 'volume_spike', 'frame_shift'] as const;
export type ScheduledType = (typeof SCHEDULED_TYPES)[number];

export const alertIdFor = (ruleId: string, key: string) =>
  createHash('sha256').update(`${ruleId}\u0000${key}`).digest('base64url').slice(0, 24);

function escalate(severity: Severity, level: number): Severity {
  const i = SEVERITIES.indexOf(severity) + Math.max(0, level - 1);
  return SEVERITIES[Math.min(i, SEVERITIES.length - 1)] ?? 'critical';
}

export class AlertService {
  readonly deliveries: DeliveryQueue;
  private readonly providers = new ProviderRegistry();
  private readonly throttle = new Throttle();
  private readonly clock: () => Date;
  private rules = new Map<string, { rule: AlertRule; matcher: CompiledFilter }>();
  private loaded: Promise<void> | null = null;
  /** Evaluations under way (ingest events are handled asynchronously), for drain(). */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Per-rule chains: one rule's decisions never interleave (dedupe reads then writes). */
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly digestTimers = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly policy: WebhookPolicy;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly options: AlertOptions,
    private readonly audit: Auditor,
    private readonly log: Log,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.policy = { allowPrivateHosts: options.webhookAllowPrivateHosts };
    this.providers.register(new WebhookProvider(this.policy, this.clock));
    if (options.smtp) this.providers.register(new EmailProvider(options.smtp, options.delivery.timeoutMs));
    this.deliveries = new DeliveryQueue(store.alerts, this.providers, { ...options.delivery, clock: this.clock, log });
    this.unsubscribe.push(
      bus.on('item:new', ({ item }) => this.track(this.onItem(item))),
      // A copy linked later can turn an item into a release original only when it is created; updates
      // that set releaseId to the item's own id open a release too.
      bus.on('item:updated', ({ item }) => {
        if (opensRelease(item)) this.track(this.onItem(item, true));
      }),
    );
  }

  private track(promise: Promise<unknown>): void {
    const p = promise.catch((error: unknown) => this.log.error(`alert evaluation failed: ${(error as Error).message}`));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** (Re)reads the rules from the store; evaluation uses this cache. */
  async reload(): Promise<void> {
    const rules = await this.store.alerts.listRules();
    const next = new Map<string, { rule: AlertRule; matcher: CompiledFilter }>();
    for (const rule of rules) {
      try {
        next.set(rule.id, { rule, matcher: compileRuleFilter(rule.filter) });
      } catch (error) {
        this.log.error(`alert rule ${rule.id} has a filter that no longer compiles: ${(error as Error).message}`);
      }
    }
    this.rules = next;
  }

  private ready(): Promise<void> {
    this.loaded ??= this.reload();
    return this.loaded;
  }

  private active(rule: AlertRule, now: Date): boolean {
    return rule.enabled && (rule.mutedUntil === null || Date.parse(rule.mutedUntil) <= now.getTime());
  }

  private async onItem(item: Parameters<typeof releaseCandidate>[0], onlyReleases = false): Promise<void> {
    await this.ready();
    const now = this.clock();
    const tokens = itemTokens(item);
    for (const { rule, matcher } of this.rules.values()) {
      if (!this.active(rule, now)) continue;
      if (rule.type === 'new_release') {
        if (opensRelease(item) && matcher.matches(item, tokens)) await this.fire(rule, releaseCandidate(item), now);
      } else if (rule.type === 'keyword' && !onlyReleases) {
        if (matcher.matches(item, tokens)) await this.fire(rule, keywordCandidate(rule, item), now);
      }
    }
  }

  /** Runs the scheduled rules of a type (the job table calls this; tests call it with their clock). */
  async evaluateScheduled(type: ScheduledType, now = this.clock()): Promise<number> {
    await this.reload();
    let fired = 0;
    const failures: string[] = [];
    for (const { rule } of this.rules.values()) {
      if (rule.type !== type || !this.active(rule, now)) continue;
      try {
        const candidates =
          type === 'spread_threshold'
            ? await spreadCandidates(this.store, rule, now.getTime())
            : type === 'volume_spike'
              ? await spikeCandidates(this.store, rule, now.getTime())
              : await shiftCandidates(this.store, rule, now.getTime());
        for (const c of candidates) if (await this.fire(rule, c, now)) fired++;
      } catch (error) {
        // One rule's failure is recorded and the others still run.
        failures.push(`${rule.id}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) throw new Error(`${type} evaluation failed for ${failures.join('; ')}`);
    return fired;
  }

  /** Decides, stores and announces one candidate; true when a notification went out (or was held). */
  private fire(rule: AlertRule, candidate: Candidate, now: Date): Promise<boolean> {
    const previous = this.chains.get(rule.id) ?? Promise.resolve();
    const next = previous.then(() => this.decide(rule, candidate, now));
    const settled = next.catch(() => false);
    this.chains.set(rule.id, settled);
    void settled.then(() => {
      if (this.chains.get(rule.id) === settled) this.chains.delete(rule.id);
    });
    return next;
  }

  private async decide(rule: AlertRule, c: Candidate, now: Date): Promise<boolean> {
    const id = alertIdFor(rule.id, c.key);
    const existing = await this.store.alerts.getAlert(id);
    const at = now.toISOString();
    if (existing) {
      if (c.level <= existing.level) return false;
      // A higher threshold: the same alert, escalated and re-opened, announced at once (no cooldown).
      const escalated: Alert = {
        ...existing,
        level: c.level,
        severity: escalate(rule.severity, c.level),
        status: 'open',
        summary: c.summary,
        metrics: c.metrics,
        thresholds: c.thresholds,
        itemIds: c.itemIds,
        updatedAt: at,
        escalatedAt: at,
        acknowledgedAt: null,
        acknowledgedBy: null,
        resolvedAt: null,
        resolvedBy: null,
      };
      await this.store.alerts.saveAlert(escalated);
      this.announce(escalated, rule, 'escalated');
      return true;
    }
    const alert: Alert = {
      id,
      ruleId: rule.id,
      ruleName: rule.name,
      ruleType: rule.type,
      key: c.key,
      severity: escalate(rule.severity, c.level),
      level: c.level,
      status: 'open',
      summary: c.summary,
      link: c.link,
      releaseId: c.releaseId,
      itemIds: c.itemIds,
      metrics: c.metrics,
      thresholds: c.thresholds,
      digest: false,
      digestId: null,
      firedAt: at,
      updatedAt: at,
      escalatedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
    };
    const outcome = this.throttle.offer(rule.id, id, rule.cooldownSec * 1000, now.getTime());
    await this.store.alerts.saveAlert(alert);
    if (outcome === 'notify') this.announce(alert, rule, 'fired');
    else this.scheduleDigest(rule);
    return true;
  }

  private announce(alert: Alert, rule: AlertRule, event: 'fired' | 'escalated'): void {
    if (rule.channels.dashboard) {
      this.bus.emit('alert:fired', {
        alertId: alert.id,
        ruleId: rule.id,
        summary: alert.summary,
        ruleName: rule.name,
        ruleType: rule.type,
        severity: alert.severity,
        level: alert.level,
        link: alert.link,
        event: alert.digest ? 'digest' : event,
        firedAt: alert.updatedAt,
      });
    }
    this.deliveries.enqueue(alert, rule, event);
  }

  private scheduleDigest(rule: AlertRule): void {
    if (this.digestTimers.has(rule.id)) return;
    const ends = this.throttle.cooldownEnds(rule.id, rule.cooldownSec * 1000) ?? this.clock().getTime();
    const timer = setTimeout(
      () => {
        this.digestTimers.delete(rule.id);
        this.track(this.flushDigests());
      },
      Math.max(0, ends - this.clock().getTime()) + 10,
    );
    timer.unref();
    this.digestTimers.set(rule.id, timer);
  }

  /** Sends the digests of rules whose cooldown has ended: one alert listing what was held. */
  async flushDigests(now = this.clock()): Promise<number> {
    const due = this.throttle.due(now.getTime(), (ruleId) => {
      const entry = this.rules.get(ruleId);
      return entry ? entry.rule.cooldownSec * 1000 : null;
    });
    for (const digest of due) {
      const entry = this.rules.get(digest.ruleId);
      if (!entry) continue;
      const { rule } = entry;
      const held = (await Promise.all(digest.alertIds.map((id) => this.store.alerts.getAlert(id)))).filter(
        (a): a is Alert => a !== null,
      );
      if (held.length === 0) continue;
      const at = now.toISOString();
      const id = alertIdFor(rule.id, `digest:${now.getTime()}:${held[0]?.id ?? ''}`);
      const releases = new Set(held.flatMap((a) => (a.releaseId ? [a.releaseId] : [])));
      const alert: Alert = {
        id,
        ruleId: rule.id,
        ruleName: rule.name,
        ruleType: rule.type,
        key: `digest:${now.getTime()}`,
        severity: held.reduce<Severity>(
          (s, a) => (SEVERITIES.indexOf(a.severity) > SEVERITIES.indexOf(s) ? a.severity : s),
          'info',
        ),
        level: Math.max(...held.map((a) => a.level)),
        status: 'open',
        summary: `${held.length} more alert(s) of "${rule.name}" during its cooldown; first: ${held[0]?.summary ?? ''}`,
        link: held.length === 1 ? (held[0]?.link ?? '/') : `/alerts?ruleId=${encodeURIComponent(rule.id)}`,
        releaseId: releases.size === 1 ? ([...releases][0] ?? null) : null,
        itemIds: [...new Set(held.flatMap((a) => a.itemIds))].slice(0, 500),
        metrics: { alerts: held.length, releases: releases.size },
        thresholds: {},
        digest: true,
        digestId: null,
        firedAt: at,
        updatedAt: at,
        escalatedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        resolvedAt: null,
        resolvedBy: null,
      };
      await this.store.alerts.saveAlert(alert);
      for (const a of held) await this.store.alerts.saveAlert({ ...a, digestId: id });
      this.announce(alert, rule, 'fired');
    }
    return due.length;
  }

  /** Waits until every evaluation and delivery started so far has finished (tests, bench). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await Promise.allSettled([...this.chains.values()]);
    await this.deliveries.drain();
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe) off();
    for (const t of this.digestTimers.values()) clearTimeout(t);
    await Promise.allSettled([...this.inFlight]);
    await this.deliveries.close();
    await this.providers.close();
  }

  // Rules and alerts through the API.

  async createRule(input: RuleInput, ctx: ActionContext): Promise<AlertRule> {
    const rule = await newRule(
      input,
      this.policy,
      { cooldownSec: this.options.defaultCooldownSec },
      this.clock(),
      ctx.actor?.name ?? null,
    );
    await this.store.alerts.createRule(rule);
    await this.audit(ctx, 'alert_rule.create', { type: 'alert_rule', id: rule.id }, { name: rule.name, ruleType: rule.type });
    await this.reload();
    return rule;
  }

  async getRule(id: string): Promise<AlertRule> {
    const rule = await this.store.alerts.getRule(id);
    if (!rule) throw new NotFoundError('alert rule', id);
    return rule;
  }

  async updateRule(id: string, patch: RulePatch, ctx: ActionContext): Promise<AlertRule> {
    const rule = await patchRule(await this.getRule(id), patch, this.policy, this.clock());
    await this.store.alerts.updateRule(rule);
    await this.audit(ctx, 'alert_rule.update', { type: 'alert_rule', id }, { fields: Object.keys(patch).sort() });
    await this.reload();
    return rule;
  }

  async deleteRule(id: string, ctx: ActionContext): Promise<void> {
    await this.store.alerts.deleteRule(id);
    this.throttle.forget(id);
    await this.audit(ctx, 'alert_rule.delete', { type: 'alert_rule', id }, {});
    await this.reload();
  }

  /** Mutes a rule for `minutes` (0 unmutes). */
  async muteRule(id: string, minutes: number, ctx: ActionContext): Promise<AlertRule> {
    const now = this.clock();
    const current = await this.getRule(id);
    const rule: AlertRule = {
      ...current,
      mutedUntil: minutes > 0 ? new Date(now.getTime() + minutes * 60_000).toISOString() : null,
      updatedAt: now.toISOString(),
    };
    await this.store.alerts.updateRule(rule);
    await this.audit(
      ctx,
      minutes > 0 ? 'alert_rule.mute' : 'alert_rule.unmute',
      { type: 'alert_rule', id },
      { minutes, until: rule.mutedUntil },
    );
    await this.reload();
    return rule;
  }

  async listAlerts(query: AlertQuery): Promise<AlertPage> {
    return this.store.alerts.listAlerts(query);
  }

  async getAlert(id: string): Promise<Alert> {
    const alert = await this.store.alerts.getAlert(id);
    if (!alert) throw new NotFoundError('alert', id);
    return alert;
  }

  async acknowledge(id: string, ctx: ActionContext): Promise<Alert> {
    const alert = await this.getAlert(id);
    if (alert.status === 'resolved') throw new ValidationError('the alert is resolved already', 'id');
    const at = this.clock().toISOString();
    const next: Alert = {
      ...alert,
      status: 'acknowledged',
      acknowledgedAt: at,
      acknowledgedBy: ctx.actor?.name ?? null,
      updatedAt: at,
    };
    await this.store.alerts.saveAlert(next);
    await this.audit(ctx, 'alert.acknowledge', { type: 'alert', id }, { ruleId: alert.ruleId });
    return next;
  }

  async resolve(id: string, ctx: ActionContext): Promise<Alert> {
    const alert = await this.getAlert(id);
    const at = this.clock().toISOString();
    const next: Alert = {
      ...alert,
      status: 'resolved',
      resolvedAt: at,
      resolvedBy: ctx.actor?.name ?? null,
      acknowledgedAt: alert.acknowledgedAt ?? at,
      acknowledgedBy: alert.acknowledgedBy ?? ctx.actor?.name ?? null,
      updatedAt: at,
    };
    await this.store.alerts.saveAlert(next);
    await this.audit(ctx, 'alert.resolve', { type: 'alert', id }, { ruleId: alert.ruleId });
    return next;
  }

  async listDeliveries(alertId: string) {
    await this.getAlert(alertId);
    return this.store.alerts.listDeliveries(alertId);
  }

  /** What a saved rule would have fired over the last 7 days, with cooldown and digests applied. */
  async dryRunRule(id: string): Promise<DryRunResult> {
    return this.dryRun(await this.getRule(id));
  }

  /** The same for a rule not saved yet (validated like a new rule). */
  async dryRunInput(input: RuleInput): Promise<DryRunResult> {
    return this.dryRun(await newRule(input, this.policy, { cooldownSec: this.options.defaultCooldownSec }, this.clock(), null));
  }

  private async dryRun(rule: AlertRule): Promise<DryRunResult> {
    const now = this.clock().getTime();
    const { from, to } = dryRunRange(now);
    const candidates =
      rule.type === 'new_release'
        ? await newReleaseCandidates(this.store, rule, from, to)
        : rule.type === 'keyword'
          ? await keywordCandidates(this.store, rule, from, to)
          : rule.type === 'spread_threshold'
            ? await spreadCandidates(this.store, rule, to, from)
            : rule.type === 'volume_spike'
              ? await spikeCandidates(this.store, rule, to, from)
              : await shiftCandidates(this.store, rule, to, from);
    candidates.sort((a, b) => a.at - b.at);
    const throttle = new Throttle();
    const cooldown = rule.cooldownSec * 1000;
    const alerts: DryRunAlert[] = [];
    let digests = 0;
    for (const c of candidates) {
      digests += throttle.due(c.at, () => cooldown).length;
      const outcome = throttle.offer(rule.id, c.key, cooldown, c.at);
      alerts.push({
        key: c.key,
        at: new Date(c.at).toISOString(),
        level: c.level,
        summary: c.summary,
        link: c.link,
        releaseId: c.releaseId,
        itemIds: c.itemIds,
        metrics: c.metrics,
        thresholds: c.thresholds,
        outcome,
      });
    }
    if (throttle.pending() > 0) digests++;
    const notified = alerts.filter((a) => a.outcome === 'notify').length;
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      alerts,
      notifications: notified + digests,
      digests,
    };
  }
}
