/** Liveness and readiness. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const Health = Type.Object({
  ok: Type.Boolean(),
  store: Type.Object({
    backend: Type.String(),
    ok: Type.Boolean(),
    latencyMs: Type.Number(),
    detail: Type.Optional(Type.String()),
    items: Type.Optional(Type.Integer()),
  }),
});

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'The process is alive', response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
    async () => ({ ok: true }),
  );

  app.get(
    '/readyz',
    { schema: { tags: ['health'], summary: 'The store answers', response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const store = await app.store.health();
      return reply.code(store.ok ? 200 : 503).send({ ok: store.ok, store });
    },
  );
};
