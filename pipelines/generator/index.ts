/**
 * Deterministic synthetic data for Framewatch: the demo dataset, the contract-test corpus and the
 * benchmarks. Same seed and options give the same items, byte for byte, so nothing here may read
 * the clock or Math.random; the caller passes the start date.
 *
 * Items come out in publication order from a sync generator, so a million of them stream through
 * in constant memory: the only state is one counter per source and the releases young enough to
 * still be copied.
 */
import type {
  EngagementSnapshot,
  FrameMatch,
  ItemInput,
  Kind,
  Platform,
  Side,
  SourceInput,
  SourceType,
} from '../../server/domain/schemas.js';
import { mix32 } from '../hashing.js';
import { itemId } from '../../server/store/prepare.js';
import {
  CLOSERS,
  CONTEXT,
  FRAME_IDS,
  FRAME_SENTENCES,
  HEADLINES,
  LEADS,
  OPENERS,
  parseFramePhrase,
  phrasesFor,
  type FrameId,
  type FramePhrase,
  type StoryId,
  type Voice,
} from './phrases.js';

export { FRAME_IDS, STORY_IDS, type FrameId, type StoryId } from './phrases.js';

/** Every URL the generator emits lives here, so nothing synthetic can be mistaken for a real link. */
export const DEMO_BASE_URL = 'https://demo.framewatch.example';

// ---------------------------------------------------------------------------------------------
// Random numbers

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Index drawn with probability proportional to its weight; -1 when all weights are 0. */
  weightedIndex(weights: ArrayLike<number>): number;
  weighted<T>(items: readonly T[], weights: ArrayLike<number>): T;
  /** Standard normal (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  /** Log-normal given its median: heavy right tail, as view counts and delays have. */
  logNormal(median: number, sigma: number): number;
  /** An independent stream derived from this one's seed and a salt. */
  fork(salt: number): Rng;
}

function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: tiny, fast, and good enough for synthetic data (not for anything secret). */
export function createRng(seed: number): Rng {
  const base = mix32(Math.trunc(seed) >>> 0);
  let state = base;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const weightedIndex = (weights: ArrayLike<number>): number => {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i] ?? 0;
    if (!(total > 0)) return -1;
    let r = next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] ?? 0;
      if (r < 0) return i;
    }
    // Floating-point leftovers land on the last positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] ?? 0) > 0) return i;
    return -1;
  };
  const normal = (mean = 0, sd = 1): number => {
    const u = 1 - next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    weightedIndex,
    weighted: <T>(items: readonly T[], weights: ArrayLike<number>): T => {
      const i = weightedIndex(weights);
      if (i < 0) throw new RangeError('weighted pick with no positive weight');
      return items[i] as T;
    },
    normal,
    logNormal: (median, sigma) => median * Math.exp(sigma * normal()),
    fork: (salt) => createRng(mix32(base ^ mix32(salt >>> 0))),
  };
  return rng;
}

// ---------------------------------------------------------------------------------------------
// Sources

interface SourceSpec extends SourceInput {
  lang: string;
  /** Relative posting rate. */
  activity: number;
  /** Audience size relative to a typical source of its platform. */
  reach: number;
}

const src = (
  id: string,
  platform: Platform,
  name: string,
  side: Side,
  type: SourceType,
  country: string | undefined,
  lang: string,
  activity: number,
  reach: number,
): SourceSpec => {
  const handle = id.replace(/^[a-z]+-/u, '').replace(/-/gu, '_');
  return {
    id,
    platform,
    handle,
    url: platform === 'telegram' ? `${DEMO_BASE_URL}/t/${handle}` : `${DEMO_BASE_URL}/${platform}/${id}`,
    name: `${name} (demo)`,
    side,
    type,
    ...(country ? { country } : {}),
    lang,
    demo: true,
    activity,
    reach,
  };
};

