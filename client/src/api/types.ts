/** Response shapes of the /api/v1 routes the dashboard reads (mirrors server/routes/*.ts). */

// Shapes that the store port defines and the routes return unchanged come from the server itself
// (type-only: nothing of the server is bundled into the client).
export type { FramingCell, Interval, ReleaseSort, SplitField, TermsField, TimelineBucket } from '../../../server/store/port.js';
export type { AlertRuleType, AlertStatus, Alert as StoredAlert, Severity } from '../../../server/store/alerts/port.js';
import type { Alert as StoredAlert, AlertRuleType, Severity } from '../../../server/store/alerts/port.js';
import type { FramingCell, Interval, TimelineBucket } from '../../../server/store/port.js';

export interface Engagement {
  views: number;
  forwards: number;
  reactions: number;
  comments: number;
}

export interface FrameMatch {
  frameId: string;
  evidence: string[];
}

export interface Item {
  id: string;
  platform: string;
  sourceId: string;
  externalId: string;
  kind: string;
  side: string;
  url: string | null;
  title: string;
  text: string;
  lang: string;
  publishedAt: string;
  collectedAt: string;
  editedAt: string | null;
  media: MediaView[];
  /** Addresses the content links to (none shown for a sensitive item not revealed). */
  links: string[];
  engagement: Engagement;
  frames: FrameMatch[];
  entities: { type: string; name: string }[];
  releaseId: string | null;
  forwardedFrom: string | null;
  sensitive: boolean;
  demo: boolean;
  contentHash: string;
}

export interface SnippetSegment {
  text: string;
  match: boolean;
}

export interface Snippet {
  field: 'title' | 'text';
  segments: SnippetSegment[];
}

export interface SearchHit {
  item: Item;
  score: number | null;
  snippets: Snippet[];
}

export interface SearchResponse {
  total: number;
  hits: SearchHit[];
  nextCursor: string | null;
}

export interface TimelineResponse {
  interval: Interval;
  split: string | null;
  timeZone: 'UTC';
  buckets: TimelineBucket[];
}

export interface TermsResponse {
  field: string;
  total: number;
  buckets: { key: string; count: number }[];
}

export interface FramingResponse {
  sides: { side: string; items: number }[];
  frames: string[];
  cells: FramingCell[];
}

export interface SpreadPoint {
  start: string;
  pickups: number;
  cumulativePickups: number;
  views: number;
  cumulativeViews: number;
}

export interface SpreadResponse {
  releaseId: string;
  original: Item | null;
  pickups: number;
  distinctSources: number;
  distinctSides: number;
  distinctLangs: number;
  summedViews: number;
  firstSeenPerSide: { side: string; firstSeenAt: string; itemId: string; delaySec: number | null }[];
  curve: SpreadPoint[];
}

export interface Source {
  id: string;
  platform: string;
  handle: string | null;
  url: string | null;
  name: string;
  side: string;
  type: string;
  country: string | null;
  lang: string | null;
  schedule: string | null;
  enabled: boolean;
  releaseSource: boolean;
  sensitive: boolean;
  verified: boolean;
  demo: boolean;
  createdAt: string;
  updatedAt: string;
  lastRunAt: string | null;
  lastRunStatus: 'succeeded' | 'failed' | null;
  lastError: string | null;
  itemsCollected: number;
}

export type Role = 'admin' | 'analyst' | 'viewer';

export interface Principal {
  kind: 'user' | 'token';
  id: string;
  name: string;
  role: Role;
  scopes: string[];
}

export interface MeResponse {
  principal: Principal;
  csrfToken: string | null;
  expiresAt: string | null;
}

export interface LoginResponse {
  user: { id: string; username: string; role: Role };
  csrfToken: string;
  expiresAt: string;
}

/** The one error shape of every route. */
export interface ErrorBody {
  error: { code: string; message: string; statusCode: number };
}

export interface ReleaseSummary {
  id: string;
  original: Item | null;
  pickups: number;
  distinctSources: number;
  distinctSides: number;
  distinctLangs: number;
  summedViews: number;
  firstSeenAt: string;
  lastSeenAt: string;
  spreadScore: number;
}

export interface ReleasePage {
  total: number;
  releases: ReleaseSummary[];
  nextCursor: string | null;
}

export interface FirstSeen {
  side: string;
  firstSeenAt: string;
  itemId: string;
  delaySec: number | null;
}

