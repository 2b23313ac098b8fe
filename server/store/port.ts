/**
 * The store port: the only door to Framewatch's data. Two adapters implement it (SQLite embedded,
 * Elasticsearch for production and scale-out) and one contract suite pins their answers.
 * Callers never ask which backend they have; differences show as capability flags.
 */
import type {
  EngagementSnapshot,
  Item,
  ItemInput,
  Kind,
  Platform,
  Side,
  Source,
  SourceInput,
  SourcePatch,
  SourceRun,
} from '../domain/schemas.js';
import type { AlertRepository } from './alerts/port.js';
import type { AuthRepository } from './auth/port.js';
import type { TeamRepository } from './team/port.js';
import type { SearchQueryAst } from './search-syntax.js';
import type { IndexedForms } from './prepare.js';

export type { AlertRepository } from './alerts/port.js';
export type { AuthRepository } from './auth/port.js';
export type { TeamRepository } from './team/port.js';

export interface ItemFilter {
  /** Inclusive lower bound on publishedAt (ISO instant). */
  from?: string;
  /** Exclusive upper bound on publishedAt (ISO instant). */
  to?: string;
  sides?: Side[];
  platforms?: Platform[];
  kinds?: Kind[];
  langs?: string[];
  sourceIds?: string[];
  frames?: string[];
  releaseIds?: string[];
  /** Full-text query, already parsed (see search-syntax.ts). */
  query?: SearchQueryAst;
  /**
   * Inclusive upper bound on collectedAt (ISO instant): the store as it was at that moment, for
   * reports that must reflect one point in time (briefings). Items re-collected later drop out.
   */
  collectedBefore?: string;
}

export type SearchSort = 'time' | 'relevance' | 'views';

export interface SearchRequest {
  filter: ItemFilter;
  sort: SearchSort;
  limit: number;
  /** Opaque cursor from a previous page's nextCursor. */
  cursor?: string;
}

/** A snippet as segments, so clients render matches as text (never as markup). */
export interface Snippet {
  field: 'title' | 'text';
  segments: { text: string; match: boolean }[];
}

export interface SearchHit {
  item: Omit<Item, 'raw'>;
  score: number | null;
  snippets: Snippet[];
}

export interface SearchPage {
  total: number;
  hits: SearchHit[];
  nextCursor: string | null;
}

export type Interval = 'hour' | 'day' | 'week';
export type SplitField = 'side' | 'platform' | 'kind' | 'frame';
export type TermsField = 'source' | 'side' | 'lang' | 'frame' | 'platform' | 'kind';

export interface TimelineRequest {
  filter: ItemFilter;
  interval: Interval;
  split?: SplitField;
}

export interface TimelineBucket {
  /** Start of the bucket (UTC; weeks start on Monday). */
  start: string;
  total: number;
  /** Counts per split value (only when a split was asked for); an item with several frames counts once per frame. */
  split: Record<string, number>;
}

export interface Timeline {
  interval: Interval;
  split: SplitField | null;
  buckets: TimelineBucket[];
}

export interface TermsRequest {
  filter: ItemFilter;
  field: TermsField;
  size: number;
}

export interface TermsResult {
  field: TermsField;
  /** Items matching the filter. */
  total: number;
  /** Sorted by count (desc), then key (asc). */
  buckets: { key: string; count: number }[];
}

export interface FramingCell {
  side: string;
  frame: string;
  count: number;
  /** count / items of the side (0..1). */
  share: number;
}

export interface FramingMatrix {
  sides: { side: string; items: number }[];
  frames: string[];
  cells: FramingCell[];
}

export interface ReleaseSpreadRequest {
  releaseId: string;
  interval: Interval;
  /** Only items collected up to this instant (see ItemFilter.collectedBefore). */
  collectedBefore?: string;
}

export interface ReleaseSpread {
  releaseId: string;
  original: Omit<Item, 'raw'> | null;
  /** Copies: items of the release other than its original. */
  pickups: number;
  distinctSources: number;
  distinctSides: number;
  distinctLangs: number;
  /** Latest views of the original and its copies. */
  summedViews: number;
  firstSeenPerSide: { side: string; firstSeenAt: string; itemId: string; delaySec: number | null }[];
  /** The cascade: each source's first item of the release, earliest first. */
  firstSeenPerSource: { sourceId: string; side: string; firstSeenAt: string; itemId: string; delaySec: number | null }[];
  /** Copies per bucket and running totals. */
  curve: { start: string; pickups: number; cumulativePickups: number; views: number; cumulativeViews: number }[];
}

