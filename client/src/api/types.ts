/** Response shapes of the /api/v1 routes the dashboard reads (mirrors server/routes/*.ts). */

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

export type Interval = 'hour' | 'day' | 'week';
export type SplitField = 'side' | 'platform' | 'kind' | 'frame';
export type TermsField = 'source' | 'side' | 'lang' | 'frame' | 'platform' | 'kind';

export interface TimelineBucket {
  start: string;
  total: number;
  split: Record<string, number>;
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

export interface FramingCell {
  side: string;
  frame: string;
  count: number;
  share: number;
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

export type ReleaseSort = 'spread' | 'pickups' | 'views' | 'recency';

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

/** An alert as GET /alerts lists it. */
export interface StoredAlert {
  id: string;
  ruleId: string;
  ruleName: string;
  severity: string;
  status: string;
  summary: string;
  firedAt: string;
}

export interface AlertFired {
  eventId?: string;
  alertId: string;
  ruleId: string;
  summary: string;
  severity?: string;
  firedAt?: string;
}
