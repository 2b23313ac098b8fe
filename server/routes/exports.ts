/** Exports of a search as CSV or NDJSON: streamed, row-limited, counted first, audited. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WRITE } from '../auth/policy.js';
import { actionContext } from '../plugins/security.js';
import { ErrorResponse, FilterQuery } from '../schemas/http.js';
import { EXPORT_DEFAULT_LIMIT, EXPORT_MAX_LIMIT, prepareSearchExport, type ExportFormat } from '../services/exports.js';
import { toItemFilter } from '../services/filters.js';

const ExportQuery = Type.Composite([
  FilterQuery,
  Type.Object({
    sort: Type.Union([Type.Literal('time'), Type.Literal('views')], { default: 'time' }),
    limit: Type.Integer({ minimum: 1, maximum: EXPORT_MAX_LIMIT, default: EXPORT_DEFAULT_LIMIT, description: 'rows at most' }),
    bom: Type.Boolean({ default: false, description: 'CSV only: start with a UTF-8 byte order mark (for Excel)' }),
  }),
]);
type ExportQuery = typeof ExportQuery.static;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const handler =
    (format: ExportFormat) => async (request: FastifyRequest<{ Querystring: ExportQuery }>, reply: FastifyReply) => {
      const { sort, limit, bom, ...filterQuery } = request.query;
      const prepared = await prepareSearchExport(app.store, {
        filter: toItemFilter(filterQuery),
        sort,
        limit,
        format,
        bom,
        revealed: app.media.grants.checker(request.principal),
      });
      await app.auth.audit(actionContext(request), 'export.search', null, {
        format,
        filter: filterQuery,
        sort,
        limit,
        rows: prepared.total,
        matches: prepared.matches,
      });
      const stamp = new Date().toISOString().replace(/[:.]/gu, '-');
      return reply
        .header('content-type', CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="framewatch-search-${stamp}.${format}"`)
        .header('x-total-count', String(prepared.total))
        .header('cache-control', 'no-store')
        .send(prepared.body);
    };

  const description = (format: ExportFormat) =>
    `Every item matching the search filters, up to limit rows (default ${EXPORT_DEFAULT_LIMIT}, at most ${EXPORT_MAX_LIMIT}), streamed. ` +
    'X-Total-Count holds the number of rows before the body starts' +
    (format === 'ndjson'
      ? '; the first line is {"total": rows, "matches": items matching}, then one item per line.'
      : '; the first line is the header row.') +
    ' Raw payloads are never exported; media links of sensitive items only when the caller revealed them. Analysts and admins; audited.';

  for (const format of ['csv', 'ndjson'] as const) {
    app.get(
      `/exports/search.${format}`,
      {
        config: { auth: WRITE },
        schema: {
          tags: ['exports'],
          summary: `Export a search as ${format.toUpperCase()}`,
          description: description(format),
          querystring: ExportQuery,
          produces: [CONTENT_TYPES[format].split(';')[0] ?? ''],
          response: {
            200: { description: `${format.toUpperCase()} stream`, type: 'string' },
            400: ErrorResponse,
            403: ErrorResponse,
            503: ErrorResponse,
          },
        },
      },
      handler(format),
    );
  }
};
