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
  media: { type: string; url?: string; thumbnailUrl?: string; durationSec?: number }[];
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