// Names are generic on purpose: plausible roles, never the handle of a real channel or outlet.
const SOURCES: readonly SourceSpec[] = [
  src('ua-president-statements', 'rss', 'Presidential Office statements', 'UA', 'official', 'UA', 'uk', 0.6, 1),
  src('ua-pow-hq', 'telegram', 'POW Coordination HQ channel', 'UA', 'official', 'UA', 'uk', 1.2, 1.5),
  src('ua-special-ops', 'telegram', 'Special Operations Forces channel', 'UA', 'military', 'UA', 'uk', 1.5, 2),
  src('ua-defence-video', 'youtube', 'Defence Ministry Video', 'UA', 'military', 'UA', 'uk', 0.5, 2),
  src('ua-frontline-digest', 'telegram', 'Frontline Digest', 'UA', 'channel', 'UA', 'uk', 3, 1.5),
  src('ua-kyiv-daily', 'web', 'Kyiv Daily', 'UA', 'media', 'UA', 'uk', 2, 0.8),
  src('ru-mfa-statements', 'rss', 'Russian Foreign Ministry statements', 'RU', 'official', 'RU', 'ru', 0.6, 1),
  src('ru-state-agency', 'web', 'State News Agency', 'RU', 'state_media', 'RU', 'ru', 2.5, 1.2),
  src('ru-state-tv', 'youtube', 'State TV Channel', 'RU', 'state_media', 'RU', 'ru', 0.8, 2),
  src('ru-war-notes', 'telegram', 'War Correspondent Notes', 'RU', 'channel', 'RU', 'ru', 3, 2),
  src('kp-central-agency', 'rss', 'DPRK Central News Agency', 'KP', 'state_media', 'KP', 'ko', 0.8, 0.3),
  src('kp-foreign-ministry', 'rss', 'DPRK Foreign Ministry statements', 'KP', 'official', 'KP', 'ko', 0.3, 0.3),
  src('kr-intel-briefings', 'rss', 'National Intelligence Service briefings', 'KR', 'official', 'KR', 'ko', 0.4, 1),
  src('kr-news-agency', 'web', 'Seoul News Agency', 'KR', 'media', 'KR', 'ko', 2.5, 1),
  src('kr-broadcast', 'youtube', 'Seoul Broadcast News', 'KR', 'media', 'KR', 'ko', 1, 2),
  src('kr-defector-ngo', 'web', 'Defectors Support Network', 'KR', 'ngo', 'KR', 'ko', 0.4, 0.3),
  src('us-state-dept', 'rss', 'State Department press statements', 'US', 'official', 'US', 'en', 0.4, 1),
  src('us-news-wire', 'gdelt', 'US News Wire', 'US', 'media', 'US', 'en', 2, 1),
  src('eu-external-action', 'rss', 'EU External Action statements', 'EU', 'official', 'BE', 'en', 0.4, 0.8),
  src('eu-berlin-news', 'gdelt', 'Berlin Morning News', 'EU', 'media', 'DE', 'de', 1, 0.8),
  src('eu-paris-daily', 'gdelt', 'Paris Daily', 'EU', 'media', 'FR', 'fr', 1, 0.8),
  src('intl-humanitarian', 'rss', 'International Humanitarian Committee', 'INTL', 'ngo', 'CH', 'en', 0.3, 0.8),
  src('intl-rights-monitor', 'web', 'Rights Monitor', 'INTL', 'ngo', undefined, 'en', 0.4, 0.8),
  src('intl-osint', 'telegram', 'OSINT Aggregator', 'INTL', 'aggregator', undefined, 'en', 2, 1.5),
  src('intl-wire', 'gdelt', 'International Wire', 'INTL', 'media', undefined, 'en', 2, 1.2),
];

/** The demo source registry: every side and platform the generator writes for. */
export function demoSources(): SourceInput[] {
  return SOURCES.map(({ activity: _a, reach: _r, ...source }) => ({ ...source }));
}

const voiceOf = (s: SourceSpec): Voice => (s.side === 'KP' ? 'ko@KP' : (s.lang as Voice));

// ---------------------------------------------------------------------------------------------
// Stories, sides and frames

type EntitySpec = NonNullable<ItemInput['entities']>[number];

interface StorySpec {
  id: StoryId;
  /** Share of releases that start this story. */
  weight: number;
  origin: (s: SourceSpec) => boolean;
  /** Probability that an original on a platform that can carry video is one. */
  video: number;
  /** The footage shows prisoners: video items of this story are flagged sensitive. */
  sensitive: boolean;
  boosts: Partial<Record<FrameId, number>>;
  entities: EntitySpec[];
}

const KURSK: EntitySpec = { type: 'place', name: 'Kursk' };
const KPA: EntitySpec = { type: 'org', name: "Korean People's Army" };
const PYONGYANG: EntitySpec = { type: 'place', name: 'Pyongyang' };
const MOSCOW: EntitySpec = { type: 'place', name: 'Moscow' };

