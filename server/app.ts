/**
 * The Fastify application as one root plugin, loaded in a fixed order: external plugins, error
 * handling, routes, static client. The process entry (server/main.ts) owns logging and listening.
 */
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { EventBus } from './events/bus.js';
import { registerErrorHandling } from './plugins/errors.js';
import { analyticsRoutes } from './routes/analytics.js';
import { healthRoutes } from './routes/health.js';
import { itemRoutes } from './routes/items.js';
import { searchRoutes } from './routes/search.js';
import { sourceRoutes } from './routes/sources.js';
import { ErrorResponse } from './schemas/http.js';
import type { Store } from './store/port.js';
import './domain/validate.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    bus: EventBus;
  }
}

export interface AppOptions {
  store: Store;
  /** Domain events; a fresh bus when the caller does not share one. */
  bus?: EventBus;
  logger?: FastifyServerOptions['logger'];
}

const CLIENT_DIR = fileURLToPath(new URL('../client/public/', import.meta.url));

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    ajv: {
      // Unknown fields are errors, not silently dropped; query strings are coerced to numbers.
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
    },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('store', options.store);
  app.decorate('bus', options.bus ?? new EventBus());
  app.addSchema(ErrorResponse);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Framewatch API',
        version: '1',
        description: 'Collected items, search and analytics of how releases spread and how each side frames them.',
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  registerErrorHandling(app);

  await app.register(healthRoutes);
  await app.register(
    async (api) => {
      await api.register(itemRoutes);
      await api.register(searchRoutes);
      await api.register(analyticsRoutes);
      await api.register(sourceRoutes);
    },
    { prefix: '/api/v1' },
  );

  await app.register(fastifyStatic, { root: CLIENT_DIR, prefix: '/', index: 'index.html' });
  return app;
}
