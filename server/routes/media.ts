/** Sensitive media: the audited reveal and thumbnails served from the server's own cache. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WRITE } from '../auth/policy.js';
import { unauthenticated } from '../auth/service.js';
import { actionContext } from '../plugins/security.js';
import { ErrorResponse } from '../schemas/http.js';

const ItemId = Type.String({ minLength: 1, maxLength: 200 });

const RevealResponse = Type.Object({
  itemId: Type.String(),
  sensitive: Type.Boolean(),
  revealedUntil: Type.String({ description: 'thumbnails of this item load for the caller until then' }),
  media: Type.Array(
    Type.Object({
      index: Type.Integer(),
      type: Type.String(),
      url: Type.Union([Type.String(), Type.Null()]),
      thumbnailUrl: Type.Union([Type.String(), Type.Null()], {
        description: 'server-relative: /api/v1/media/:itemId/:n/thumbnail',
      }),
      durationSec: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});

export const mediaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/items/:id/reveal',
    {
      config: { auth: WRITE },
      schema: {
        tags: ['items'],
        summary: "Reveal an item's media (audited)",
        description:
          'Answers the media links and server-relative thumbnail URLs, and lets the caller load the thumbnails for 15 minutes. Analysts and admins; every reveal goes to the audit log.',
        params: Type.Object({ id: ItemId }),
        response: { 200: RevealResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => app.media.reveal(actionContext(request), request.params.id),
  );

  app.get(
    '/media/:itemId/:n/thumbnail',
    {
      schema: {
        tags: ['items'],
        summary: "A media's thumbnail, fetched and cached by the server",
        description:
          "Served from the server's cache (fetched on first use), so browsers never contact the source. A sensitive item's thumbnail needs the caller's reveal of the last 15 minutes.",
        params: Type.Object({ itemId: ItemId, n: Type.Integer({ minimum: 0, maximum: 49 }) }),
        produces: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif'],
        response: {
          200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'the image' }),
          403: ErrorResponse,
          404: ErrorResponse,
          502: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      if (!request.principal) throw unauthenticated();
      const thumbnail = await app.media.thumbnail(request.principal, request.params.itemId, request.params.n);
      return reply
        .header('content-type', thumbnail.contentType)
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', 'inline; filename="thumbnail"')
        .header('cache-control', thumbnail.sensitive ? 'private, no-store' : 'private, max-age=3600')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'same-origin')
        .send(thumbnail.body);
    },
  );
};