const STORIES: readonly StorySpec[] = [
  {
    id: 'interrogation_video',
    weight: 3,
    origin: (s) => s.side === 'UA' && (s.type === 'official' || s.type === 'military') && s.platform !== 'rss',
    video: 1,
    sensitive: true,
    boosts: { cannon_fodder: 2, alliance_exposure: 2, exchange_offer: 1.5, denial_fabrication: 1.5, pow_rights: 1.5 },
    entities: [KURSK, KPA],
  },
  {
    id: 'exchange_offer',
    weight: 2,
    origin: (s) => s.side === 'UA' && s.type === 'official',
    video: 0.4,
    sensitive: false,
    boosts: { exchange_offer: 5, pow_rights: 1.5 },
    entities: [{ type: 'place', name: 'Kyiv' }, PYONGYANG],
  },
  {
    id: 'capture_report',
    weight: 1.5,
    origin: (s) => s.side === 'UA' && s.type === 'military',
    video: 0.5,
    sensitive: true,
    boosts: { alliance_exposure: 2, cannon_fodder: 2 },
    entities: [KURSK, KPA],
  },
  {
    id: 'denial_statement',
    weight: 2,
    origin: (s) => (s.side === 'RU' || s.side === 'KP') && (s.type === 'official' || s.type === 'state_media'),
    video: 0.3,
    sensitive: false,
    boosts: { denial_fabrication: 5 },
    entities: [MOSCOW, PYONGYANG],
  },
  {
    id: 'defection_briefing',
    weight: 1,
    origin: (s) => s.side === 'KR' && s.type === 'official',
    video: 0,
    sensitive: false,
    boosts: { defection_asylum: 5 },
    entities: [
      { type: 'place', name: 'Seoul' },
      { type: 'org', name: 'National Intelligence Service' },
    ],
  },
  {
    id: 'rights_appeal',
    weight: 1,
    origin: (s) => s.side === 'INTL' && s.type === 'ngo',
    video: 0,
    sensitive: false,
    boosts: { pow_rights: 5 },
    entities: [{ type: 'other', name: 'Geneva Conventions' }],
  },
  {
    id: 'alliance_condemnation',
    weight: 1,
    origin: (s) => (s.side === 'US' || s.side === 'EU' || s.side === 'KR') && s.type === 'official',
    video: 0,
    sensitive: false,
    boosts: { alliance_exposure: 3, escalation_security: 3 },
    entities: [MOSCOW, PYONGYANG],
  },
  {
    id: 'frontline_report',
    weight: 1.5,
    origin: (s) => (s.side === 'UA' || s.side === 'RU') && (s.type === 'channel' || s.type === 'military'),
    video: 0.5,
    sensitive: false,
    boosts: { cannon_fodder: 2, brotherhood_heroism: 2 },
    entities: [KURSK],
  },
];

type Weights<K extends string> = Partial<Record<K, number>>;

// How each side tends to frame the topic; the story's boosts sharpen it per item.
const SIDE_FRAMES: Record<Side, Weights<FrameId>> = {
  UA: {
    exchange_offer: 3,
    alliance_exposure: 3,
    cannon_fodder: 2,
    defection_asylum: 1,
    pow_rights: 1.5,
    escalation_security: 1,
    denial_fabrication: 0.2,
    brotherhood_heroism: 0.1,
  },
  RU: {
    denial_fabrication: 3,
    brotherhood_heroism: 2,
    escalation_security: 1.2,
    alliance_exposure: 0.4,
    exchange_offer: 0.5,
    cannon_fodder: 0.1,
    pow_rights: 0.3,
    defection_asylum: 0.1,
  },
  KP: {
    denial_fabrication: 3,
    brotherhood_heroism: 3,
    escalation_security: 1.5,
    alliance_exposure: 0.3,
    exchange_offer: 0.2,
    defection_asylum: 0.2,
  },
  KR: {
    defection_asylum: 3,
    alliance_exposure: 2,
    escalation_security: 2,
    pow_rights: 1,
    exchange_offer: 1,
    cannon_fodder: 1,
    denial_fabrication: 0.3,
    brotherhood_heroism: 0.2,
  },
  US: {
    alliance_exposure: 3,
    escalation_security: 2.5,
    pow_rights: 1,
    cannon_fodder: 1,
    exchange_offer: 0.5,
    defection_asylum: 0.5,
    denial_fabrication: 0.2,
  },
  EU: {
    alliance_exposure: 2.5,
    escalation_security: 2,
    pow_rights: 1.5,
    cannon_fodder: 1,
    exchange_offer: 1,
    defection_asylum: 0.5,
    denial_fabrication: 0.2,
  },
  INTL: {
    pow_rights: 3,
    exchange_offer: 1.5,
    defection_asylum: 1,
    alliance_exposure: 1,
    cannon_fodder: 0.7,
    escalation_security: 1,
    denial_fabrication: 0.4,
    brotherhood_heroism: 0.2,
  },
  UNKNOWN: {},
};

// Which stories a side talks about when it is not copying a release.
const SIDE_STORIES: Record<Side, Weights<StoryId>> = {
  UA: {
    interrogation_video: 2,
    exchange_offer: 2,
    capture_report: 2,
    frontline_report: 2.5,
    denial_statement: 0.5,
    alliance_condemnation: 1,
    defection_briefing: 0.7,
    rights_appeal: 0.5,
  },
  RU: {
    denial_statement: 3,
    frontline_report: 3,
    interrogation_video: 1.5,
    exchange_offer: 0.7,
    alliance_condemnation: 0.8,
    defection_briefing: 0.3,
    rights_appeal: 0.3,
    capture_report: 0.5,
  },
  KP: {
    denial_statement: 3,
    frontline_report: 2,
    alliance_condemnation: 1.5,
    interrogation_video: 0.5,
    exchange_offer: 0.3,
    defection_briefing: 0.5,
  },
  KR: {
    defection_briefing: 3,
    interrogation_video: 2,
    alliance_condemnation: 1.5,
    exchange_offer: 1.5,
    capture_report: 1,
    frontline_report: 1,
    denial_statement: 0.8,
    rights_appeal: 1,
  },
  US: {
    alliance_condemnation: 3,
    interrogation_video: 1,
    exchange_offer: 1,
    frontline_report: 1,
    rights_appeal: 0.7,
    defection_briefing: 0.7,
    capture_report: 0.5,
    denial_statement: 0.5,
  },
  EU: {
    alliance_condemnation: 2.5,
    interrogation_video: 1,
    exchange_offer: 1,
    frontline_report: 1,
    rights_appeal: 1,
    defection_briefing: 0.7,
    capture_report: 0.5,
    denial_statement: 0.5,
  },
  INTL: {
    rights_appeal: 3,
    interrogation_video: 1.5,
    exchange_offer: 1.5,
    defection_briefing: 1,
    alliance_condemnation: 1,
    frontline_report: 1,
    capture_report: 0.7,
    denial_statement: 0.7,
  },
  UNKNOWN: {},
};

