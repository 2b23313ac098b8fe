/**
 * The Framewatch process: reads configuration once, opens the store, seeds demo data when asked
 * (`npm start`), listens, and closes cleanly on SIGTERM/SIGINT.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { buildApp } from './app.js';
import { describeFirstAdmin, ensureFirstAdmin } from './auth/bootstrap.js';
import { loadOrCreateSessionSecret } from './auth/secret.js';
import { ConfigError, loadConfig } from './config/index.js';
import { SourceScheduler } from './services/collection.js';
import { AlertScheduler } from './alerts/jobs.js';
import { seedDemoData, startDemoStream, type DemoStream } from './services/demo.js';
import { createStore } from './store/index.js';
import { Scheduler } from '../pipelines/scheduler.js';
import { briefingJob } from './briefings/schedule.js';

/** socket.io's untyped view, for the one event outside the live protocol's typed map. */
interface AnyServer {
  local: { emit: (event: string, payload: unknown) => boolean };
}

/** Tells every live client this instance is going away and when to reconnect (`server:shutdown`). */
function announceShutdown(io: AnyServer, retryAfterMs: number): void {
  io.local.emit('server:shutdown', { retryAfterMs });
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`framewatch: ${error.message}\nSee .env.example for every setting.\n`);
      process.exit(2);
    }
    throw error;
  }
  const demo = config.demoData || process.argv.includes('--demo');
  const store = createStore(config);
  await store.init();
  const app = await buildApp({
    store,
    collection: config.collection,
    media: config.media,
    logger: {
      level: config.logLevel,
      ...(process.stdout.isTTY && { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } }),
    },
    auth: {
      ...config.auth,
      // Outside production a missing SESSION_SECRET is generated once and kept in DATA_DIR.
      sessionSecret: config.auth.sessionSecret ?? loadOrCreateSessionSecret(config.dataDir),
    },
    live: config.live,
    spool: config.spool ?? undefined,
    briefings: { timeZone: config.briefings.timeZone },
    alerts: {
      smtp: config.alerts.smtp,
      webhookAllowPrivateHosts: config.alerts.webhookAllowPrivateHosts,
      delivery: config.alerts.delivery,
      defaultCooldownSec: config.alerts.defaultCooldownSec,
      evaluationCron: config.alerts.evaluationCron,
    },
  });
  const firstAdmin = await ensureFirstAdmin(app.auth, config.auth, demo);

  let demoStream: DemoStream | null = null;
  if (demo) {
    const seeded = await seedDemoData(store, { log: (m) => app.log.info(m) });
    if (seeded > 0) app.log.info(`demo dataset stored: ${seeded} synthetic items, marked as demo data`);
    // A few synthetic items a second, so the live views move on a machine with no network.
    demoStream = startDemoStream(store, app.bus, { log: (m) => app.log.warn(m) });
  }

  // Instances sharing the store run each scheduled tick once: the one that takes the tick's lock.
  const lock = { store, owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}` };
  const scheduler = config.collection.schedulerEnabled
    ? new SourceScheduler(store, app.pipeline, { info: (m) => app.log.info(m), error: (m) => app.log.error(m) }, lock)
    : null;
  if (scheduler) {
    const scheduled = await scheduler.sync();
    app.log.info(`collection scheduler on: ${scheduled.length} source(s) scheduled`);
  }

  // Spread, spike and frame-shift rules and digests on a schedule; new_release and keyword rules
  // evaluate on ingest without it.
  const alertScheduler = config.alerts.scheduleEnabled
    ? new AlertScheduler(
        app.alerts,
        config.alerts.evaluationCron,
        {
          info: (m) => app.log.info(m),
          error: (m) => app.log.error(m),
        },
        undefined,
        lock,
      )
    : null;
  alertScheduler?.start();

  // The weekly briefing (default Monday 07:00 in BRIEFING_TIMEZONE) runs with the collection scheduler.
  const briefingScheduler = config.collection.schedulerEnabled
    ? new Scheduler({
        timezone: config.briefings.timeZone,
        log: { info: (m) => app.log.info(m), error: (m) => app.log.error(m) },
        lock,
      })
    : null;
  briefingScheduler?.add(briefingJob(app.briefings, config.briefings.cron));
  briefingScheduler?.start();

  const address = await app.listen({ host: config.host, port: config.port });
  const where = config.store === 'sqlite' ? config.sqliteFile : config.elasticsearch?.url;
  process.stdout.write(
    `\nFramewatch is running at ${address}/  (API docs: ${address}/docs; store: ${config.store} at ${where})\n` +
      `${describeFirstAdmin(firstAdmin)}\n\n`,
  );

  let closing = false;
  // Graceful: stop taking requests (new ones get 503 while closing), let in-flight requests and
  // their bulk writes finish, tell live clients when to come back, flush the spool (app.close),
  // close the store, exit 0. Past SHUTDOWN_TIMEOUT_SEC it exits 1 anyway (the spool's batches
  // were fsync'd as they were acknowledged, so nothing acknowledged is lost).
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: closing`);
    setTimeout(() => {
      app.log.error(`${signal}: not closed after ${config.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    try {
      demoStream?.stop();
      // The hint goes out before the sockets are closed (app.close ends them first).
      announceShutdown(app.live.io as unknown as AnyServer, 5_000);
      await scheduler?.stop();
      await briefingScheduler?.stop();
      await alertScheduler?.stop();
      await app.close();
      await store.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, `${signal}: closing failed`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `framewatch: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
