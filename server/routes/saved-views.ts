/**
 * Saved views: a search or filtered view under a name, private to its owner or shared with the team.
 * Everyone reads their own and the shared ones; analysts and admins save; owners (and admins) change
 * and delete theirs. Every change goes to the audit log.
 */
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { AuthError, unauthenticated } from '../auth/service.js';
import type { Principal } from '../auth/types.js';
import { NotFoundError } from '../domain/errors.js';
import { actionContext } from '../plugins/security.js';
import { ErrorResponse } from '../schemas/http.js';
import { SAVED_VIEW_KINDS, type SavedView as StoredView } from '../store/team/port.js';

const Kind = Type.Union(SAVED_VIEW_KINDS.map((k) => Type.Literal(k)));
const ViewQuery = Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,31}$' }), Type.String({ maxLength: 2000 }), {
  maxProperties: 30,
  description: "the view's URL query: range, from, to, q, side, platform, kind, lang, source, frame, release, sort…",
});

const SavedView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Kind,
  query: Type.Record(Type.String(), Type.String()),
  owner: Type.Object({ id: Type.String(), name: Type.String() }),
  shared: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const Name = Type.String({ minLength: 1, maxLength: 120 });
const ViewInput = Type.Object(
  { name: Name, kind: Kind, query: ViewQuery, shared: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);
const ViewPatch = Type.Object(
  {
    name: Type.Optional(Name),
    kind: Type.Optional(Kind),
    query: Type.Optional(ViewQuery),
    shared: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
type ViewPatch = Static<typeof ViewPatch>;
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated();
  return request.principal;
}

/** A private view is nobody else's business: it answers 404 as if it did not exist. */
function visible(view: StoredView | null, principal: Principal, id: string): StoredView {
  if (!view || (!view.shared && view.owner.id !== principal.id && principal.role !== 'admin')) {
    throw new NotFoundError('saved view', id);
  }
  return view;
}

function assertOwner(view: StoredView, principal: Principal): void {
  if (view.owner.id !== principal.id && principal.role !== 'admin') {
    throw new AuthError('forbidden', 403, 'only the owner of a saved view (or an admin) can change or delete it');
  }
}

export const savedViewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/saved-views',
    {
      schema: {
        tags: ['saved views'],
        summary: "Saved views: the caller's own and every shared one, by name",
        response: { 200: Type.Object({ views: Type.Array(SavedView) }) },
      },
    },
    async (request) => ({ views: await app.store.team.listViews(principalOf(request).id) }),
  );

  app.get(
    '/saved-views/:id',
    { schema: { tags: ['saved views'], params: Params, response: { 200: SavedView, 404: ErrorResponse } } },
    async (request) => visible(await app.store.team.getView(request.params.id), principalOf(request), request.params.id),
  );

  app.post(
    '/saved-views',
    {
      schema: {
        tags: ['saved views'],
        summary: 'Save a view (analysts and admins)',
        body: ViewInput,
        response: { 201: SavedView, 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const now = new Date().toISOString();
      const view: StoredView = {
        id: `sv_${randomUUID()}`,
        name: request.body.name.trim(),
        kind: request.body.kind,
        query: request.body.query,
        owner: { id: principal.id, name: principal.name },
        shared: request.body.shared ?? false,
        createdAt: now,
        updatedAt: now,
      };
      await app.store.team.createView(view);
      await app.auth.audit(
        actionContext(request),
        'view.create',
        { type: 'saved_view', id: view.id },
        {
          name: view.name,
          kind: view.kind,
          shared: view.shared,
        },
      );
      return reply.code(201).send(view);
    },
  );

  app.patch(
    '/saved-views/:id',
    {
      schema: {
        tags: ['saved views'],
        summary: 'Rename, share or change a saved view (its owner or an admin)',
        params: Params,
        body: ViewPatch,
        response: { 200: SavedView, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { id } = request.params;
      assertOwner(visible(await app.store.team.getView(id), principal, id), principal);
      const patch: ViewPatch & { updatedAt: string } = { ...request.body, updatedAt: new Date().toISOString() };
      if (patch.name) patch.name = patch.name.trim();
      const next = await app.store.team.updateView(id, patch);
      await app.auth.audit(
        actionContext(request),
        'view.update',
        { type: 'saved_view', id },
        {
          name: next.name,
          fields: Object.keys(request.body).sort(),
        },
      );
      return next;
    },
  );

  app.delete(
    '/saved-views/:id',
    {
      schema: {
        tags: ['saved views'],
        params: Params,
        response: { 204: Type.Null(), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { id } = request.params;
      const view = visible(await app.store.team.getView(id), principal, id);
      assertOwner(view, principal);
      await app.store.team.deleteView(id);
      await app.auth.audit(actionContext(request), 'view.delete', { type: 'saved_view', id }, { name: view.name });
      return reply.code(204).send(null);
    },
  );
};
