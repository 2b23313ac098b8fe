/** Running a source now, and importing files (Telegram exports, NDJSON, CSV) into a source. */
import { Transform, type Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, ConflictError, NotFoundError } from '../domain/errors.js';
import { ErrorResponse } from '../schemas/http.js';
import { INGEST, WRITE } from '../auth/policy.js';
import { parseMapping } from '../../pipelines/collectors/import.js';
import { IMPORT_FORMATS, importIntoSource, type ImportFormat } from '../../pipelines/imports.js';

/** Uploads larger than this are cut off with an error (exports of big channels reach a few GB). */
export const MAX_IMPORT_BYTES = 4 * 1024 ** 3;

const Counts = Type.Object({
  fetched: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  skipped: Type.Integer(),
});

const ImportResponse = Type.Object({
  sourceId: Type.String(),
  format: Type.String(),
  bytesRead: Type.Integer(),
  records: Type.Integer(),
  counts: Counts,
  skipped: Type.Array(Type.Object({ ref: Type.String(), reason: Type.String() })),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

function capped(stream: Readable, limit: number): Readable {
  let seen = 0;
  return stream.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        if (seen > limit) done(new AppError('body_too_large', 413, `the upload exceeds ${limit} bytes`));
        else done(null, chunk);
      },
    }),
  );
}

export const collectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Uploads are streamed to the importer as they arrive, whatever their content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.post(
    '/sources/:id/run',
    {
      config: { auth: WRITE },
      schema: {
        tags: ['sources'],
        summary: 'Run a source once now; its progress and result arrive as pipeline:status events',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: {
          202: Type.Object({ sourceId: Type.String(), state: Type.Literal('started') }),
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await app.store.getSource(id))) throw new NotFoundError('source', id);
      if (app.pipeline.isRunning(id)) throw new ConflictError(`source "${id}" is already running`);
      // The run records its own outcome on the source; a failure never escapes as a rejection.
      void app.pipeline.runSource(id).catch((error: unknown) => request.log.error({ err: error }, 'source run failed'));
      return reply.code(202).send({ sourceId: id, state: 'started' as const });
    },
  );

  app.post(
    '/imports',
    {
      config: { auth: INGEST },
      schema: {
        tags: ['sources'],
        summary: 'Import a file into a source, streamed',
        description:
          'The request body is the file itself (a Telegram Desktop result.json, NDJSON or CSV), streamed: a 100 MB export is never held in memory. ' +
          'Items are enriched and stored in batches; a fault keeps what was stored before it and is reported with its position (422).',
        querystring: Type.Object({
          source: Type.String({ minLength: 1, maxLength: 100 }),
          format: Type.Union(IMPORT_FORMATS.map((f) => Type.Literal(f))),
          map: Type.Optional(
            Type.String({ maxLength: 2000, description: 'column mapping for NDJSON/CSV: text=message,publishedAt=date,…' }),
          ),
          channel: Type.Optional(
            Type.String({ pattern: '^[A-Za-z0-9_]{3,64}$', description: 'channel username for t.me links' }),
          ),
        }),
        response: {
          200: ImportResponse,
          422: Type.Composite([ErrorResponse, Type.Omit(ImportResponse, ['error'])]),
          404: ErrorResponse,
          400: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { source: sourceId, format, map, channel } = request.query;
      const source = await app.store.getSource(sourceId);
      if (!source) throw new NotFoundError('source', sourceId);
      let mapping;
      try {
        mapping = map ? parseMapping(map) : undefined;
      } catch (error) {
        throw new AppError('validation_failed', 400, `map: ${(error as Error).message}`);
      }
      const length = Number(request.headers['content-length']);
      const result = await importIntoSource(app.pipeline, source, capped(request.body as Readable, MAX_IMPORT_BYTES), {
        format: format as ImportFormat,
        ...(mapping && { mapping }),
        ...(channel && { channelHandle: channel }),
        ...(Number.isFinite(length) && length > 0 && { totalBytes: length }),
      });
      const { error, ...done } = result;
      if (!error) return result;
      const kept = done.counts.created + done.counts.updated + done.counts.unchanged;
      const message = `the import stopped after ${done.records} records (${done.bytesRead} bytes): ${error.code}: ${error.message}; the ${kept} items before it are stored`;
      return reply.code(422).send({ ...done, error: { code: 'import_failed', message, statusCode: 422 } });
    },
  );
};
