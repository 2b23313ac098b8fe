/**
 * Domain schemas (TypeBox): the one vocabulary shared by the store port, the API, the pipelines
 * and the client. See ARCHITECTURE.md for the meaning of each word.
 */
import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';

export const SIDES = ['UA', 'RU', 'KP', 'KR', 'US', 'EU', 'INTL', 'UNKNOWN'] as const;
export const PLATFORMS = ['telegram', 'youtube', 'rss', 'web', 'gdelt', 'import'] as const;
export const KINDS = ['video', 'post', 'statement', 'article'] as const;
export const SOURCE_TYPES = ['official', 'military', 'state_media', 'media', 'channel', 'ngo', 'aggregator'] as const;
export const MEDIA_TYPES = ['video', 'photo', 'document', 'audio', 'link'] as const;

const literals = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  ) as TUnion<TLiteral<T>[]>;

export const Side = literals(SIDES, 'The actor a source speaks for');
export const Platform = literals(PLATFORMS, 'Where an item was collected');
export const Kind = literals(KINDS, 'What an item is');
export const SourceType = literals(SOURCE_TYPES, 'What kind of voice a source is');
export const MediaType = literals(MEDIA_TYPES, 'Kind of attached media');

export type Side = Static<typeof Side>;
export type Platform = Static<typeof Platform>;
export type Kind = Static<typeof Kind>;
export type SourceType = Static<typeof SourceType>;

/** ISO-8601 instant with an explicit zone, e.g. 2026-01-21T08:30:00Z. */
export const Instant = Type.String({ format: 'date-time', maxLength: 40 });
const Id = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' });
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Url = Type.String({ format: 'uri', maxLength: 4096 });
const Lang = Type.String({ pattern: '^[a-z]{2,3}$', description: 'ISO 639-1/3 code' });

export const Engagement = Type.Object(
  {
    views: Type.Optional(Count),
    forwards: Type.Optional(Count),
    reactions: Type.Optional(Count),
    comments: Type.Optional(Count),
  },
  { additionalProperties: false },
);
export type Engagement = Static<typeof Engagement>;

export const Media = Type.Object(
  {
    type: MediaType,
    url: Type.Optional(Url),
    thumbnailUrl: Type.Optional(Url),
    durationSec: Type.Optional(Type.Number({ minimum: 0, maximum: 1e7 })),
  },
  { additionalProperties: false },
);
export type Media = Static<typeof Media>;

/**
 * Media as stored items and API answers carry them. The API never shows a sensitive item's links
 * unrevealed: they become `{ type, sensitive: true, hidden: true }` (see server/services/media.ts).
 */
export const MediaView = Type.Object({
  type: MediaType,
  url: Type.Optional(Type.String()),
  thumbnailUrl: Type.Optional(Type.String()),
  durationSec: Type.Optional(Type.Number()),
  sensitive: Type.Optional(Type.Boolean()),
  hidden: Type.Optional(Type.Boolean()),
});

/** A frame of the codebook found in an item, with the matched terms as evidence. */
export const FrameMatch = Type.Object(
  {
    frameId: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }),
    evidence: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 }),
  },
  { additionalProperties: false },
);
export type FrameMatch = Static<typeof FrameMatch>;

