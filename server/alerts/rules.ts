/**
 * Alert rules as the API takes them: schemas (unknown fields refused by the schema), then the
 * checks a schema cannot express (thresholds per type, queries that parse, webhook targets that
 * are not private addresses). Every refusal is a ValidationError naming the field.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { ValidationError } from '../domain/errors.js';
import { compileFilter, type CompiledFilter } from '../live/filter.js';
import { LiveFilter } from '../live/protocol.js';
import { addressBlockReason } from '../../pipelines/fetch/index.js';
import { RULE_TYPES, SEVERITIES, type AlertRule, type AlertRuleType, type RuleParams } from '../store/alerts/port.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Threshold = Type.Array(Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 }), {
  minItems: 1,
  maxItems: 5,
  description: 'ascending thresholds; crossing a later one escalates the alert',
});

export const RuleParamsSchema = Type.Object(
  {
    windowHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })),
    pickups: Type.Optional(Threshold),
    distinctSources: Type.Optional(Threshold),
    distinctSides: Type.Optional(Threshold),
    summedViews: Type.Optional(Threshold),
    interval: Type.Optional(literals(['hour', 'day', 'week'] as const)),
    baselineBuckets: Type.Optional(Type.Integer({ minimum: 2, maximum: 168 })),
    ratio: Type.Optional(Type.Number({ minimum: 1, maximum: 1000 })),
    minCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    zScore: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
    points: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
    minItems: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);

const Channels = Type.Object(
  {
    dashboard: Type.Optional(Type.Boolean({ default: true })),
    webhooks: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 5, uniqueItems: true })),
    emails: Type.Optional(Type.Array(Type.String({ format: 'email', maxLength: 320 }), { maxItems: 20, uniqueItems: true })),
  },
  { additionalProperties: false },
);

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' });

export const RuleInput = Type.Object(
  {
    name: Name,
    type: literals(RULE_TYPES),
    enabled: Type.Optional(Type.Boolean()),
    severity: Type.Optional(literals(SEVERITIES)),
    filter: Type.Optional(LiveFilter),
    params: Type.Optional(RuleParamsSchema),
    cooldownSec: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 86_400 })),
    channels: Type.Optional(Channels),
  },
  { additionalProperties: false },
);
export type RuleInput = Static<typeof RuleInput>;

export const RulePatch = Type.Partial(Type.Omit(RuleInput, ['type']), { additionalProperties: false });
export type RulePatch = Static<typeof RulePatch>;

const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** A rule as the API shows it: everything but the webhook secret. */
export const RuleView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: literals(RULE_TYPES),
  enabled: Type.Boolean(),
  severity: literals(SEVERITIES),
  filter: LiveFilter,
  params: RuleParamsSchema,
  cooldownSec: Type.Integer(),
  channels: Type.Object({ dashboard: Type.Boolean(), webhooks: Type.Array(Type.String()), emails: Type.Array(Type.String()) }),
  mutedUntil: Nullable(Instant),
  createdAt: Instant,
  updatedAt: Instant,
  createdBy: Nullable(Type.String()),
});
export type RuleView = Static<typeof RuleView>;

export function ruleView(rule: AlertRule): RuleView {
  const { webhookSecret: _secret, ...view } = rule;
  return view;
}

/** Which params each type takes, and their defaults. */
const PARAMS: Record<AlertRuleType, { allowed: (keyof RuleParams)[]; defaults: RuleParams }> = {
  new_release: { allowed: [], defaults: {} },
  keyword: { allowed: [], defaults: {} },
  spread_threshold: {
    allowed: ['windowHours', 'pickups', 'distinctSources', 'distinctSides', 'summedViews'],
    defaults: { windowHours: 24 },
  },
  volume_spike: {
    allowed: ['interval', 'baselineBuckets', 'ratio', 'minCount', 'zScore'],
    defaults: { interval: 'hour', baselineBuckets: 12, ratio: 3, minCount: 5 },
  },
  frame_shift: { allowed: ['interval', 'points', 'minItems'], defaults: { interval: 'day', minItems: 5 } },
};

export const SPREAD_METRICS = ['pickups', 'distinctSources', 'distinctSides', 'summedViews'] as const;

function checkParams(type: AlertRuleType, params: RuleParams): RuleParams {
  const { allowed, defaults } = PARAMS[type];
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key as keyof RuleParams)) {
      throw new ValidationError(
        allowed.length === 0
          ? `${type} rules take no params`
          : `does not apply to ${type} rules (they take ${allowed.join(', ')})`,
        allowed.length === 0 ? 'body/params' : `body/params/${key}`,
      );
    }
  }
  const out: RuleParams = { ...defaults, ...params };
  if (type === 'spread_threshold') {
    if (!SPREAD_METRICS.some((m) => out[m] !== undefined)) {
      throw new ValidationError(`give at least one threshold of ${SPREAD_METRICS.join(', ')}`, 'body/params');
    }
    for (const m of SPREAD_METRICS) {
      const list = out[m];
      if (list && list.some((v, i) => i > 0 && v <= (list[i - 1] ?? 0))) {
        throw new ValidationError(
          'thresholds must be strictly ascending (each escalation level higher than the last)',
          `body/params/${m}`,
        );
      }
    }
  }
  if (type === 'volume_spike' && out.interval === 'week') {
    throw new ValidationError('volume spikes compare hours or days', 'body/params/interval');
  }
  if (type === 'frame_shift') {
    if (out.points === undefined)
      throw new ValidationError('required: the percentage points a share must move', 'body/params/points');
    if (out.interval === 'hour') throw new ValidationError('frame shifts compare days or weeks', 'body/params/interval');
  }
  return out;
}