export interface FirstSeenSource extends FirstSeen {
  sourceId: string;
}

export interface EngagementSnapshot {
  itemId: string;
  at: string;
  views?: number | null;
  forwards?: number | null;
  reactions?: number | null;
  comments?: number | null;
}

export interface ReleaseDetail {
  release: ReleaseSummary;
  interval: string;
  firstSeenPerSide: FirstSeen[];
  firstSeenPerSource: FirstSeenSource[];
  curve: SpreadPoint[];
  framing: FramingResponse;
  engagement: EngagementSnapshot[];
  items: { total: number; items: Item[]; nextCursor: string | null };
}

export interface FramingTimelineCell extends FramingCell {
  previousCount: number;
  previousShare: number | null;
  shareChange: number | null;
}

export interface FramingTimelineResponse {
  interval: 'day' | 'week';
  sides: string[];
  frames: string[];
  buckets: { start: string; sides: { side: string; items: number }[]; cells: FramingTimelineCell[] }[];
}

/** An item's media as the API shows it: placeholders for sensitive media until revealed. */
export interface MediaView {
  type: string;
  url?: string;
  thumbnailUrl?: string;
  durationSec?: number;
  sensitive?: boolean;
  hidden?: boolean;
}

export interface RevealResponse {
  itemId: string;
  sensitive: boolean;
  revealedUntil: string;
  media: { index: number; type: string; url: string | null; thumbnailUrl: string | null; durationSec: number | null }[];
}

export interface PipelineStatus {
  sourceId: string;
  runId: string;
  state: 'running' | 'succeeded' | 'failed' | 'skipped';
  startedAt: string;
  finishedAt?: string;
  counts?: { fetched: number; created: number; updated: number; unchanged: number; skipped: number };
  error?: string;
}

export interface ImportResult {
  records?: number;
  bytesRead?: number;
  counts?: { created: number; updated: number; unchanged: number; invalid?: number; skipped?: number };
  error?: { code: string; message: string; statusCode: number };
}