// How readily a side (row: the release's side) is picked up by another (column).
const AFFINITY: Record<Side, Weights<Side>> = {
  UA: { UA: 3, RU: 1.2, KP: 0.15, KR: 1.2, US: 0.8, EU: 1, INTL: 1.2 },
  RU: { UA: 1, RU: 3, KP: 0.6, KR: 0.6, US: 0.5, EU: 0.6, INTL: 0.8 },
  KP: { UA: 1, RU: 1.2, KP: 2, KR: 1.5, US: 0.6, EU: 0.6, INTL: 0.8 },
  KR: { UA: 1, RU: 0.6, KP: 0.3, KR: 3, US: 0.8, EU: 0.8, INTL: 1 },
  US: { UA: 1.2, RU: 1, KP: 0.5, KR: 1.2, US: 2, EU: 1.2, INTL: 1 },
  EU: { UA: 1.2, RU: 1, KP: 0.4, KR: 1, US: 1.2, EU: 2, INTL: 1 },
  INTL: { UA: 1, RU: 0.7, KP: 0.2, KR: 1, US: 1, EU: 1.2, INTL: 2 },
  UNKNOWN: {},
};

// ---------------------------------------------------------------------------------------------
// Precomputed tables: everything that depends only on (source, story) is resolved once.

const FRAME_PHRASES: Map<Voice, FramePhrase[]>[] = FRAME_IDS.map((frame) => {
  const byVoice = new Map<Voice, FramePhrase[]>();
  for (const voice of ['uk', 'ru', 'ko', 'ko@KP', 'en', 'de', 'fr'] as const) {
    const phrases = phrasesFor(FRAME_SENTENCES[frame], voice);
    if (phrases) byVoice.set(voice, phrases.map(parseFramePhrase));
  }
  return byVoice;
});

interface Table {
  /** Frame weights per source and story (0 where the voice has no sentence for the frame). */
  frames: Float64Array[][];
  /** Whether a source's voice can tell a story at all. */
  voiced: boolean[][];
  standaloneStory: Float64Array[];
  activity: Float64Array;
  originSources: { sources: number[]; weights: Float64Array }[];
  storyWeights: Float64Array;
}

const TABLE: Table = (() => {
  const frames = SOURCES.map((s) =>
    STORIES.map((story) => {
      const w = new Float64Array(FRAME_IDS.length);
      FRAME_IDS.forEach((frame, f) => {
        if (!FRAME_PHRASES[f]?.has(voiceOf(s))) return;
        w[f] = (SIDE_FRAMES[s.side][frame] ?? 0) * (story.boosts[frame] ?? 1);
      });
      return w;
    }),
  );
  const voiced = SOURCES.map((s) => STORIES.map((story) => phrasesFor(LEADS[story.id], voiceOf(s)) !== undefined));
  const standaloneStory = SOURCES.map((s, i) =>
    Float64Array.from(STORIES, (story, k) => (voiced[i]?.[k] ? (SIDE_STORIES[s.side][story.id] ?? 0) : 0)),
  );
  const originSources = STORIES.map((story) => {
    const sources = SOURCES.flatMap((s, i) => (story.origin(s) ? [i] : []));
    return { sources, weights: Float64Array.from(sources, (i) => SOURCES[i]?.activity ?? 0) };
  });
  return {
    frames,
    voiced,
    standaloneStory,
    activity: Float64Array.from(SOURCES, (s) => s.activity),
    originSources,
    storyWeights: Float64Array.from(STORIES, (s) => s.weight),
  };
})();

// ---------------------------------------------------------------------------------------------
// Timeline: more items by day than by night, and some days far busier than others.

const HOUR_MS = 3_600_000;
// Activity by UTC hour; the audiences of this topic sit between UTC+2 and UTC+9.
const HOURLY = [
  0.9, 1.1, 1.3, 1.4, 1.5, 1.5, 1.6, 1.6, 1.5, 1.4, 1.3, 1.3, 1.2, 1.1, 1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.4, 0.5, 0.7,
];

