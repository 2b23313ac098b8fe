/** Sources CRUD: the watched channels, feeds and outlets. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import cron from 'node-cron';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { Source, SourceInput, SourcePatch } from '../domain/schemas.js';
import { ErrorResponse } from '../schemas/http.js';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** A schedule is a cron expression the scheduler can run; refuse anything else up front. */
function checkSchedule(schedule: string | undefined): void {
  if (schedule !== undefined && !cron.validate(schedule)) {
    throw new ValidationError(`"${schedule}" is not a cron expression (e.g. "*/15 * * * *")`, 'body/schedule');
  }
}

export const sourceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/sources',
    { schema: { tags: ['sources'], summary: 'All sources', response: { 200: Type.Object({ sources: Type.Array(Source) }) } } },
    async () => ({ sources: await app.store.listSources() }),
  );

  app.post(
    '/sources',
    {
      schema: {
        tags: ['sources'],
        summary: 'Add a source',
        body: SourceInput,
        response: { 201: Source, 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      checkSchedule(request.body.schedule);
      return reply.code(201).send(await app.store.createSource(request.body));
    },
  );

  app.get(
    '/sources/:id',
    { schema: { tags: ['sources'], params: Params, response: { 200: Source, 404: ErrorResponse } } },
    async (request) => {
      const source = await app.store.getSource(request.params.id);
      if (!source) throw new NotFoundError('source', request.params.id);
      return source;
    },
  );

  app.patch(
    '/sources/:id',
    {
      schema: {
        tags: ['sources'],
        summary: 'Change a source',
        params: Params,
        body: SourcePatch,
        response: { 200: Source, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      checkSchedule(request.body.schedule);
      return app.store.updateSource(request.params.id, request.body);
    },
  );

  app.delete(
    '/sources/:id',
    { schema: { tags: ['sources'], params: Params, response: { 204: Type.Null(), 404: ErrorResponse } } },
    async (request, reply) => {
      await app.store.deleteSource(request.params.id);
      return reply.code(204).send(null);
    },
  );
};