export interface User {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

export type SavedViewKind = 'search' | 'overview' | 'framing' | 'releases';

export interface SavedView {
  id: string;
  name: string;
  kind: SavedViewKind;
  query: Record<string, string>;
  owner: { id: string; name: string };
  shared: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface EventMarker {
  id: string;
  at: string;
  label: string;
  description: string | null;
  sides: string[];
  createdBy: { id: string; name: string };
  createdAt: string;
  updatedAt: string;
}

export interface MarkerInput {
  at: string;
  label: string;
  description?: string | null;
  sides?: string[];
}

export interface CodebookSpan {
  pattern: string;
  lang: string;
  text: string;
  start: number;
  end: number;
}

export interface CodebookExplanation {
  lang: string;
  frames: {
    frameId: string;
    matched: boolean;
    matches: CodebookSpan[];
    vetoed: (CodebookSpan & { vetoedBy: CodebookSpan })[];
    exclusions: CodebookSpan[];
  }[];
}

export interface CodebookFrame {
  id: string;
  label?: string;
  description?: string;
  patterns?: Record<string, string[]>;
  exclusions?: Record<string, string[]>;
}

export interface CodebookInForce {
  version: string;
  origin: 'default' | 'stored';
  savedAt: string | null;
  savedBy: string | null;
  codebook: { version?: string; frames?: CodebookFrame[] };
}

export interface AlertPage {
  total: number;
  alerts: StoredAlert[];
  nextCursor: string | null;
}

export interface AlertDelivery {
  id: string;
  alertId: string;
  ruleId: string;
  channel: 'webhook' | 'email';
  target: string;
  event: 'fired' | 'escalated';
  status: 'pending' | 'delivered' | 'failed';
  attempts: { at: string; ok: boolean; durationMs: number; statusCode: number | null; error: string | null }[];
  createdAt: string;
  updatedAt: string;
}

export interface RuleFilter {
  sides?: string[];
  platforms?: string[];
  kinds?: string[];
  sources?: string[];
  frames?: string[];
  langs?: string[];
  query?: string;
}

export interface RuleParams {
  windowHours?: number;
  pickups?: number[];
  distinctSources?: number[];
  distinctSides?: number[];
  summedViews?: number[];
  interval?: 'hour' | 'day' | 'week';
  baselineBuckets?: number;
  ratio?: number;
  minCount?: number;
  zScore?: number;
  points?: number;
  minItems?: number;
}

/** What POST /alerts/rules takes (PATCH takes the same but the type). */
export interface AlertRuleInput {
  name: string;
  type: AlertRuleType;
  enabled?: boolean;
  severity?: Severity;
  filter?: RuleFilter;
  params?: RuleParams;
  cooldownSec?: number;
  channels?: { dashboard?: boolean; webhooks?: string[]; emails?: string[] };
}

export interface AlertRule {
  id: string;
  name: string;
  type: AlertRuleType;
  enabled: boolean;
  severity: Severity;
  filter: RuleFilter;
  params: RuleParams;
  cooldownSec: number;
  channels: { dashboard: boolean; webhooks: string[]; emails: string[] };
  mutedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
}

export interface DryRunResult {
  from: string;
  to: string;
  notifications: number;
  digests: number;
  alerts: {
    key: string;
    at: string;
    level: number;
    summary: string;
    link: string;
    releaseId: string | null;
    itemIds: string[];
    metrics: Record<string, number>;
    thresholds: Record<string, number>;
    outcome: 'notify' | 'held';
  }[];
}

/** The alert:fired live event. */
export interface AlertFired {
  eventId?: string;
  alertId: string;
  ruleId: string;
  summary: string;
  ruleName?: string;
  ruleType?: AlertRuleType;
  severity?: string;
  level?: number;
  link?: string;
  event?: string;
  firedAt?: string;
}

export interface BriefingScope {
  query?: string;
  sides?: string[];
  sourceIds?: string[];
}

export interface BriefingMeta {
  id: string;
  status: 'draft' | 'final';
  title: string;
  period: { from: string; to: string; timeZone: string };
  scope: BriefingScope;
  asOf: string;
  trigger: 'manual' | 'schedule';
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  finalisedAt: string | null;
  finalisedBy: string | null;
  revisionOf: string | null;
  revisedBy: string | null;
  summary: string;
  releaseNotes: Record<string, string>;
}

export interface BriefingData {
  period: { from: string; to: string; timeZone: string };
  previousPeriod: { from: string; to: string; timeZone: string };
  asOf: string;
  headline: { label: string; current: number; previous: number }[];
  sides: { side: string; current: number; previous: number }[];
  releases: {
    summary: { id: string; title: string; side: string | null; url: string | null; pickups: number; spreadScore: number };
    spread: { pickups: number; distinctSources: number; distinctSides: number; summedViews: number };
    firstPerSide: { side: string; sourceId: string; sourceName: string; firstSeenAt: string; delaySec: number | null }[];
  }[];
  framing: {
    shifts: {
      side: string;
      frame: string;
      share: number;
      previousShare: number | null;
      change: number | null;
      count: number;
    }[];
  };
  sources: { id: string; name: string; side: string; platform: string; items: number; previousItems: number; status: string }[];
  alerts:
    | { available: true; items: { firedAt: string; severity: string; ruleName: string; summary: string }[] }
    | { available: false; reason: string };
  markers:
    | { available: true; items: { at: string; label: string; description: string | null; sides: string[] }[] }
    | { available: false; reason: string };
  quotes: {
    itemId: string;
    sourceName: string;
    side: string;
    lang: string;
    title: string;
    quote: string;
    url: string | null;
    publishedAt: string;
    collectedAt: string;
  }[];
  method: {
    sourcesCovered: number;
    sourcesWithItems: number;
    gaps: { sourceId: string; sourceName: string; lastRunAt: string | null; lastError: string | null }[];
    codebookVersion: string;
    scopeText: string;
    notes: string[];
  };
}

export interface Briefing extends BriefingMeta {
  data: BriefingData;
}

export interface BriefingRequest {
  from?: string;
  to?: string;
  title?: string;
  scope?: BriefingScope;
}

/** What the ingest spool holds while the store is unreachable (GET /readyz). */
export type { SpoolStatus } from '../../../server/spool/ingest-spool.js';
import type { SpoolStatus } from '../../../server/spool/ingest-spool.js';

/** GET /readyz: whether the store answers, and the spool when the server has one. */
export interface Readiness {
  ok: boolean;
  store: { backend: string; ok: boolean; latencyMs: number; detail?: string; items?: number };
  spool?: SpoolStatus;
}
