/** What a briefing holds: the numbers gathered once, from which every format renders. */
import type { FramingMatrix, ReleaseSpread, ReleaseSummary, Timeline } from '../store/port.js';
import type { Period } from './period.js';

export interface Comparison {
  label: string;
  current: number;
  previous: number;
}

export interface BriefingRelease {
  summary: Omit<ReleaseSummary, 'original'> & { title: string; sourceId: string | null; side: string | null; url: string | null };
  spread: Pick<ReleaseSpread, 'releaseId' | 'firstSeenPerSide' | 'firstSeenPerSource' | 'curve'> & {
    original: ReleaseSpread['original'];
    pickups: number;
    distinctSources: number;
    distinctSides: number;
    distinctLangs: number;
    summedViews: number;
  };
  /** Per side: the source that carried the release first there. */
  firstPerSide: { side: string; sourceId: string; sourceName: string; firstSeenAt: string; delaySec: number | null }[];
}

export interface FrameShift {
  side: string;
  frame: string;
  share: number;
  previousShare: number | null;
  /** share - previousShare (previousShare 0 when the side had items but not the frame); null without previous items. */
  change: number | null;
  count: number;
}

export interface BriefingQuote {
  itemId: string;
  sourceId: string;
  sourceName: string;
  side: string;
  lang: string;
  title: string;
  /** The original-language text, cut to a quote's length. */
  quote: string;
  url: string | null;
  publishedAt: string;
  collectedAt: string;
  views: number;
}

export interface BriefingSourceLine {
  id: string;
  name: string;
  side: string;
  platform: string;
  items: number;
  previousItems: number;
  /** new: created in the period; newly active: items now, none in the previous period. */
  status: 'new' | 'newly_active' | 'active';
}

export interface BriefingMarker {
  at: string;
  label: string;
  description: string | null;
  sides: string[];
}

export interface BriefingAlert {
  firedAt: string;
  severity: string;
  ruleName: string;
  summary: string;
}

export interface CollectionGap {
  sourceId: string;
  sourceName: string;
  lastRunAt: string | null;
  lastError: string | null;
}

export interface BriefingData {
  period: Period;
  previousPeriod: Period;
  asOf: string;
  headline: Comparison[];
  sides: { side: string; current: number; previous: number }[];
  timeline: Timeline;
  releases: BriefingRelease[];
  framing: { current: FramingMatrix; previous: FramingMatrix; shifts: FrameShift[] };
  sources: BriefingSourceLine[];
  alerts: { available: true; items: BriefingAlert[] } | { available: false; reason: string };
  markers: { available: true; items: BriefingMarker[] } | { available: false; reason: string };
  quotes: BriefingQuote[];
  method: {
    sourcesCovered: number;
    sourcesWithItems: number;
    gaps: CollectionGap[];
    codebookVersion: string;
    scopeText: string;
    notes: string[];
  };
}
