/** Ingest and item lookup. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, NotFoundError, errorBody } from '../domain/errors.js';
import { Item } from '../domain/schemas.js';
import { ErrorResponse } from '../schemas/http.js';
import { MAX_ITEMS_PER_REQUEST, ingestItems, type IngestEntry } from '../services/ingest.js';

export const MAX_INGEST_BYTES = 20 * 1024 * 1024;

/** NDJSON bodies are parsed line by line, so one malformed line is one item's error. */
interface NdjsonBody {
  ndjson: IngestEntry[];
}

const isNdjson = (body: unknown): body is NdjsonBody =>
  typeof body === 'object' && body !== null && Array.isArray((body as NdjsonBody).ndjson);

function parseNdjson(text: string): NdjsonBody {
  const entries: IngestEntry[] = [];
  const lines = text.split('\n');
  lines.forEach((line, n) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    try {
      entries.push({ value: JSON.parse(trimmed) as unknown });
    } catch (error) {
      entries.push({ parseError: `line ${n + 1} is not valid JSON: ${(error as Error).message}` });
    }
  });
  return { ndjson: entries };
}

const UpsertResultSchema = Type.Object({
  index: Type.Integer(),
  id: Type.String(),
  status: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('unchanged'), Type.Literal('spooled')]),
});
const IngestError = Type.Object({ index: Type.Integer(), field: Type.String(), message: Type.String() });
const IngestResponse = Type.Object({
  received: Type.Integer(),
  stored: Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() }),
  results: Type.Array(UpsertResultSchema),
  errors: Type.Array(IngestError),
  /** Items accepted into the on-disk spool while the store is unreachable (202). */
  spooled: Type.Optional(Type.Integer()),
  message: Type.Optional(Type.String()),
});
const IngestPartial = Type.Composite([ErrorResponse, IngestResponse]);

export const itemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser(
    ['application/x-ndjson', 'application/ndjson', 'application/jsonl'],
    { parseAs: 'string', bodyLimit: MAX_INGEST_BYTES },
    (_request, body, done) => done(null, parseNdjson(String(body))),
  );

  app.post(
    '/items',
    {
      bodyLimit: MAX_INGEST_BYTES,
      schema: {
        tags: ['items'],
        summary: 'Store items (idempotent)',
        description:
          'A JSON array of ItemInput, or NDJSON (application/x-ndjson, one ItemInput per line). At most 10,000 items or 20 MB. ' +
          'Each item is validated on its own: invalid items are reported with their index and field (422) and the valid ones are stored. ' +
          'Storing the same item again is a no-op, or an update when its content or engagement changed. ' +
          'While the store is unreachable, valid items are written to an on-disk spool and acknowledged with 202 (status "spooled"); ' +
          'they are stored in order when the store returns. A full spool answers 503 with Retry-After.',
        body: Type.Unknown({ description: 'ItemInput[] or NDJSON of ItemInput' }),
        response: {
          200: IngestResponse,
          202: IngestResponse,
          413: ErrorResponse,
          422: IngestPartial,
          400: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      let entries: IngestEntry[];
      if (typeof body === 'string') {
        throw new AppError(
          'unsupported_media_type',
          415,
          `content-type ${request.headers['content-type'] ?? '(none)'} is not accepted; send application/json (an array) or application/x-ndjson`,
        );
      }
      if (isNdjson(body)) entries = body.ndjson;
      else if (Array.isArray(body)) entries = body.map((value: unknown) => ({ value }));
      else throw new AppError('validation_failed', 400, 'body: expected a JSON array of items or NDJSON (one item per line)');
      if (entries.length === 0) throw new AppError('validation_failed', 400, 'body: no items to store');
      if (entries.length > MAX_ITEMS_PER_REQUEST) {
        throw new AppError(
          'too_many_items',
          413,
          `body: ${entries.length} items in one request; at most ${MAX_ITEMS_PER_REQUEST} are allowed, split the batch`,
        );
      }
      const outcome = await ingestItems(app.store, entries, new Date(), app.bus, app.spool ?? undefined);
      const count = (s: string) => outcome.results.filter((r) => r.status === s).length;
      const payload = {
        received: outcome.received,
        stored: { created: count('created'), updated: count('updated'), unchanged: count('unchanged') },
        results: outcome.results,
        errors: outcome.errors,
      };
      const spooled =
        outcome.spooled > 0
          ? {
              spooled: outcome.spooled,
              message: `spooled: the store is unreachable; ${outcome.spooled} items will be stored when it returns`,
            }
          : {};
      if (outcome.errors.length === 0) return outcome.spooled > 0 ? reply.code(202).send({ ...payload, ...spooled }) : payload;
      const bad = new Set(outcome.errors.map((e) => e.index)).size;
      const first = outcome.errors[0];
      const message =
        `${bad} of ${outcome.received} items are invalid and were not stored; the other ${outcome.received - bad} were ` +
        `${outcome.spooled > 0 ? 'spooled (the store is unreachable; they will be stored when it returns)' : 'stored'}. ` +
        (first ? `First: item ${first.index}, ${first.field}: ${first.message}` : '');
      return reply.code(422).send({
        ...errorBody('invalid_items', message, 422),
        ...payload,
        ...(outcome.spooled > 0 && { spooled: outcome.spooled }),
      });
    },
  );

  app.get(
    '/items/:id',
    {
      schema: {
        tags: ['items'],
        summary: 'One item with its frame evidence and engagement',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Item, 404: ErrorResponse },
      },
    },
    async (request) => {
      const [item] = await app.store.getItems([request.params.id]);
      if (!item) throw new NotFoundError('item', request.params.id);
      return item;
    },
  );
};