/** The rule's filter compiled for matching and for the store; the query's syntax errors name the field. */
export function compileRuleFilter(filter: AlertRule['filter']): CompiledFilter {
  try {
    return compileFilter(filter);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(error.message.replace(/^q: /u, ''), 'body/filter/query');
    }
    throw error;
  }
}

export interface WebhookPolicy {
  /** Private or loopback hosts (host or host:port) webhooks may reach. */
  allowPrivateHosts: string[];
}

export function webhookHostAllowed(url: URL, policy: WebhookPolicy): boolean {
  const allowed = new Set(policy.allowPrivateHosts.map((h) => h.toLowerCase()));
  const host = url.hostname.replace(/^\[|\]$/gu, '').toLowerCase();
  return allowed.has(url.host.toLowerCase()) || allowed.has(host);
}

/** Refuses webhook URLs that are not http(s), carry credentials, or point at private addresses. */
export async function checkWebhookUrl(raw: string, policy: WebhookPolicy, field: string): Promise<void> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError('not a valid URL', field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError('webhooks are http or https URLs', field);
  if (url.username || url.password)
    throw new ValidationError('put credentials in the path or query, not in the URL userinfo', field);
  const allow = webhookHostAllowed(url, policy);
  const host = url.hostname.replace(/^\[|\]$/gu, '');
  const refuse = (reason: string) =>
    new ValidationError(
      `${url.host} is a ${reason}; webhooks may not reach private addresses unless listed in ALERTS_WEBHOOK_ALLOW_PRIVATE`,
      field,
    );
  if (isIP(host)) {
    const reason = addressBlockReason(host, allow);
    if (reason) throw refuse(reason);
    return;
  }
  if (allow) return;
  // "localhost." (a fully qualified name) is localhost too.
  const name = host.toLowerCase().replace(/\.+$/u, '');
  if (name === 'localhost' || name.endsWith('.localhost')) throw refuse('loopback address');
  // A name that resolves to a private address now is refused now; delivery checks again (rebinding).
  let addresses: { address: string }[] = [];
  try {
    addresses = await Promise.race([
      lookup(host, { all: true }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
    ]);
  } catch {
    return;
  }
  for (const a of addresses) {
    const reason = addressBlockReason(a.address, false);
    if (reason) throw refuse(`name resolving to ${a.address} (${reason})`);
  }
}

interface Defaults {
  cooldownSec: number;
}

/** Validates an input into a complete rule (id, secret and timestamps included). */
export async function newRule(
  input: RuleInput,
  policy: WebhookPolicy,
  defaults: Defaults,
  now: Date,
  createdBy: string | null,
): Promise<AlertRule> {
  const rule: AlertRule = {
    id: randomUUID(),
    name: input.name,
    type: input.type,
    enabled: input.enabled ?? true,
    severity: input.severity ?? (input.type === 'new_release' ? 'info' : 'warning'),
    filter: input.filter ?? {},
    params: {},
    cooldownSec: input.cooldownSec ?? defaults.cooldownSec,
    channels: {
      dashboard: input.channels?.dashboard ?? true,
      webhooks: input.channels?.webhooks ?? [],
      emails: input.channels?.emails ?? [],
    },
    webhookSecret: randomBytes(32).toString('base64url'),
    mutedUntil: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    createdBy,
  };
  rule.params = checkParams(rule.type, input.params ?? {});
  await checkRule(rule, policy);
  return rule;
}

/** Applies a patch; params replace the previous params as a whole. */
export async function patchRule(current: AlertRule, patch: RulePatch, policy: WebhookPolicy, now: Date): Promise<AlertRule> {
  const rule: AlertRule = {
    ...current,
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.enabled !== undefined && { enabled: patch.enabled }),
    ...(patch.severity !== undefined && { severity: patch.severity }),
    ...(patch.filter !== undefined && { filter: patch.filter }),
    ...(patch.cooldownSec !== undefined && { cooldownSec: patch.cooldownSec }),
    ...(patch.channels !== undefined && {
      channels: {
        dashboard: patch.channels.dashboard ?? current.channels.dashboard,
        webhooks: patch.channels.webhooks ?? current.channels.webhooks,
        emails: patch.channels.emails ?? current.channels.emails,
      },
    }),
    updatedAt: now.toISOString(),
  };
  if (patch.params !== undefined) rule.params = checkParams(rule.type, patch.params);
  await checkRule(rule, policy);
  return rule;
}

async function checkRule(rule: AlertRule, policy: WebhookPolicy): Promise<void> {
  const compiled = compileRuleFilter(rule.filter);
  if (rule.type === 'keyword' && !compiled.store.query) {
    throw new ValidationError('keyword rules need a query (the search syntax of GET /search)', 'body/filter/query');
  }
  for (const [n, url] of rule.channels.webhooks.entries()) await checkWebhookUrl(url, policy, `body/channels/webhooks/${n}`);
}
