/**
 * Index templates with explicit mappings. Only core Elasticsearch features are used (the standard
 * analyzer, keyword/date/long fields, disabled objects), so the same templates work on a full
 * distribution and on the module-less node the tests start.
 */
import type { estypes } from '@elastic/elasticsearch';

/** Bump when a mapping changes incompatibly; a new versioned index is created behind the alias. */
export const MAPPING_VERSION = 1;

const keyword = { type: 'keyword' } as const;
const stored = { type: 'object', enabled: false } as const;
const date = { type: 'date', format: 'strict_date_optional_time' } as const;

export const ITEM_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  // The indexed token streams are derived from title and text; keeping them out of _source halves
  // what each hit carries.
  _source: { excludes: ['searchTitle', 'searchText'] },
  properties: {
    id: keyword,
    platform: keyword,
    sourceId: keyword,
    externalId: keyword,
    kind: keyword,
    side: keyword,
    url: { type: 'keyword', index: false, doc_values: false },
    title: { type: 'text', index: false },
    text: { type: 'text', index: false },
    searchTitle: { type: 'text', analyzer: 'standard' },
    searchText: { type: 'text', analyzer: 'standard' },
    lang: keyword,
    publishedAt: date,
    collectedAt: date,
    editedAt: date,
    media: stored,
    links: { type: 'keyword', index: false, doc_values: false },
    engagement: {
      properties: {
        views: { type: 'long' },
        forwards: { type: 'long' },
        reactions: { type: 'long' },
        comments: { type: 'long' },
      },
    },
    frames: stored,
    frameIds: keyword,
    entities: stored,
    releaseId: keyword,
    forwardedFrom: keyword,
    sensitive: { type: 'boolean' },
    demo: { type: 'boolean' },
    contentHash: keyword,
    revision: { type: 'keyword', index: false },
    raw: stored,
  },
};

export const SNAPSHOT_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    itemId: keyword,
    at: date,
    views: { type: 'long' },
    forwards: { type: 'long' },
    reactions: { type: 'long' },
    comments: { type: 'long' },
  },
};

export const SOURCE_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: keyword,
    platform: keyword,
    handle: keyword,
    url: { type: 'keyword', index: false },
    name: keyword,
    side: keyword,
    type: keyword,
    country: keyword,
    lang: keyword,
    schedule: { type: 'keyword', index: false },
    enabled: { type: 'boolean' },
    releaseSource: { type: 'boolean' },
    sensitive: { type: 'boolean' },
    verified: { type: 'boolean' },
    demo: { type: 'boolean' },
    createdAt: date,
    updatedAt: date,
    lastRunAt: date,
    lastRunStatus: keyword,
    lastError: { type: 'text', index: false },
    itemsCollected: { type: 'long' },
    collectorState: stored,
  },
};

export const CODEBOOK_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    version: keyword,
    codebook: stored,
    savedAt: date,
    savedBy: keyword,
  },
};

/** Briefings: listed by creation, looked up by id; the record itself is stored, not indexed. */
export const BRIEFING_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: keyword,
    status: keyword,
    createdAt: date,
    updatedAt: keyword,
    record: stored,
  },
};

/** Locks shared by instances (a scheduled job's tick): looked up by id, pruned by expiry. */
export const LOCK_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    owner: keyword,
    expiresMs: { type: 'long' },
    acquiredAt: date,
  },
};
