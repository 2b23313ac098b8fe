/** The analytics the dashboard charts: timeline, terms, framing matrix, release spread. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Item } from '../domain/schemas.js';
import { ErrorResponse, FilterQuery, Interval } from '../schemas/http.js';
import { toItemFilter } from '../services/filters.js';

const Counts = Type.Record(Type.String(), Type.Integer());

const TimelineResponse = Type.Object({
  interval: Interval,
  split: Type.Union([Type.String(), Type.Null()]),
  timeZone: Type.Literal('UTC'),
  buckets: Type.Array(Type.Object({ start: Type.String(), total: Type.Integer(), split: Counts })),
});

const TermsResponse = Type.Object({
  field: Type.String(),
  total: Type.Integer(),
  buckets: Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() })),
});

export const FramingResponse = Type.Object({
  sides: Type.Array(Type.Object({ side: Type.String(), items: Type.Integer() })),
  frames: Type.Array(Type.String()),
  cells: Type.Array(Type.Object({ side: Type.String(), frame: Type.String(), count: Type.Integer(), share: Type.Number() })),
});

export const FirstSeenPerSide = Type.Array(
  Type.Object({
    side: Type.String(),
    firstSeenAt: Type.String(),
    itemId: Type.String(),
    delaySec: Type.Union([Type.Integer(), Type.Null()], { description: 'seconds after the original (null without one)' }),
  }),
);

export const FirstSeenPerSource = Type.Array(
  Type.Object({
    sourceId: Type.String(),
    side: Type.String(),
    firstSeenAt: Type.String(),
    itemId: Type.String(),
    delaySec: Type.Union([Type.Integer(), Type.Null()]),
  }),
  { description: 'The cascade: when each source first carried the release, earliest first' },
);

const FramingTimelineResponse = Type.Object({
  interval: Type.Union([Type.Literal('day'), Type.Literal('week')]),
  timeZone: Type.Literal('UTC'),
  sides: Type.Array(Type.String()),
  frames: Type.Array(Type.String()),
  buckets: Type.Array(
    Type.Object({
      start: Type.String(),
      sides: Type.Array(Type.Object({ side: Type.String(), items: Type.Integer() })),
      cells: Type.Array(
        Type.Object({
          side: Type.String(),
          frame: Type.String(),
          count: Type.Integer(),
          share: Type.Number({ description: 'count / items of the side in the bucket' }),
          previousCount: Type.Integer(),
          previousShare: Type.Union([Type.Number(), Type.Null()], {
            description: 'null when the side had no items in the previous bucket',
          }),
          shareChange: Type.Union([Type.Number(), Type.Null()], { description: 'share - previousShare' }),
        }),
      ),
    }),
  ),
});

export const SpreadResponse = Type.Object({
  releaseId: Type.String(),
  original: Type.Union([Type.Omit(Item, ['raw']), Type.Null()]),
  pickups: Type.Integer(),
  distinctSources: Type.Integer(),
  distinctSides: Type.Integer(),
  distinctLangs: Type.Integer(),
  summedViews: Type.Integer(),
  firstSeenPerSide: FirstSeenPerSide,
  firstSeenPerSource: FirstSeenPerSource,
  curve: Type.Array(
    Type.Object({
      start: Type.String(),
      pickups: Type.Integer(),
      cumulativePickups: Type.Integer(),
      views: Type.Integer(),
      cumulativeViews: Type.Integer(),
    }),
  ),
});

const errors = { 400: ErrorResponse, 503: ErrorResponse };

export const analyticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/analytics/timeline',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Items per hour, day or week (UTC buckets; weeks start on Monday), optionally split',
        querystring: Type.Composite([
          FilterQuery,
          Type.Object({
            interval: Interval,
            split: Type.Optional(
              Type.Union([Type.Literal('side'), Type.Literal('platform'), Type.Literal('kind'), Type.Literal('frame')]),
            ),
          }),
        ]),
        response: { 200: TimelineResponse, ...errors },
      },
    },
    async (request) => {
      const { interval, split, ...filter } = request.query;
      const timeline = await app.store.timeline({ filter: toItemFilter(filter), interval, ...(split && { split }) });
      return { ...timeline, timeZone: 'UTC' as const };
    },
  );

  app.get(
    '/analytics/terms',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Top sources, sides, languages, frames, platforms or kinds',
        querystring: Type.Composite([
          FilterQuery,
          Type.Object({
            field: Type.Union(['source', 'side', 'lang', 'frame', 'platform', 'kind'].map((f) => Type.Literal(f))),
            size: Type.Integer({ minimum: 1, maximum: 500, default: 10 }),
          }),
        ]),
        response: { 200: TermsResponse, ...errors },
      },
    },
    async (request) => {
      const { field, size, ...filter } = request.query;
      return app.store.terms({
        filter: toItemFilter(filter),
        field: field as 'source' | 'side' | 'lang' | 'frame' | 'platform' | 'kind',
        size,
      });
    },
  );

  app.get(
    '/analytics/framing',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Side x frame matrix: items per cell and their share of the side',
        querystring: FilterQuery,
        response: { 200: FramingResponse, ...errors },
      },
    },
    async (request) => app.store.framingMatrix(toItemFilter(request.query)),
  );

  app.get(
    '/analytics/framing/timeline',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Side x frame counts and shares per day or week, with the change against the previous period',
        description:
          'UTC buckets (weeks start on Monday), zero-filled over the range. Each cell compares with the bucket before it; ' +
          'the first bucket of a range is compared with the period just before the range.',
        querystring: Type.Composite([
          FilterQuery,
          Type.Object({ interval: Type.Union([Type.Literal('day'), Type.Literal('week')], { default: 'week' }) }),
        ]),
        response: { 200: FramingTimelineResponse, ...errors },
      },
    },
    async (request) => {
      const { interval, ...filter } = request.query;
      const timeline = await app.store.framingTimeline({ filter: toItemFilter(filter), interval });
      return { ...timeline, timeZone: 'UTC' as const };
    },
  );

  app.get(
    '/releases/:id/spread',
    {
      schema: {
        tags: ['releases'],
        summary: 'How far a release spread: pickups, distinct sources/sides/languages, views, first seen per side',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
        querystring: Type.Object({ interval: Interval }),
        response: { 200: SpreadResponse, 404: ErrorResponse, ...errors },
      },
    },
    async (request) => app.store.releaseSpread({ releaseId: request.params.id, interval: request.query.interval }),
  );
};
