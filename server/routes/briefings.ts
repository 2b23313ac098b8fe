/**
 * Briefings: generate, list, read, edit (drafts only), finalise, revise, download as HTML,
 * Markdown zip or PDF. Viewers read and download; analysts and admins change.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { READ, WRITE } from '../auth/policy.js';
import type { BriefingService, BriefingFormat } from '../briefings/service.js';
import { Side } from '../domain/schemas.js';
import { ErrorResponse } from '../schemas/http.js';
import type { BriefingRecord } from '../store/port.js';

declare module 'fastify' {
  interface FastifyInstance {
    briefings: BriefingService;
  }
}

const Scope = Type.Object(
  {
    query: Type.Optional(Type.String({ maxLength: 500, description: 'topic query, search syntax' })),
    sides: Type.Optional(Type.Array(Side, { maxItems: 20 })),
    sourceIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 200 })),
  },
  { additionalProperties: false },
);

const Period = Type.Object({ from: Type.String(), to: Type.String(), timeZone: Type.String() });

const BriefingMeta = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('final')]),
  title: Type.String(),
  period: Period,
  scope: Scope,
  asOf: Type.String({ description: 'the cutoff: items collected after it are not in the briefing' }),
  trigger: Type.Union([Type.Literal('manual'), Type.Literal('schedule')]),
  createdAt: Type.String(),
  createdBy: Type.String(),
  updatedAt: Type.String(),
  finalisedAt: Type.Union([Type.String(), Type.Null()]),
  finalisedBy: Type.Union([Type.String(), Type.Null()]),
  revisionOf: Type.Union([Type.String(), Type.Null()]),
  revisedBy: Type.Union([Type.String(), Type.Null()]),
  summary: Type.String(),
  releaseNotes: Type.Record(Type.String(), Type.String()),
});

const BriefingFull = Type.Composite([
  BriefingMeta,
  Type.Object({ data: Type.Unknown({ description: 'the gathered numbers every format renders from' }) }),
]);

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse };

const meta = ({ data: _data, ...rest }: BriefingRecord) => rest;

const FORMATS: Record<BriefingFormat, { type: string; ext: string }> = {
  html: { type: 'text/html; charset=utf-8', ext: 'html' },
  'md.zip': { type: 'application/zip', ext: 'md.zip' },
  pdf: { type: 'application/pdf', ext: 'pdf' },
};

export const briefingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const actor = (principal: { name: string } | null) => principal?.name ?? 'unknown';

  app.post(
    '/briefings',
    {
      config: { auth: WRITE },
      schema: {
        tags: ['briefings'],
        summary: 'Generate a briefing draft for a period and scope (default: the last full week, everything)',
        body: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            title: Type.Optional(Type.String({ maxLength: 200 })),
            scope: Type.Optional(Scope),
          },
          { additionalProperties: false },
        ),
        response: { 201: BriefingFull, ...errors },
      },
    },
    async (request, reply) => {
      const record = await app.briefings.generate(request.body, actor(request.principal));
      return reply.code(201).send(record);
    },
  );

  app.get(
    '/briefings',
    {
      config: { auth: READ },
      schema: {
        tags: ['briefings'],
        summary: 'Briefings, newest first',
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
        }),
        response: { 200: Type.Object({ total: Type.Integer(), briefings: Type.Array(BriefingMeta) }), ...errors },
      },
    },
    async (request) => {
      const page = await app.briefings.list(request.query.limit, request.query.offset);
      return { total: page.total, briefings: page.briefings.map(meta) };
    },
  );

  app.get(
    '/briefings/:id',
    {
      config: { auth: READ },
      schema: {
        tags: ['briefings'],
        summary: 'One briefing with its numbers',
        params: Params,
        response: { 200: BriefingFull, ...errors },
      },
    },
    async (request) => app.briefings.get(request.params.id),
  );

  app.patch(
    '/briefings/:id',
    {
      config: { auth: WRITE },
      schema: {
        tags: ['briefings'],
        summary: "Edit a draft's summary and per-release notes (409 once final)",
        params: Params,
        body: Type.Object(
          {
            summary: Type.Optional(Type.String({ maxLength: 20_000 })),
            releaseNotes: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 5000 }))),
          },
          { additionalProperties: false },
        ),
        response: { 200: BriefingMeta, ...errors },
      },
    },
    async (request) => meta(await app.briefings.edit(request.params.id, request.body)),
  );

  app.post(
    '/briefings/:id/finalise',
    {
      config: { auth: WRITE },
      schema: {
        tags: ['briefings'],
        summary: 'Finalise a draft: immutable from then on',
        params: Params,
        response: { 200: BriefingMeta, ...errors },
      },
    },
    async (request) => meta(await app.briefings.finalise(request.params.id, actor(request.principal))),
  );

  app.post(
    '/briefings/:id/revise',
    {
      config: { auth: WRITE },
      schema: {
        tags: ['briefings'],
        summary: 'A new draft revising a final briefing: same period and scope, regathered, text carried over',
        params: Params,
        response: { 201: BriefingMeta, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(meta(await app.briefings.revise(request.params.id, actor(request.principal)))),
  );

  for (const format of Object.keys(FORMATS) as BriefingFormat[]) {
    app.get(
      `/briefings/:id/download.${format}`,
      {
        config: { auth: READ },
        schema: {
          tags: ['briefings'],
          summary: `Download as ${format === 'md.zip' ? 'Markdown with SVG charts (zip)' : format.toUpperCase()}`,
          params: Params,
          response: { 200: Type.Unknown(), ...errors },
        },
      },
      async (request, reply) => {
        const record = await app.briefings.get(request.params.id);
        const body = await app.briefings.render(record, format);
        const { type, ext } = FORMATS[format];
        return reply
          .header('content-type', type)
          .header('content-disposition', `attachment; filename="briefing-${record.id}.${ext}"`)
          .header('x-content-type-options', 'nosniff')
          .send(body);
      },
    );
  }
};
