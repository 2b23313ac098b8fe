/** Full-text search with filters, sorting and cursor pagination. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Item } from '../domain/schemas.js';
import { ErrorResponse, FilterQuery } from '../schemas/http.js';
import { toItemFilter } from '../services/filters.js';

const Snippet = Type.Object({
  field: Type.Union([Type.Literal('title'), Type.Literal('text')]),
  segments: Type.Array(Type.Object({ text: Type.String(), match: Type.Boolean() })),
});

const SearchResponse = Type.Object({
  total: Type.Integer(),
  hits: Type.Array(
    Type.Object({
      item: Type.Omit(Item, ['raw']),
      score: Type.Union([Type.Number(), Type.Null()]),
      snippets: Type.Array(Snippet, { description: 'Plain-text segments; render matches as text, never as markup' }),
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const searchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Search items',
        querystring: Type.Composite([
          FilterQuery,
          Type.Object({
            sort: Type.Union([Type.Literal('time'), Type.Literal('relevance'), Type.Literal('views')], {
              default: 'time',
              description: 'relevance needs q; without it, time is used',
            }),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
            cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'nextCursor of the previous page' })),
          }),
        ]),
        response: { 200: SearchResponse, 400: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request) => {
      const { sort, limit, cursor, ...filterQuery } = request.query;
      return app.store.searchItems({ filter: toItemFilter(filterQuery), sort, limit, ...(cursor && { cursor }) });
    },
  );
};