export type ReleaseSort = 'spread' | 'pickups' | 'views' | 'recency';

export interface ListReleasesRequest {
  /**
   * from/to bound a release's firstSeenAt (its earliest item, normally the original); every other
   * field selects releases with at least one item matching it. Metrics always cover every item
   * (collectedBefore excepted: it bounds the metrics too, the store as it was then).
   */
  filter: ItemFilter;
  /** All descending; ties break on firstSeenAt, then id (both descending). recency = firstSeenAt. */
  sort: ReleaseSort;
  limit: number;
  /** Opaque cursor from a previous page's nextCursor. */
  cursor?: string;
}

/** A release: the items whose releaseId is its id (the original carries its own id). */
export interface ReleaseSummary {
  id: string;
  original: Omit<Item, 'raw'> | null;
  /** Items of the release other than its original. */
  pickups: number;
  distinctSources: number;
  distinctSides: number;
  distinctLangs: number;
  /** Latest views of the original and its copies. */
  summedViews: number;
  firstSeenAt: string;
  lastSeenAt: string;
  /** log2(1 + pickups) x distinctSides x (1 + log2(distinctLangs)), rounded to 4 decimals (see shared.ts spreadScore). */
  spreadScore: number;
}

export interface ReleasePage {
  /** Releases matching the filter. */
  total: number;
  releases: ReleaseSummary[];
  nextCursor: string | null;
}

export interface FramingTimelineRequest {
  filter: ItemFilter;
  interval: 'day' | 'week';
}

export interface FramingTimelineCell {
  side: string;
  frame: string;
  count: number;
  /** count / items of the side in this bucket (0..1). */
  share: number;
  /** The previous bucket's count (0 when the frame was absent there). */
  previousCount: number;
  /** The previous bucket's share; null when the side had no items in the previous bucket. */
  previousShare: number | null;
  /** share - previousShare; null when previousShare is null. */
  shareChange: number | null;
}

export interface FramingTimelineBucket {
  /** Start of the bucket (UTC; weeks start on Monday). */
  start: string;
  sides: { side: string; items: number }[];
  /** Cells with a count in this bucket or the previous one; sorted by side, then frame. */
  cells: FramingTimelineCell[];
}

export interface FramingTimeline {
  interval: 'day' | 'week';
  sides: string[];
  frames: string[];
  /** Zero-filled over the filter's range (or the data's). */
  buckets: FramingTimelineBucket[];
}

/** A framing codebook version as stored (its content is validated before it is saved). */
export interface StoredCodebook {
  version: string;
  codebook: unknown;
  savedAt: string;
  /** Who saved it (user name or token label). */
  savedBy: string;
}

export type BriefingStatus = 'draft' | 'final';

/** What a briefing covers besides its period: a topic query (search syntax), sides, sources. */
export interface BriefingScope {
  query?: string;
  sides?: Side[];
  sourceIds?: string[];
}

/** A stored briefing: its inputs, the analysts' text and the gathered numbers its formats render from. */
export interface BriefingRecord {
  id: string;
  status: BriefingStatus;
  title: string;
  /** [from, to) as UTC instants, and the zone the period was reckoned in. */
  period: { from: string; to: string; timeZone: string };
  scope: BriefingScope;
  /** The point in time the briefing reflects: every query carried collectedBefore = asOf. */
  asOf: string;
  trigger: 'manual' | 'schedule';
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  finalisedAt: string | null;
  finalisedBy: string | null;
  /** The briefing this one revises, and the one that revised it. */
  revisionOf: string | null;
  revisedBy: string | null;
  summary: string;
  /** Analyst notes per release id. */
  releaseNotes: Record<string, string>;
  /** Gathered numbers (server/briefings/types.ts BriefingData), stored as written. */
  data: unknown;
}

export interface BriefingPage {
  total: number;
  /** Newest first (createdAt, then id). */
  briefings: BriefingRecord[];
}

export type UpsertStatus = 'created' | 'updated' | 'unchanged';

export interface UpsertResult {
  index: number;
  id: string;
  status: UpsertStatus;
  /** The item as stored, for created and updated results (publishers need it without a read-back). */
  item?: Omit<Item, 'raw'>;
}

export interface StoreHealth {
  ok: boolean;
  backend: string;
  latencyMs: number;
  detail?: string;
  items?: number;
}

