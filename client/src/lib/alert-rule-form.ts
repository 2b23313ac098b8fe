/**
 * The alert rule editor's draft: flat strings and flags a form binds to, turned into the API's rule
 * input (only the parameters the rule's type takes) and back. Pure, so it is unit-tested without a DOM.
 */
import type { AlertRule, AlertRuleInput, AlertRuleType, RuleFilter, RuleParams, Severity } from '../api/types.js';
import { text } from '../i18n/text.js';

export const RULE_TYPES: readonly AlertRuleType[] = ['new_release', 'keyword', 'spread_threshold', 'volume_spike', 'frame_shift'];
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** Which parameter fields the form shows for each type (the server refuses the others). */
export const PARAMS_BY_TYPE: Record<AlertRuleType, readonly (keyof RuleDraft['params'])[]> = {
  new_release: [],
  keyword: [],
  spread_threshold: ['windowHours', 'pickups', 'distinctSources', 'distinctSides', 'summedViews'],
  volume_spike: ['interval', 'baselineBuckets', 'ratio', 'minCount', 'zScore'],
  frame_shift: ['interval', 'points', 'minItems'],
};

export interface RuleDraft {
  name: string;
  type: AlertRuleType;
  enabled: boolean;
  severity: Severity;
  query: string;
  /** Comma-separated lists, as typed. */
  sides: string;
  sources: string;
  platforms: string;
  kinds: string;
  langs: string;
  frames: string;
  /** Every parameter as typed; thresholds are comma-separated ascending lists. */
  params: {
    windowHours: string;
    pickups: string;
    distinctSources: string;
    distinctSides: string;
    summedViews: string;
    interval: string;
    baselineBuckets: string;
    ratio: string;
    minCount: string;
    zScore: string;
    points: string;
    minItems: string;
  };
  cooldownMinutes: string;
  dashboard: boolean;
  /** One per line. */
  webhooks: string;
  emails: string;
}

export function emptyDraft(type: AlertRuleType = 'keyword'): RuleDraft {
  return {
    name: '',
    type,
    enabled: true,
    severity: 'warning',
    query: '',
    sides: '',
    sources: '',
    platforms: '',
    kinds: '',
    langs: '',
    frames: '',
    params: {
      windowHours: '24',
      pickups: '',
      distinctSources: '',
      distinctSides: '',
      summedViews: '',
      interval: type === 'frame_shift' ? 'day' : 'hour',
      baselineBuckets: '12',
      ratio: '3',
      minCount: '5',
      zScore: '',
      points: '10',
      minItems: '5',
    },
    cooldownMinutes: '',
    dashboard: true,
    webhooks: '',
    emails: '',
  };
}

const splitList = (text: string, separator: RegExp): string[] =>
  text
    .split(separator)
    .map((part) => part.trim())
    .filter(Boolean);
const commaList = (text: string) => splitList(text, /,/u);
const lineList = (text: string) => splitList(text, /[\n,]/u);

/** A number the form cannot send; its message, in the interface language, names the field. */
export class DraftError extends Error {
  constructor(
    readonly field: string,
    readonly reason: 'notANumber' | 'wholeNumbers',
  ) {
    super(text(`ruleEditor.errors.${reason}`, { field }));
    this.name = 'DraftError';
  }
}

function toNumber(field: string, text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new DraftError(field, 'notANumber');
  return value;
}

function toThresholds(field: string, text: string): number[] | undefined {
  const parts = commaList(text);
  if (parts.length === 0) return undefined;
  return parts.map((part) => {
    const value = Number(part);
    if (!Number.isInteger(value) || value < 1) throw new DraftError(field, 'wholeNumbers');
    return value;
  });
}

/** The rule input for the API; throws DraftError on numbers that do not parse (the server checks the rest). */
export function draftToInput(draft: RuleDraft): AlertRuleInput {
  const filter: RuleFilter = {};
  if (draft.query.trim()) filter.query = draft.query.trim();
  const lists = ['sides', 'sources', 'platforms', 'kinds', 'langs', 'frames'] as const;
  for (const key of lists) {
    const values = commaList(draft[key]);
    if (values.length) filter[key] = key === 'sides' ? values.map((v) => v.toUpperCase()) : values;
  }
  const params: RuleParams = {};
  const p = draft.params;
  for (const key of PARAMS_BY_TYPE[draft.type]) {
    switch (key) {
      case 'pickups':
      case 'distinctSources':
      case 'distinctSides':
      case 'summedViews': {
        const list = toThresholds(key, p[key]);
        if (list) params[key] = list;
        break;
      }
      case 'interval':
        if (p.interval) params.interval = p.interval as RuleParams['interval'];
        break;
      default: {
        const value = toNumber(key, p[key]);
        if (value !== undefined) params[key] = value;
      }
    }
  }
  const cooldown = toNumber('cooldownMinutes', draft.cooldownMinutes);
  return {
    name: draft.name.trim(),
    type: draft.type,
    enabled: draft.enabled,
    severity: draft.severity,
    filter,
    params,
    ...(cooldown !== undefined && { cooldownSec: Math.round(cooldown * 60) }),
    channels: { dashboard: draft.dashboard, webhooks: lineList(draft.webhooks), emails: lineList(draft.emails) },
  };
}

/** A stored rule back into the form. */
export function ruleToDraft(rule: AlertRule): RuleDraft {
  const draft = emptyDraft(rule.type);
  const f = rule.filter;
  const text = (value: number | undefined, fallback: string) => (value === undefined ? fallback : String(value));
  const p = rule.params;
  return {
    ...draft,
    name: rule.name,
    enabled: rule.enabled,
    severity: rule.severity,
    query: f.query ?? '',
    sides: (f.sides ?? []).join(', '),
    sources: (f.sources ?? []).join(', '),
    platforms: (f.platforms ?? []).join(', '),
    kinds: (f.kinds ?? []).join(', '),
    langs: (f.langs ?? []).join(', '),
    frames: (f.frames ?? []).join(', '),
    params: {
      windowHours: text(p.windowHours, ''),
      pickups: (p.pickups ?? []).join(', '),
      distinctSources: (p.distinctSources ?? []).join(', '),
      distinctSides: (p.distinctSides ?? []).join(', '),
      summedViews: (p.summedViews ?? []).join(', '),
      interval: p.interval ?? draft.params.interval,
      baselineBuckets: text(p.baselineBuckets, ''),
      ratio: text(p.ratio, ''),
      minCount: text(p.minCount, ''),
      zScore: text(p.zScore, ''),
      points: text(p.points, ''),
      minItems: text(p.minItems, ''),
    },
    cooldownMinutes: String(rule.cooldownSec / 60),
    dashboard: rule.channels.dashboard,
    webhooks: rule.channels.webhooks.join('\n'),
    emails: rule.channels.emails.join('\n'),
  };
}

/** "muted until …" or null once the mute is over. */
export function isMuted(rule: Pick<AlertRule, 'mutedUntil'>, now = Date.now()): boolean {
  return rule.mutedUntil !== null && Date.parse(rule.mutedUntil) > now;
}
