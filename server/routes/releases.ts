/** Releases: the list ranked by spread, pickups, views or recency, and one release's detail. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EngagementSnapshot, Item } from '../domain/schemas.js';
import { ErrorResponse, FilterQuery, Interval } from '../schemas/http.js';
import { toItemFilter } from '../services/filters.js';
import { releaseDetail, releaseItems } from '../services/releases.js';
import { FirstSeenPerSide, FirstSeenPerSource, FramingResponse } from './analytics.js';

const ShownItem = Type.Omit(Item, ['raw']);

const ReleaseSummary = Type.Object({
  id: Type.String(),
  original: Type.Union([ShownItem, Type.Null()], { description: 'null when the original was not collected' }),
  pickups: Type.Integer({ description: 'items of the release other than its original' }),
  distinctSources: Type.Integer(),
  distinctSides: Type.Integer(),
  distinctLangs: Type.Integer(),
  summedViews: Type.Integer(),
  firstSeenAt: Type.String(),
  lastSeenAt: Type.String(),
  spreadScore: Type.Number({ description: 'log2(1 + pickups) x distinctSides x (1 + log2(distinctLangs)), 4 decimals' }),
});

const ItemsPage = Type.Object({
  total: Type.Integer(),
  items: Type.Array(ShownItem, { description: 'newest first; the original is the item whose id is the release id' }),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

const ReleaseParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
  cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'nextCursor of the previous page' })),
};

export const releaseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/releases',
    {
      schema: {
        tags: ['releases'],
        summary: 'Releases ranked by spread score, pickups, views or recency',
        description:
          "from/to bound a release's first appearance (its earliest item); the other filters select releases with at least one " +
          'matching item (e.g. side=KP: releases that reached KP). Metrics always count every item of a release. ' +
          'recency sorts by first appearance. Ties break on first appearance, then id.',
        querystring: Type.Composite([
          FilterQuery,
          Type.Object({
            sort: Type.Union([Type.Literal('spread'), Type.Literal('pickups'), Type.Literal('views'), Type.Literal('recency')], {
              default: 'spread',
            }),
            ...Paging,
          }),
        ]),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            releases: Type.Array(ReleaseSummary),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { sort, limit, cursor, ...filter } = request.query;
      return app.store.listReleases({ filter: toItemFilter(filter), sort, limit, ...(cursor && { cursor }) });
    },
  );

  app.get(
    '/releases/:id',
    {
      schema: {
        tags: ['releases'],
        summary: 'One release: summary, cascade per side and source, spread curve, framing, engagement, first page of items',
        params: ReleaseParams,
        querystring: Type.Object({ interval: Interval, ...Paging }),
        response: {
          200: Type.Object({
            release: ReleaseSummary,
            interval: Type.String(),
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
            framing: FramingResponse,
            engagement: Type.Array(EngagementSnapshot, { description: "the original's engagement over time" }),
            items: ItemsPage,
          }),
          400: ErrorResponse,
          404: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { interval, limit, cursor } = request.query;
      return releaseDetail(app.store, request.params.id, { interval, limit, ...(cursor && { cursor }) });
    },
  );

  app.get(
    '/releases/:id/items',
    {
      schema: {
        tags: ['releases'],
        summary: 'The items of a release (original and copies), newest first, paged',
        params: ReleaseParams,
        querystring: Type.Object(Paging),
        response: { 200: ItemsPage, 400: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return releaseItems(app.store, request.params.id, { limit, ...(cursor && { cursor }) });
    },
  );
};
