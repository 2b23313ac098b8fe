/**
 * The Fastify application as one root plugin, loaded in a fixed order: external plugins, error
 * handling, routes, static client. The process entry (server/main.ts) owns logging and listening.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { randomSecret } from './auth/credentials.js';
import { AuthService, type AuthSettings } from './auth/service.js';
import { EventBus } from './events/bus.js';
import { BriefingService } from './briefings/service.js';
import { briefingRoutes } from './routes/briefings.js';
import { AlertService, DEFAULT_ALERT_OPTIONS, type AlertOptions } from './alerts/service.js';
import { alertRoutes } from './routes/alerts.js';
import type { Pipeline } from '../pipelines/runner.js';
import { collectionRoutes } from './routes/collection.js';
import { createPipeline } from './services/collection.js';
import { CodebookService } from './services/codebook.js';
import { codebookRoutes } from './routes/codebook.js';
import type { CollectionConfig } from './config/index.js';
import { registerLive, type LiveOptions } from './live/index.js';
import { registerErrorHandling } from './plugins/errors.js';
import { AppMetrics, instrumentStore, registerMetrics } from './plugins/metrics.js';
import { registerSecurity } from './plugins/security.js';
import { exportRoutes } from './routes/exports.js';
import { mediaRoutes } from './routes/media.js';
import { markerRoutes } from './routes/markers.js';
import { savedViewRoutes } from './routes/saved-views.js';
import { releaseRoutes } from './routes/releases.js';
import { MediaService, registerMediaRedaction, type MediaOptions } from './services/media.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { analyticsRoutes } from './routes/analytics.js';
import { healthRoutes } from './routes/health.js';
import { itemRoutes } from './routes/items.js';
import { searchRoutes } from './routes/search.js';
import { sourceRoutes } from './routes/sources.js';
import { userRoutes } from './routes/users.js';
import { ErrorResponse } from './schemas/http.js';
import type { Store } from './store/port.js';
import { IngestSpool, type IngestSpoolOptions } from './spool/ingest-spool.js';
import './domain/validate.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    bus: EventBus;
    pipeline: Pipeline;
    /** Alert rules, evaluation and delivery. */
    alerts: AlertService;
    codebook: CodebookService;
    /** Sensitive media: reveal grants and the thumbnail cache. */
    media: MediaService;
    /** The on-disk ingest spool (null when disabled). */
    spool: IngestSpool | null;
  }
}

export interface AppOptions {
  store: Store;
  /** Domain events; a fresh bus when the caller does not share one. */
  bus?: EventBus;
  /** Collection (run now, imports, schedules): which private hosts its fetcher may reach (none by default). */
  collection?: Pick<CollectionConfig, 'allowPrivateHosts'>;
  logger?: FastifyServerOptions['logger'];
  /** Folder of the client to serve; default: the built dashboard (client/dist) when present, else client/public. */
  clientDir?: string;
  /** Sessions, cookies, lockout and rate limits; without a sessionSecret a random one is used (tests). */
  auth?: Partial<AuthSettings>;
  /** Thumbnail cache and reveals; default: a cache under the system's temporary folder (tests). */
  media?: MediaOptions;
  /** Live push (socket.io): Redis for several instances, tick and buffer tuning. */
  live?: LiveOptions;
  /** Briefings: the time zone periods are reckoned in (default Europe/Kyiv) and a clock (tests). */
  briefings?: { timeZone?: string; clock?: () => Date };
  /** Alerts: SMTP, webhook private-address allow list, delivery tuning, clock (tests). */
  alerts?: Partial<AlertOptions>;
  /** The on-disk ingest spool for store outages (SPOOL_DIR, SPOOL_MAX_MB); none when absent. */
  spool?: Omit<IngestSpoolOptions, 'log'> | undefined;
}