class Timeline {
  private readonly cum: Float64Array;
  private readonly bucketMs: number;
  private bucket = 0;

  constructor(
    rng: Rng,
    private readonly startMs: number,
    days: number,
  ) {
    const buckets = Math.max(1, Math.round(days * 24));
    this.bucketMs = (days * 24 * HOUR_MS) / buckets;
    this.cum = new Float64Array(buckets + 1);
    let dayWeight = 1;
    for (let b = 0; b < buckets; b++) {
      if (b % 24 === 0) dayWeight = rng.logNormal(1, 0.35) * (rng.chance(0.08) ? 2.5 : 1);
      const hour = new Date(startMs + b * this.bucketMs).getUTCHours();
      this.cum[b + 1] = (this.cum[b] ?? 0) + dayWeight * (HOURLY[hour] ?? 1);
    }
  }

  /** Time at quantile x of the activity curve; calls must come with non-decreasing x. */
  at(x: number): number {
    const cum = this.cum;
    const last = cum.length - 1;
    const target = x * (cum[last] ?? 0);
    while (this.bucket < last - 1 && (cum[this.bucket + 1] ?? 0) <= target) this.bucket++;
    const lo = cum[this.bucket] ?? 0;
    const hi = cum[this.bucket + 1] ?? lo;
    const within = hi > lo ? Math.min(1, Math.max(0, (target - lo) / (hi - lo))) : 0;
    return this.startMs + (this.bucket + within) * this.bucketMs;
  }
}

// ---------------------------------------------------------------------------------------------
// Generation

export interface GenerateOptions {
  seed: number;
  count: number;
  start: Date;
  days: number;
  /** Marks every item as synthetic demo data. */
  demo?: boolean;
}

/** Shares of the three roles an item can play; about 60% of items belong to a release. */
const P_ORIGINAL = 0.09;
const P_COPY = 0.52;
const MIN_COPY_DELAY_MS = 60_000;
const MAX_COPY_DELAY_MS = 10 * 24 * HOUR_MS;
/** Share of same-language Telegram pickups of a Telegram release that are plain forwards. */
const P_FORWARD = 0.6;

interface Release {
  id: string;
  t: number;
  source: number;
  story: number;
  voice: Voice;
  kind: Kind;
  text: string;
  frames: FrameMatch[];
  entities: EntitySpec[];
  sensitive: boolean;
  durationSec: number | undefined;
  /** 0..1: how eagerly others copy it; heavy-tailed, a few releases go viral. */
  virality: number;
}

interface Content {
  title: string | undefined;
  text: string;
  frames: FrameMatch[];
  entities: EntitySpec[];
}

function compose(rng: Rng, sourceIdx: number, storyIdx: number, kind: Kind, minFrames: number): Content {
  const source = SOURCES[sourceIdx] as SourceSpec;
  const story = STORIES[storyIdx] as StorySpec;
  const voice = voiceOf(source);
  const parts: string[] = [];
  const telegram = source.platform === 'telegram';

  const opener = phrasesFor(OPENERS, voice);
  if (opener && telegram && rng.chance(0.2)) parts.push(rng.pick(opener));
  const leads = phrasesFor(LEADS[story.id], voice);
  if (leads) parts.push(rng.pick(leads));

  const frames: FrameMatch[] = [];
  const weights = Float64Array.from(TABLE.frames[sourceIdx]?.[storyIdx] ?? []);
  const r = rng.next();
  const wanted = Math.max(minFrames, r < 0.15 ? 0 : r < 0.6 ? 1 : r < 0.9 ? 2 : 3);
  for (let n = 0; n < wanted; n++) {
    const f = rng.weightedIndex(weights);
    if (f < 0) break;
    weights[f] = 0;
    const phrase = rng.pick(FRAME_PHRASES[f]?.get(voice) ?? []);
    parts.push(phrase.text);
    frames.push({ frameId: FRAME_IDS[f] as FrameId, evidence: [...phrase.evidence] });
  }

  const context = phrasesFor(CONTEXT, voice);
  if (context && (kind === 'article' || kind === 'statement') && rng.chance(0.6)) parts.push(rng.pick(context));
  const closer = phrasesFor(CLOSERS, voice);
  if (closer && telegram && rng.chance(0.15)) parts.push(rng.pick(closer));

  // Telegram messages carry no title; everything else is published under a headline.
  const headlines = phrasesFor(HEADLINES[story.id], voice);
  const title = !telegram && headlines ? rng.pick(headlines) : undefined;
  const entities = story.entities.filter(() => rng.chance(0.7));
  return { title, text: parts.join(' '), frames, entities };
}

