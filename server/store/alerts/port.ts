/**
 * The alert repository: rules, the alerts they fired and the delivery log, behind the store port
 * like every other piece of data. One implementation per adapter; the contract suite pins that both
 * give the same answers.
 */
import type { Kind, Platform, Side } from '../../domain/schemas.js';

export const RULE_TYPES = ['new_release', 'keyword', 'spread_threshold', 'volume_spike', 'frame_shift'] as const;
export type AlertRuleType = (typeof RULE_TYPES)[number];
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Which items a rule looks at: the live-push filter (lists are "any of", fields "all of"). */
export interface RuleFilter {
  sides?: Side[];
  platforms?: Platform[];
  kinds?: Kind[];
  sources?: string[];
  frames?: string[];
  langs?: string[];
  /** The search syntax of GET /search. */
  query?: string;
}

/**
 * Thresholds per type; only the fields of the rule's type are set (see alerts/rules.ts).
 * Spread thresholds are ascending lists: crossing a later entry escalates the alert.
 */
export interface RuleParams {
  /** spread_threshold: releases first seen within the last windowHours. */
  windowHours?: number;
  pickups?: number[];
  distinctSources?: number[];
  distinctSides?: number[];
  summedViews?: number[];
  /** volume_spike and frame_shift: the bucket size compared. */
  interval?: 'hour' | 'day' | 'week';
  /** volume_spike: previous buckets forming the baseline. */
  baselineBuckets?: number;
  /** volume_spike: latest / baseline mean must reach this (>= 1). */
  ratio?: number;
  /** volume_spike: the latest bucket needs at least this many items. */
  minCount?: number;
  /** volume_spike: optionally also (latest - mean) / stddev must reach this. */
  zScore?: number;
  /** frame_shift: percentage points the share must move. */
  points?: number;
  /** frame_shift: items a side needs in both buckets for its share to count. */
  minItems?: number;
}

export interface RuleChannels {
  /** alert:fired on the bus (toast and alert centre). */
  dashboard: boolean;
  webhooks: string[];
  emails: string[];
}

export interface AlertRule {
  id: string;
  name: string;
  type: AlertRuleType;
  enabled: boolean;
  severity: Severity;
  filter: RuleFilter;
  params: RuleParams;
  /** New alerts of the rule wait this long after the last one; matches meanwhile go to one digest. */
  cooldownSec: number;
  channels: RuleChannels;
  /** Signs webhook bodies (HMAC-SHA256); shown once, when the rule is created. */
  webhookSecret: string;
  mutedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
}

export interface Alert {
  /** Derived from ruleId and key, so "one alert per rule and release" is a direct read. */
  id: string;
  ruleId: string;
  ruleName: string;
  ruleType: AlertRuleType;
  /** What the alert is about: release:<id>, item:<id>, digest:<ms>, spike:<bucket>, shift:<bucket>:<side>:<frame>. */
  key: string;
  severity: Severity;
  /** Escalation level: thresholds crossed (1 = the first). */
  level: number;
  status: AlertStatus;
  summary: string;
  /** Where the dashboard shows it, e.g. /releases/<id> or /search?... */
  link: string;
  releaseId: string | null;
  itemIds: string[];
  /** The numbers behind it, and the thresholds they crossed. */
  metrics: Record<string, number>;
  thresholds: Record<string, number>;
  /** True for a digest of matches held back during a cooldown. */
  digest: boolean;
  /** On an alert held during a cooldown: the digest that announced it. */
  digestId: string | null;
  firedAt: string;
  updatedAt: string;
  escalatedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

export interface DeliveryAttempt {
  at: string;
  ok: boolean;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

export interface AlertDelivery {
  id: string;
  alertId: string;
  ruleId: string;
  channel: 'webhook' | 'email';
  target: string;
  /** fired or escalated: what the delivery announced. */
  event: 'fired' | 'escalated';
  status: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  createdAt: string;
  updatedAt: string;
}

export interface AlertQuery {
  limit: number;
  cursor?: string;
  ruleId?: string;
  status?: AlertStatus;
  severity?: Severity;
  releaseId?: string;
}

export interface AlertPage {
  total: number;
  /** Newest first (updatedAt desc, id desc). */
  alerts: Alert[];
  nextCursor: string | null;
}

export interface AlertRepository {
  /** Sorted by createdAt, then id. */
  listRules(): Promise<AlertRule[]>;
  getRule(id: string): Promise<AlertRule | null>;
  /** ConflictError when the id is taken. */
  createRule(rule: AlertRule): Promise<void>;
  /** Replaces the rule; NotFoundError when absent. */
  updateRule(rule: AlertRule): Promise<void>;
  /** Deletes the rule (its alerts stay, for the record); NotFoundError when absent. */
  deleteRule(id: string): Promise<void>;

  getAlert(id: string): Promise<Alert | null>;
  /** Creates or replaces. */
  saveAlert(alert: Alert): Promise<void>;
  listAlerts(query: AlertQuery): Promise<AlertPage>;

  /** Creates or replaces. */
  saveDelivery(delivery: AlertDelivery): Promise<void>;
  /** Oldest first. */
  listDeliveries(alertId: string): Promise<AlertDelivery[]>;
}