const BUILT_CLIENT_DIR = fileURLToPath(new URL('../client/dist/', import.meta.url));
const PLACEHOLDER_CLIENT_DIR = fileURLToPath(new URL('../client/public/', import.meta.url));
const defaultClientDir = () => (existsSync(join(BUILT_CLIENT_DIR, 'index.html')) ? BUILT_CLIENT_DIR : PLACEHOLDER_CLIENT_DIR);

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    ajv: {
      // Unknown fields are errors, not silently dropped; query strings are coerced to numbers.
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
    },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every store call is timed for /metrics; upserts are counted by status.
  const metrics = new AppMetrics();
  app.decorate('metrics', metrics);
  app.decorate('store', instrumentStore(options.store, metrics));
  const bus = options.bus ?? new EventBus();
  app.decorate('bus', bus);
  // Over app.store, so collected items count in the metrics like posted ones.
  app.decorate('pipeline', createPipeline(app.store, options.collection ?? { allowPrivateHosts: [] }, bus));
  app.addHook('onClose', () => app.pipeline.close());
  app.decorate(
    'briefings',
    new BriefingService(app.store, {
      timeZone: options.briefings?.timeZone ?? 'Europe/Kyiv',
      ...(options.briefings?.clock && { clock: options.briefings.clock }),
    }),
  );
  app.decorate('codebook', new CodebookService(app.store, app.pipeline));
  // Over app.store, so replayed items count in the metrics; closed after in-flight requests finished.
  const spool = options.spool
    ? new IngestSpool(
        app.store,
        { ...options.spool, log: { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m), error: (m) => app.log.error(m) } },
        bus,
      )
    : null;
  app.decorate('spool', spool);
  spool?.start();
  app.addHook('onClose', async () => spool?.stop());
  // A store that is down at start leaves the shipped codebook in force (the server still starts).
  await app.codebook
    .load()
    .catch((error: unknown) => app.log.warn({ err: error }, 'stored codebook not loaded; using the default'));
  app.addSchema(ErrorResponse);
  // Before any route, so every route gets an access policy, headers and rate limits.
  await registerSecurity(
    app,
    new AuthService(options.store.auth, { ...options.auth, sessionSecret: options.auth?.sessionSecret ?? randomSecret() }),
  );

  // After security (rule changes and acknowledgements go to the audit log through app.auth).
  const alerts = new AlertService(
    app.store,
    bus,
    { ...DEFAULT_ALERT_OPTIONS, ...options.alerts },
    (ctx, action, target, detail) => app.auth.audit(ctx, action, target, detail),
    { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m), error: (m) => app.log.error(m) },
  );
  app.decorate('alerts', alerts);
  app.addHook('onClose', () => alerts.close());

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Framewatch API',
        version: '1',
        description: 'Collected items, search and analytics of how releases spread and how each side frames them.',
      },
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    // Swagger UI sets inline style attributes; its pages alone may use them (scripts stay 'self').
    transformStaticCSP: (header) => header.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  });

  registerErrorHandling(app);
  // At the root, so every JSON answer of every route hides unrevealed sensitive media.
  const media = new MediaService(
    app.store,
    app.auth,
    options.media ?? { cacheDir: join(tmpdir(), 'framewatch-media-cache'), cacheMaxBytes: 64 * 1024 * 1024 },
  );
  app.decorate('media', media);
  registerMediaRedaction(app, media);

  await registerMetrics(app);
  await app.register(healthRoutes);
  await app.register(
    async (api) => {
      await api.register(itemRoutes);
      await api.register(searchRoutes);
      await api.register(analyticsRoutes);
      await api.register(sourceRoutes);
      await api.register(collectionRoutes);
      await api.register(codebookRoutes);
      await api.register(authRoutes);
      await api.register(userRoutes);
      await api.register(auditRoutes);
      await api.register(releaseRoutes);
      await api.register(exportRoutes);
      await api.register(mediaRoutes);
      await api.register(briefingRoutes);
      await api.register(alertRoutes);
      await api.register(savedViewRoutes);
      await api.register(markerRoutes);
    },
    { prefix: '/api/v1' },
  );

  const clientDir = options.clientDir ?? defaultClientDir();
  // A built dashboard (hashed files under assets/) is a single-page app: its routes (/search,
  // /releases/:id) answer with index.html so links and reloads work; unknown /api paths stay 404.
  const singlePage = existsSync(join(clientDir, 'assets'));
  await app.register(async (client) => {
    if (singlePage) {
      client.addHook('preHandler', async (request, reply) => {
        const path = request.url.split('?')[0] ?? '';
        if (request.routeOptions.url !== '/*' || /^\/(api|docs|socket\.io)(\/|$)/u.test(path) || /\.[A-Za-z0-9]+$/u.test(path))
          return;
        return reply.header('cache-control', 'no-cache').sendFile('index.html');
      });
    }
    await client.register(fastifyStatic, {
      root: clientDir,
      prefix: '/',
      index: 'index.html',
      // Cache headers come from setHeaders alone: hashed assets forever, everything else revalidated.
      cacheControl: false,
      setHeaders: (res, file) =>
        res.setHeader(
          'cache-control',
          singlePage && /[\\/]assets[\\/]/u.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ),
    });
  });
  await registerLive(app, options.live);
  return app;
}