export const Entity = Type.Object(
  {
    type: Type.Union([
      Type.Literal('person'),
      Type.Literal('org'),
      Type.Literal('place'),
      Type.Literal('unit'),
      Type.Literal('other'),
    ]),
    name: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

/**
 * What a pipeline or API client submits. The store derives id, contentHash and searchable text;
 * collecting the same thing twice is a no-op (or an update when content or engagement changed).
 */
export const ItemInput = Type.Object(
  {
    platform: Platform,
    sourceId: Id,
    externalId: Id,
    kind: Kind,
    side: Type.Optional(Side),
    url: Type.Optional(Url),
    title: Type.Optional(Type.String({ maxLength: 2000 })),
    text: Type.String({ maxLength: 200_000 }),
    lang: Type.Optional(Lang),
    publishedAt: Instant,
    collectedAt: Type.Optional(Instant),
    editedAt: Type.Optional(Instant),
    media: Type.Optional(Type.Array(Media, { maxItems: 50 })),
    links: Type.Optional(
      Type.Array(Url, {
        maxItems: 100,
        description: 'Addresses the content links to, kept as data (including links whose anchor text hides the address)',
      }),
    ),
    engagement: Type.Optional(Engagement),
    frames: Type.Optional(Type.Array(FrameMatch, { maxItems: 50 })),
    entities: Type.Optional(Type.Array(Entity, { maxItems: 200 })),
    /** Id of the release (its first item) this item is a copy of, or its own id for an original. */
    releaseId: Type.Optional(Id),
    forwardedFrom: Type.Optional(Type.String({ maxLength: 500 })),
    sensitive: Type.Optional(Type.Boolean()),
    demo: Type.Optional(Type.Boolean({ description: 'Synthetic demo data, shown as such' })),
    raw: Type.Optional(Type.Unknown({ description: 'Original payload; stored, not indexed' })),
  },
  { additionalProperties: false },
);
export type ItemInput = Static<typeof ItemInput>;

export const Item = Type.Object({
  id: Type.String(),
  platform: Platform,
  sourceId: Type.String(),
  externalId: Type.String(),
  kind: Kind,
  side: Side,
  url: Type.Union([Type.String(), Type.Null()]),
  title: Type.String(),
  text: Type.String(),
  lang: Type.String(),
  publishedAt: Type.String(),
  collectedAt: Type.String(),
  editedAt: Type.Union([Type.String(), Type.Null()]),
  media: Type.Array(MediaView),
  /** Addresses the content links to; empty for a sensitive item that is not revealed (see MediaView). */
  links: Type.Array(Type.String()),
  engagement: Type.Object({
    views: Count,
    forwards: Count,
    reactions: Count,
    comments: Count,
  }),
  frames: Type.Array(FrameMatch),
  entities: Type.Array(Entity),
  releaseId: Type.Union([Type.String(), Type.Null()]),
  forwardedFrom: Type.Union([Type.String(), Type.Null()]),
  sensitive: Type.Boolean(),
  demo: Type.Boolean(),
  contentHash: Type.String(),
  raw: Type.Optional(Type.Unknown()),
});
export type Item = Static<typeof Item>;

export const EngagementSnapshot = Type.Object(
  {
    itemId: Id,
    at: Instant,
    views: Type.Optional(Count),
    forwards: Type.Optional(Count),
    reactions: Type.Optional(Count),
    comments: Type.Optional(Count),
  },
  { additionalProperties: false },
);
export type EngagementSnapshot = Static<typeof EngagementSnapshot>;

export const SourceInput = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,99}$', description: 'Stable slug' }),
    platform: Platform,
    handle: Type.Optional(Type.String({ maxLength: 200 })),
    url: Type.Optional(Url),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    side: Side,
    type: SourceType,
    country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
    lang: Type.Optional(Lang),
    schedule: Type.Optional(Type.String({ maxLength: 100, description: 'cron expression' })),
    enabled: Type.Optional(Type.Boolean()),
    releaseSource: Type.Optional(
      Type.Boolean({ description: 'Every item from this source opens a release unless it copies one' }),
    ),
    sensitive: Type.Optional(Type.Boolean({ description: 'Media from this source shows prisoners of war' })),
    verified: Type.Optional(Type.Boolean({ description: 'Handle or URL checked by an analyst' })),
    demo: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SourceInput = Static<typeof SourceInput>;

export const SourcePatch = Type.Partial(Type.Omit(SourceInput, ['id']), {
  additionalProperties: false,
});
export type SourcePatch = Static<typeof SourcePatch>;

export const Source = Type.Object({
  id: Type.String(),
  platform: Platform,
  handle: Type.Union([Type.String(), Type.Null()]),
  url: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  side: Side,
  type: SourceType,
  country: Type.Union([Type.String(), Type.Null()]),
  lang: Type.Union([Type.String(), Type.Null()]),
  schedule: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  releaseSource: Type.Boolean(),
  sensitive: Type.Boolean(),
  verified: Type.Boolean(),
  demo: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastRunAt: Type.Union([Type.String(), Type.Null()]),
  lastRunStatus: Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  /** Items this source's runs have created, all runs together. */
  itemsCollected: Type.Integer(),
});
export type Source = Static<typeof Source>;

/** A release: the first appearance of a piece of content; its id is its original item's id. */
export const Release = Type.Object({
  id: Type.String(),
  originalItemId: Type.String(),
  title: Type.String(),
  kind: Kind,
  side: Side,
  sourceId: Type.String(),
  publishedAt: Type.String(),
});
export type Release = Static<typeof Release>;

/** What one collection run of a source did; recorded on the source. */
export const SourceRun = Type.Object({
  at: Type.String(),
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
  error: Type.Union([Type.String(), Type.Null()]),
  created: Type.Integer({ minimum: 0 }),
  /** Collector state to keep for the next run (cursors, ETag); unchanged when absent. */
  state: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]))),
});
export type SourceRun = Static<typeof SourceRun>;
