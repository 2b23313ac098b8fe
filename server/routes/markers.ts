/**
 * Event markers: dated annotations ("exchange offer announced") shown on every time chart and in
 * the briefings of their period. Everyone reads; analysts and admins add, change and delete them
 * (markers belong to the team, not to their author). Every change goes to the audit log.
 */
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { unauthenticated } from '../auth/service.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { actionContext } from '../plugins/security.js';
import { ErrorResponse } from '../schemas/http.js';
import type { EventMarker as StoredMarker } from '../store/team/port.js';

const Side = Type.String({ pattern: '^[A-Z][A-Z_]{1,15}$' });
const Instant = Type.String({ format: 'date-time', description: 'ISO-8601 with zone' });

const EventMarker = Type.Object({
  id: Type.String(),
  at: Type.String(),
  label: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  sides: Type.Array(Type.String(), { description: 'sides the event concerns; empty: all' }),
  createdBy: Type.Object({ id: Type.String(), name: Type.String() }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const Label = Type.String({ minLength: 1, maxLength: 120 });
const Description = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]);
const Sides = Type.Array(Side, { maxItems: 16, uniqueItems: true });
const MarkerInput = Type.Object(
  { at: Instant, label: Label, description: Type.Optional(Description), sides: Type.Optional(Sides) },
  { additionalProperties: false },
);
const MarkerPatch = Type.Object(
  {
    at: Type.Optional(Instant),
    label: Type.Optional(Label),
    description: Type.Optional(Description),
    sides: Type.Optional(Sides),
  },
  { additionalProperties: false, minProperties: 1 },
);
type MarkerPatch = Static<typeof MarkerPatch>;
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const markerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/markers',
    {
      schema: {
        tags: ['markers'],
        summary: 'Event markers in a time range, earliest first',
        querystring: Type.Object({
          from: Type.Optional(Instant),
          to: Type.Optional(Instant),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
        }),
        response: { 200: Type.Object({ markers: Type.Array(EventMarker) }), 400: ErrorResponse },
      },
    },
    async (request) => {
      const { from, to, limit } = request.query;
      if (from && to && Date.parse(from) >= Date.parse(to)) throw new ValidationError('must be after from', 'querystring/to');
      return { markers: await app.store.team.listMarkers({ limit, ...(from && { from }), ...(to && { to }) }) };
    },
  );

  app.get(
    '/markers/:id',
    { schema: { tags: ['markers'], params: Params, response: { 200: EventMarker, 404: ErrorResponse } } },
    async (request) => {
      const marker = await app.store.team.getMarker(request.params.id);
      if (!marker) throw new NotFoundError('event marker', request.params.id);
      return marker;
    },
  );

  app.post(
    '/markers',
    {
      schema: {
        tags: ['markers'],
        summary: 'Add an event marker (analysts and admins)',
        body: MarkerInput,
        response: { 201: EventMarker, 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      if (!request.principal) throw unauthenticated();
      const now = new Date().toISOString();
      const marker: StoredMarker = {
        id: `mk_${randomUUID()}`,
        at: new Date(request.body.at).toISOString(),
        label: request.body.label.trim(),
        description: request.body.description?.trim() || null,
        sides: request.body.sides ?? [],
        createdBy: { id: request.principal.id, name: request.principal.name },
        createdAt: now,
        updatedAt: now,
      };
      await app.store.team.createMarker(marker);
      await app.auth.audit(
        actionContext(request),
        'marker.create',
        { type: 'marker', id: marker.id },
        {
          label: marker.label,
          at: marker.at,
        },
      );
      return reply.code(201).send(marker);
    },
  );

  app.patch(
    '/markers/:id',
    {
      schema: {
        tags: ['markers'],
        summary: 'Change an event marker (analysts and admins)',
        params: Params,
        body: MarkerPatch,
        response: { 200: EventMarker, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { id } = request.params;
      const patch: MarkerPatch & { updatedAt: string } = { ...request.body, updatedAt: new Date().toISOString() };
      if (patch.at) patch.at = new Date(patch.at).toISOString();
      if (patch.label) patch.label = patch.label.trim();
      if (typeof patch.description === 'string') patch.description = patch.description.trim() || null;
      const next = await app.store.team.updateMarker(id, patch);
      await app.auth.audit(
        actionContext(request),
        'marker.update',
        { type: 'marker', id },
        {
          label: next.label,
          fields: Object.keys(request.body).sort(),
        },
      );
      return next;
    },
  );

  app.delete(
    '/markers/:id',
    { schema: { tags: ['markers'], params: Params, response: { 204: Type.Null(), 403: ErrorResponse, 404: ErrorResponse } } },
    async (request, reply) => {
      const { id } = request.params;
      const marker = await app.store.team.getMarker(id);
      if (!marker) throw new NotFoundError('event marker', id);
      await app.store.team.deleteMarker(id);
      await app.auth.audit(actionContext(request), 'marker.delete', { type: 'marker', id }, { label: marker.label });
      return reply.code(204).send(null);
    },
  );
};
