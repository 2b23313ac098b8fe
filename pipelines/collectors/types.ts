/**
 * One interface for every collector: given a source (and the state it left last time), fetch
 * through the injected fetcher and return raw items. Collectors parse; enrichment
 * (pipelines/enrich) turns raw items into stored items.
 */
import type { EngagementSnapshot, Kind, Platform, Source } from '../../server/domain/schemas.js';
import type { Fetcher } from '../fetch/index.js';

export interface RawMedia {
  type: 'video' | 'photo' | 'document' | 'audio' | 'link';
  url?: string;
  thumbnailUrl?: string;
  durationSec?: number;
}

/** What a collector extracted from one message, entry or article, before enrichment. */
export interface RawItem {
  platform: Platform;
  sourceId: string;
  /** Stable id within the source (message id, video id, entry guid or canonical link). */
  externalId: string;
  kind: Kind;
  url?: string;
  title?: string;
  /** Plain text or markup; enrichment sanitizes it. */
  text: string;
  /** ISO-8601 with zone. */
  publishedAt: string;
  editedAt?: string;
  lang?: string;
  media?: RawMedia[];
  engagement?: { views?: number; forwards?: number; reactions?: number; comments?: number };
  /** Raw engagement strings as the platform printed them ("1.2K"). */
  engagementRaw?: Record<string, string>;
  forwardedFrom?: { name: string; url?: string };
  /** Links found in the content, absolute. */
  links?: string[];
  /** The original payload (HTML fragment, JSON entry); stored, never indexed or rendered. */
  raw: unknown;
}

/** Opaque per-source state a collector keeps between runs (cursors, ETag, Last-Modified). */
export type CollectorState = Record<string, string | number | null>;

export interface SkippedEntry {
  /** Where in the payload: message id, entry index, line number. */
  ref: string;
  reason: string;
}

export interface CollectResult {
  items: RawItem[];
  snapshots?: EngagementSnapshot[];
  skipped: SkippedEntry[];
  state: CollectorState;
  /** Nothing changed since last run (HTTP 304). */
  notModified?: boolean;
}

export interface CollectContext {
  source: Source;
  fetcher: Fetcher;
  state: CollectorState;
  now: Date;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

export interface Collector {
  /** The source platform this collector serves. */
  readonly platform: Platform;
  collect(context: CollectContext): Promise<CollectResult>;
}

/** A source-level failure (unavailable, renamed, not a feed); recorded on the source, never a crash. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}