export interface StoreCapabilities {
  /** Several machines can serve and store (cluster). */
  distributed: boolean;
  /** Writes are visible to search immediately (no refresh interval). */
  immediateVisibility: boolean;
  /** Several writes may run at once (callers can overlap their own work with the store's). */
  concurrentWrites: boolean;
  /** Deepest page search can reach with cursors (Infinity when unbounded). */
  maxCursorDepth: number;
}

export interface Store {
  readonly capabilities: StoreCapabilities;
  /** Users, sessions, API tokens and the audit log. */
  readonly auth: AuthRepository;
  /** Alert rules, the alerts they fired and their delivery log. */
  readonly alerts: AlertRepository;
  /** Saved views and event markers. */
  readonly team: TeamRepository;
  /** Create or migrate storage; safe to call on every start. */
  init(): Promise<void>;
  close(): Promise<void>;
  health(): Promise<StoreHealth>;
  /** Make every acknowledged write visible to search (tests, imports). */
  sync(): Promise<void>;

  /**
   * Inputs are validated before this call; one result per input, in order. `indexed` may give,
   * per input, the indexed forms of its title and text computed beforehand (the collection
   * pipeline folds them anyway); each is used only if it was made from the input's own title and text.
   */
  upsertItems(inputs: ItemInput[], now?: Date, indexed?: (IndexedForms | undefined)[]): Promise<UpsertResult[]>;
  getItems(ids: string[]): Promise<Item[]>;
  countItems(filter?: ItemFilter): Promise<number>;
  appendSnapshots(snapshots: EngagementSnapshot[]): Promise<number>;
  getSnapshots(itemId: string): Promise<EngagementSnapshot[]>;

  searchItems(request: SearchRequest): Promise<SearchPage>;
  timeline(request: TimelineRequest): Promise<Timeline>;
  terms(request: TermsRequest): Promise<TermsResult>;
  framingMatrix(filter: ItemFilter): Promise<FramingMatrix>;
  releaseSpread(request: ReleaseSpreadRequest): Promise<ReleaseSpread>;
  /** Releases with their spread metrics, sorted and paged (see ListReleasesRequest). */
  listReleases(request: ListReleasesRequest): Promise<ReleasePage>;
  /** Side x frame counts and shares per day or week, with the change against the previous bucket. */
  framingTimeline(request: FramingTimelineRequest): Promise<FramingTimeline>;

  listSources(): Promise<Source[]>;
  getSource(id: string): Promise<Source | null>;
  createSource(input: SourceInput, now?: Date): Promise<Source>;
  updateSource(id: string, patch: SourcePatch, now?: Date): Promise<Source>;
  deleteSource(id: string): Promise<void>;
  /** Records a collection run: last run, status, error, items created, and the collector's state. */
  recordSourceRun(id: string, run: SourceRun): Promise<Source>;
  /** The collector state a source's last run left (cursors, ETag). */
  getSourceState(id: string): Promise<Record<string, string | number | null>>;

  /** Stores a new briefing; an existing id is a ConflictError. */
  createBriefing(record: BriefingRecord): Promise<void>;
  getBriefing(id: string): Promise<BriefingRecord | null>;
  listBriefings(request: { limit: number; offset: number }): Promise<BriefingPage>;
  /**
   * Replaces a briefing only while its stored updatedAt is the given one (optimistic concurrency);
   * false when it changed meanwhile. Immutability of final briefings is the service's rule.
   */
  replaceBriefing(record: BriefingRecord, expectedUpdatedAt: string): Promise<boolean>;

  /** Stores a new codebook version; a version that exists already is a ConflictError. */
  saveCodebook(record: StoredCodebook): Promise<void>;
  /** Stored codebook versions, newest first (the first is the one in force). */
  listCodebooks(limit: number): Promise<StoredCodebook[]>;

  /**
   * Takes the lock `name` for `owner` until now + ttlMs, for work that must happen once among the
   * instances sharing this store (a scheduled job's tick). True when the lock was free, expired, or
   * already this owner's (its expiry then moves); false while another owner holds it. Atomic: of
   * concurrent callers with different owners, one wins.
   */
  tryLock(name: string, owner: string, ttlMs: number, now?: Date): Promise<boolean>;
  /** Gives the lock up if `owner` holds it (true); false when it is not held or held by another owner. */
  releaseLock(name: string, owner: string): Promise<boolean>;
}
