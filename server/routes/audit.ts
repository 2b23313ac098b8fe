/** The audit log (admins only): sign-ins, user, token and source changes, newest first. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ADMIN } from '../auth/policy.js';
import { ErrorResponse } from '../schemas/http.js';

const AuditEntry = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actor: Type.Union([
    Type.Object({
      kind: Type.Union([Type.Literal('user'), Type.Literal('token'), Type.Literal('system')]),
      id: Type.String(),
      name: Type.String(),
    }),
    Type.Null(),
  ]),
  action: Type.String({
    description: 'e.g. auth.login, auth.login_failed, auth.locked, user.create, token.revoke, source.update',
  }),
  target: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
});

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/audit',
    {
      config: { auth: ADMIN },
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first, paged with cursors',
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            cursor: Type.Optional(Type.String({ maxLength: 500 })),
            action: Type.Optional(Type.String({ pattern: '^[a-z_]+\\.[a-z_]+$', maxLength: 64 })),
            actor: Type.Optional(Type.String({ maxLength: 100, description: 'user or token id' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            entries: Type.Array(AuditEntry),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { limit, cursor, action, actor } = request.query;
      return app.auth.listAudit({ limit, cursor, action, actorId: actor });
    },
  );
};
