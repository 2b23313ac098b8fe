/** The framing codebook: the version in force, its history, saving a new version, the test box. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError } from '../domain/errors.js';
import { READ, WRITE } from '../auth/policy.js';
import { actionContext } from '../plugins/security.js';
import { ErrorResponse } from '../schemas/http.js';

const RetagJob = Type.Object({
  id: Type.String(),
  version: Type.String(),
  state: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  processed: Type.Integer(),
  total: Type.Integer(),
  changed: Type.Integer(),
  startedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});

const InForce = Type.Object({
  version: Type.String(),
  origin: Type.Union([Type.Literal('default'), Type.Literal('stored')]),
  savedAt: Type.Union([Type.String(), Type.Null()]),
  savedBy: Type.Union([Type.String(), Type.Null()]),
  codebook: Type.Unknown({
    description: 'The codebook: version, frames (id, label, description, patterns, exclusions), sensitive',
  }),
});

const Span = Type.Object({
  pattern: Type.String(),
  lang: Type.String(),
  text: Type.String(),
  start: Type.Integer(),
  end: Type.Integer(),
});

export const codebookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/codebook',
    { config: { auth: READ }, schema: { tags: ['codebook'], summary: 'The codebook in force', response: { 200: InForce } } },
    async () => app.codebook.inForce(),
  );

  app.get(
    '/codebook/history',
    {
      config: { auth: READ },
      schema: {
        tags: ['codebook'],
        summary: 'Stored versions, newest first',
        response: {
          200: Type.Object({
            versions: Type.Array(Type.Object({ version: Type.String(), savedAt: Type.String(), savedBy: Type.String() })),
          }),
        },
      },
    },
    async () => ({ versions: await app.codebook.history() }),
  );

  app.put(
    '/codebook',
    {
      config: { auth: WRITE },
      bodyLimit: 5 * 1024 * 1024,
      schema: {
        tags: ['codebook'],
        summary: 'Save a new codebook version; stored items are re-tagged in the background',
        body: Type.Unknown({ description: 'A codebook with a new version string' }),
        response: { 202: Type.Object({ inForce: InForce, job: RetagJob }), 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const savedBy = request.principal?.name ?? 'unknown';
      const result = await app.codebook.save(request.body, savedBy);
      await app.auth.audit(
        actionContext(request),
        'codebook.save',
        { type: 'codebook', id: result.inForce.version },
        {
          frames: result.inForce.codebook.frames.length,
          retagJob: result.job.id,
        },
      );
      return reply.code(202).send(result);
    },
  );

  app.get(
    '/codebook/retag/:id',
    {
      config: { auth: READ },
      schema: {
        tags: ['codebook'],
        summary: 'Progress of a re-tag job',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: RetagJob, 404: ErrorResponse },
      },
    },
    async (request) => {
      const job = app.codebook.job(request.params.id);
      if (!job) throw new NotFoundError('re-tag job', request.params.id);
      return job;
    },
  );

  app.post(
    '/codebook/explain',
    {
      // Reading the codebook, not changing anything: every role may use the test box.
      config: { auth: READ },
      schema: {
        tags: ['codebook'],
        summary: 'The test box: which patterns of each frame match a text, and which exclusions veto them',
        body: Type.Object(
          {
            text: Type.String({ minLength: 1, maxLength: 20_000 }),
            lang: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}$' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            lang: Type.String(),
            frames: Type.Array(
              Type.Object({
                frameId: Type.String(),
                matched: Type.Boolean(),
                matches: Type.Array(Span),
                vetoed: Type.Array(Type.Composite([Span, Type.Object({ vetoedBy: Span })])),
                exclusions: Type.Array(Span),
              }),
            ),
          }),
          400: ErrorResponse,
        },
      },
    },
    async (request) => app.codebook.explain(request.body.text, request.body.lang),
  );
};