function kindFor(source: SourceSpec, video: boolean): Kind {
  switch (source.platform) {
    case 'youtube':
      return 'video';
    case 'telegram':
      return video ? 'video' : 'post';
    case 'rss':
      return source.type === 'official' || source.type === 'ngo' || source.type === 'military' ? 'statement' : 'article';
    default:
      return 'article';
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function b64(x: number, chars: number): string {
  let out = '';
  for (let i = 0; i < chars; i++) {
    out += B64[x & 63];
    x = Math.floor(x / 64);
  }
  return out;
}

/** YouTube-shaped 11-character id, unique per source for the first 2^32 videos (mix32 is a bijection). */
function videoId(salt: number, n: number): string {
  const unique = mix32((n + salt) >>> 0);
  return b64(unique, 6) + b64(mix32(unique ^ salt) >>> 2, 5);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function externalIdFor(source: SourceSpec, sourceIdx: number, counter: number, iso: string): string {
  switch (source.platform) {
    case 'telegram':
      return String(counter);
    case 'youtube':
      return videoId(mix32(sourceIdx + 1), counter);
    case 'rss':
      return `st-${pad(counter, 6)}`;
    case 'gdelt':
      return `${iso.slice(0, 19).replace(/[-:T]/gu, '')}-${counter}`;
    default:
      return `${iso.slice(0, 10).replace(/-/gu, '/')}/${counter}`;
  }
}

function urlFor(source: SourceSpec, externalId: string): string {
  switch (source.platform) {
    case 'telegram':
      return `${DEMO_BASE_URL}/t/${source.handle}/${externalId}`;
    case 'youtube':
      return `${DEMO_BASE_URL}/watch?v=${externalId}`;
    default:
      return `${DEMO_BASE_URL}/${source.platform}/${source.id}/${externalId}`;
  }
}

// Minutes from publication until a collector sees the item, by platform.
const COLLECT_DELAY_MIN: Record<Platform, number> = { telegram: 4, youtube: 15, rss: 20, web: 30, gdelt: 45, import: 60 };

type Role = 'original' | 'copy' | 'standalone';

function engagementFor(rng: Rng, source: SourceSpec, role: Role, virality: number): ItemInput['engagement'] {
  const boost = role === 'original' ? 3 * (0.5 + virality) : role === 'copy' ? 0.6 + virality : 1;
  const cap = (n: number) => Math.min(50_000_000, Math.max(0, Math.round(n)));
  switch (source.platform) {
    case 'telegram': {
      const views = cap(rng.logNormal(12_000 * source.reach * boost, 0.9));
      return {
        views,
        forwards: cap(views * (0.002 + rng.next() * 0.018) * (role === 'original' ? 3 : 1)),
        reactions: cap(views * (0.005 + rng.next() * 0.025)),
        comments: cap(views * rng.next() * 0.004),
      };
    }
    case 'youtube': {
      const views = cap(rng.logNormal(6_000 * source.reach * boost, 1.1));
      return {
        views,
        reactions: cap(views * (0.01 + rng.next() * 0.03)),
        comments: cap(views * (0.001 + rng.next() * 0.007)),
      };
    }
    // News sites often show a view counter; feeds and GDELT expose no engagement at all.
    case 'web':
      return { views: cap(rng.logNormal(2_500 * source.reach * boost, 1)) };
    default:
      return undefined;
  }
}

function durationFor(rng: Rng, sensitive: boolean): number {
  return Math.round(Math.min(3600, Math.max(15, rng.logNormal(sensitive ? 240 : 90, 0.6))));
}

/**
 * Streams `count` items over [start, start + days) in publication order. About 9% are originals
 * (releaseId = their own id), about half are copies of an earlier original (releaseId = its id),
 * the rest stand alone.
 */
export function* generateItems(opts: GenerateOptions): Generator<ItemInput, void, undefined> {
  const { count } = opts;
  const startMs = opts.start.getTime();
  if (!Number.isFinite(startMs)) throw new RangeError('start must be a valid date');
  if (!(opts.days > 0)) throw new RangeError('days must be positive');
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  const endMs = startMs + opts.days * 24 * HOUR_MS;

  // Separate streams so that, say, a change in text composition does not reshuffle the timeline.
  const root = createRng(opts.seed);
  const timeline = new Timeline(root.fork(1), startMs, opts.days);
  const rng = root.fork(2);
  const text = root.fork(3);
  const metrics = root.fork(4);

  const counters = SOURCES.map((s) => (s.platform === 'telegram' ? rng.int(2_000, 60_000) : rng.int(1, 5_000)));
  const demo = opts.demo === true ? { demo: true } : {};

  let releases: Release[] = [];
  let head = 0;
  const copyWeights = new Float64Array(SOURCES.length);

  /** The latest release published at least `delay` before t, or undefined. */
  const releaseBefore = (t: number, delay: number): Release | undefined => {
    const limit = t - delay;
    let lo = head;
    let hi = releases.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((releases[mid] as Release).t <= limit) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 ? releases[found] : undefined;
  };

  for (let i = 0; i < count; i++) {
    const t = Math.min(endMs - 1000, Math.max(startMs, Math.floor(timeline.at((i + rng.next()) / count) / 1000) * 1000));

    while (head < releases.length && t - (releases[head] as Release).t > MAX_COPY_DELAY_MS) head++;
    if (head > 4096 && head * 2 > releases.length) {
      releases = releases.slice(head);
      head = 0;
    }

    const roll = rng.next();
    let role: Role = roll < P_ORIGINAL ? 'original' : roll < P_ORIGINAL + P_COPY ? 'copy' : 'standalone';

    let release: Release | undefined;
    let sourceIdx = -1;
    if (role === 'copy') {
      // Delay first, then the release it points back to: copies cluster minutes to hours after
      // a release and thin out over days. Less viral releases are often passed over.
      for (let attempt = 0; attempt < 6; attempt++) {
        const delay = Math.min(MAX_COPY_DELAY_MS, Math.max(MIN_COPY_DELAY_MS, rng.logNormal(3 * HOUR_MS, 1.7)));
        const candidate = releaseBefore(t, delay);
        if (!candidate) continue;
        release = candidate;
        if (rng.chance(candidate.virality)) break;
      }
      if (release) {
        const age = t - release.t;
        const from = SOURCES[release.source] as SourceSpec;
        for (let j = 0; j < SOURCES.length; j++) {
          const s = SOURCES[j] as SourceSpec;
          let w = j === release.source || !TABLE.voiced[j]?.[release.story] ? 0 : s.activity * (AFFINITY[from.side][s.side] ?? 0);
          // The first hour belongs to channels of the same camp; feeds and wires come later.
          if (age < HOUR_MS)
            w *=
              (s.side === from.side ? 3 : 0.5) *
              (s.platform === 'telegram' ? 2 : s.platform === 'rss' || s.platform === 'gdelt' ? 0.3 : 1);
          else if (age > 24 * HOUR_MS && s.platform !== 'telegram') w *= 1.5;
          // Official feeds answer a release now and then; they rarely repeat it.
          if (s.platform === 'rss') w *= 0.3;
          copyWeights[j] = w;
        }
        sourceIdx = rng.weightedIndex(copyWeights);
      }
      if (sourceIdx < 0) {
        role = 'standalone';
        release = undefined;
      }
    }

    let storyIdx: number;
    if (role === 'original') {
      storyIdx = rng.weightedIndex(TABLE.storyWeights);
      const origin = TABLE.originSources[storyIdx] as Table['originSources'][number];
      sourceIdx = origin.sources[rng.weightedIndex(origin.weights)] as number;
    } else if (role === 'copy') {
      storyIdx = (release as Release).story;
    } else {
      sourceIdx = rng.weightedIndex(TABLE.activity);
      storyIdx = rng.weightedIndex(TABLE.standaloneStory[sourceIdx] as Float64Array);
    }
    const source = SOURCES[sourceIdx] as SourceSpec;
    const story = STORIES[storyIdx] as StorySpec;

    const publishedAt = new Date(t).toISOString();
    const counter = (counters[sourceIdx] ?? 0) + (source.platform === 'telegram' && rng.chance(0.1) ? rng.int(2, 4) : 1);
    counters[sourceIdx] = counter;
    const externalId = externalIdFor(source, sourceIdx, counter, publishedAt);
    const id = role === 'original' ? itemId(source.platform, source.id, externalId) : undefined;

    let kind: Kind;
    let content: Content;
    let forwardedFrom: string | undefined;
    let sensitive = false;
    let durationSec: number | undefined;
    if (role === 'copy' && release) {
      const from = SOURCES[release.source] as SourceSpec;
      const forward =
        source.platform === 'telegram' &&
        from.platform === 'telegram' &&
        voiceOf(source) === release.voice &&
        rng.chance(P_FORWARD);
      kind = kindFor(source, release.kind === 'video' && (forward || rng.chance(0.4)));
      if (forward) {
        forwardedFrom = from.name;
        content = {
          title: undefined,
          text: release.text,
          frames: release.frames.map((f) => ({ frameId: f.frameId, evidence: [...f.evidence] })),
          entities: release.entities,
        };
      } else content = compose(text, sourceIdx, storyIdx, kind, 0);
      // Re-posted footage shows the same prisoners as the original.
      sensitive = release.sensitive && kind === 'video';
      durationSec = kind === 'video' ? (sensitive ? release.durationSec : durationFor(metrics, false)) : undefined;
    } else {
      const video = role === 'original' ? rng.chance(story.video) : story.sensitive ? false : rng.chance(0.1);
      kind = kindFor(source, video);
      content = compose(text, sourceIdx, storyIdx, kind, role === 'original' ? 1 : 0);
      sensitive = role === 'original' && story.sensitive && kind === 'video';
      durationSec = kind === 'video' ? durationFor(metrics, sensitive) : undefined;
    }

    const virality = role === 'original' ? Math.min(1, 0.1 * Math.pow(1 - rng.next(), -0.8) * (story.sensitive ? 1.5 : 1)) : 0;
    const collectDelayS = Math.max(1, Math.round(metrics.logNormal(COLLECT_DELAY_MIN[source.platform], 0.8) * 60));
    const collectedAt = new Date(t + collectDelayS * 1000).toISOString();
    const engagement = engagementFor(metrics, source, role, role === 'copy' ? (release as Release).virality : virality);
    const mediaBase = `${DEMO_BASE_URL}/media/${source.id}/${externalId}`;

    const item: ItemInput = {
      platform: source.platform,
      sourceId: source.id,
      externalId,
      kind,
      side: source.side,
      url: urlFor(source, externalId),
      ...(content.title !== undefined ? { title: content.title } : {}),
      text: content.text,
      lang: source.lang,
      publishedAt,
      collectedAt,
      ...(durationSec !== undefined
        ? { media: [{ type: 'video' as const, url: `${mediaBase}.mp4`, thumbnailUrl: `${mediaBase}.jpg`, durationSec }] }
        : {}),
      ...(engagement ? { engagement } : {}),
      frames: content.frames,
      ...(content.entities.length > 0 ? { entities: content.entities.map((e) => ({ ...e })) } : {}),
      ...(role === 'original' ? { releaseId: id } : role === 'copy' ? { releaseId: (release as Release).id } : {}),
      ...(forwardedFrom !== undefined ? { forwardedFrom } : {}),
      ...(sensitive ? { sensitive: true } : {}),
      ...demo,
    };

    if (role === 'original') {
      releases.push({
        id: id as string,
        t,
        source: sourceIdx,
        story: storyIdx,
        voice: voiceOf(source),
        kind,
        text: content.text,
        frames: content.frames,
        entities: content.entities,
        sensitive,
        durationSec,
        virality,
      });
    }
    yield item;
  }
}

// ---------------------------------------------------------------------------------------------
// Engagement curves

export interface SnapshotOptions {
  seed?: number;
  /** Number of points; the last one carries the item's engagement figures. */
  points?: number;
  /** Span of the curve after publication. */
  hours?: number;
}

/**
 * A saturating growth curve from publication to `hours` later that ends at the item's engagement:
 * most views arrive in the first hours, as on Telegram and YouTube. Deterministic per item and seed.
 */
export function generateSnapshots(item: ItemInput, opts: SnapshotOptions = {}): EngagementSnapshot[] {
  const e = item.engagement;
  if (!e || (e.views ?? 0) + (e.forwards ?? 0) + (e.reactions ?? 0) + (e.comments ?? 0) === 0) return [];
  const id = itemId(item.platform, item.sourceId, item.externalId);
  const rng = createRng(hashString(id) ^ mix32((opts.seed ?? 0) >>> 0));
  const points = Math.max(1, Math.floor(opts.points ?? 12));
  const spanMs = (opts.hours ?? 72) * HOUR_MS;
  const t0 = Date.parse(item.publishedAt);
  const tauMs = rng.logNormal(6, 0.6) * HOUR_MS;
  const norm = 1 - Math.exp(-spanMs / tauMs);
  const keys = (['views', 'forwards', 'reactions', 'comments'] as const).filter((k) => e[k] !== undefined);
  const last: Record<(typeof keys)[number], number> = { views: 0, forwards: 0, reactions: 0, comments: 0 };

  const out: EngagementSnapshot[] = [];
  for (let k = 1; k <= points; k++) {
    // Quadratic spacing puts more points early, where the curve moves fastest.
    const dt = spanMs * (k / points) ** 2;
    const share = k === points ? 1 : (1 - Math.exp(-dt / tauMs)) / norm;
    const snapshot: EngagementSnapshot = { itemId: id, at: new Date(t0 + Math.round(dt)).toISOString() };
    for (const key of keys) {
      const final = e[key] ?? 0;
      const noisy = k === points ? final : Math.round(final * Math.min(1, share * (0.97 + rng.next() * 0.06)));
      last[key] = Math.min(final, Math.max(last[key], noisy));
      snapshot[key] = last[key];
    }
    out.push(snapshot);
  }
  return out;
}

export interface TelegramExportMessage {
  id: number;
  type: 'message';
  date: string;
  date_unixtime: string;
  text: string;
  text_entities: { type: 'plain'; text: string }[];
}

/**
 * A generated item as a message of a Telegram Desktop export (result.json): title and text as one
 * text, a local `date` without zone beside the trusted `date_unixtime`, and the text again as one
 * plain text entity, as the exporter writes them. For import tests and benchmarks.
 */
export function telegramExportMessage(item: ItemInput, id: number): TelegramExportMessage {
  const text = `${item.title ? `${item.title}\n` : ''}${item.text}`;
  const unix = Math.floor(Date.parse(item.publishedAt) / 1000);
  return {
    id,
    type: 'message',
    date: new Date(unix * 1000).toISOString().slice(0, 19),
    date_unixtime: String(unix),
    text,
    text_entities: [{ type: 'plain', text }],
  };
}
