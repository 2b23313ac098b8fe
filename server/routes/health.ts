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
  /** The ingest spool, when enabled: what waits for the store. */
  spool: Type.Optional(
    Type.Object({
      items: Type.Integer(),
      bytes: Type.Integer(),
      batches: Type.Integer(),
      maxBytes: Type.Integer(),
      oldestAt: Type.Union([Type.String(), Type.Null()]),
      storeDownSince: Type.Union([Type.String(), Type.Null()]),
      replaying: Type.Boolean({ description: 'the store takes writes again and the spool is draining' }),
      full: Type.Boolean(),
    }),
  ),
});

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'The process is alive', response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
    async () => ({ ok: true }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'The store answers, or the ingest spool can still take items',
        description:
          'With the ingest spool enabled, an instance whose store is unreachable stays ready (ok: true, store.ok: false) while ' +
          'its spool is less than 90% full: ingest is acknowledged and spooled. It is not ready once the spool is that full.',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const store = await app.store.health();
      const spool = app.spool?.status();
      const ok = store.ok ? !(spool?.full ?? false) : spool !== undefined && !spool.full;
      return reply.code(ok ? 200 : 503).send({ ok, store, ...(spool && { spool }) });
    },
  );
};
