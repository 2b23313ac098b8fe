/**
 * Configuration: read from the environment and validated once at start-up. Nothing else in
 * Framewatch reads process.env; everything receives the Config it needs.
 */
import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Env = Type.Object({
  STORE: Type.Union([Type.Literal('sqlite'), Type.Literal('elasticsearch')], { default: 'sqlite' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  DEMO_DATA: Type.Boolean({ default: false }),
  ELASTICSEARCH_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^,\\s]+(,https?://[^,\\s]+)*$',
      description: 'a node URL, or every node of a cluster comma-separated',
    }),
  ),
  ELASTICSEARCH_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  ELASTICSEARCH_USERNAME: Type.Optional(Type.String({ minLength: 1 })),
  ELASTICSEARCH_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  ELASTICSEARCH_CA_CERT: Type.Optional(Type.String({ minLength: 1, description: 'path to a PEM file' })),
  ELASTICSEARCH_INDEX_PREFIX: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,40}$', default: 'framewatch' }),
  ELASTICSEARCH_SHARDS: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  ELASTICSEARCH_REPLICAS: Type.Integer({ minimum: 0, maximum: 8, default: 0 }),
  NODE_ENV: Type.String({ default: 'development' }),
  SESSION_SECRET: Type.Optional(Type.String({ minLength: 32, description: 'signs session cookies' })),
  SESSION_TTL_HOURS: Type.Integer({ minimum: 1, maximum: 720, default: 12 }),
  COOKIE_SECURE: Type.Optional(Type.Boolean()),
  ADMIN_USERNAME: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$' })),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 12, maxLength: 1024 })),
  RATE_LIMIT_API_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 600 }),
  RATE_LIMIT_LOGIN_MAX: Type.Integer({ minimum: 1, maximum: 10_000, default: 10 }),
  RATE_LIMIT_WINDOW_SEC: Type.Integer({ minimum: 1, maximum: 86_400, default: 60 }),
  LOCKOUT_THRESHOLD: Type.Integer({ minimum: 1, maximum: 1000, default: 5 }),
  LOCKOUT_MINUTES: Type.Integer({ minimum: 1, maximum: 10_080, default: 15 }),
  SCHEDULER_ENABLED: Type.Boolean({ default: false }),
  FETCH_ALLOW_PRIVATE: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9.:\\[\\]_-]+(,[A-Za-z0-9.:\\[\\]_-]+)*$', description: 'host[:port] list' }),
  ),
  MEDIA_CACHE_MAX_MB: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 512 }),
  SPOOL_ENABLED: Type.Boolean({ default: true }),
  SPOOL_DIR: Type.Optional(Type.String({ minLength: 1 })),
  SPOOL_MAX_MB: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1024 }),
  SHUTDOWN_TIMEOUT_SEC: Type.Integer({ minimum: 1, maximum: 3600, default: 25 }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  LIVE_STATS_INTERVAL_SEC: Type.Integer({ minimum: 1, maximum: 3600, default: 10 }),
  BRIEFING_TIMEZONE: Type.String({ minLength: 1, default: 'Europe/Kyiv', description: 'IANA zone of briefing periods' }),
  BRIEFING_CRON: Type.String({
    minLength: 9,
    default: '0 7 * * 1',
    description: 'weekly briefing schedule, in BRIEFING_TIMEZONE',
  }),
  SMTP_HOST: Type.Optional(Type.String({ minLength: 1 })),
  SMTP_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
  SMTP_SECURE: Type.Boolean({ default: false }),
  SMTP_REQUIRE_TLS: Type.Boolean({ default: false }),
  SMTP_USER: Type.Optional(Type.String({ minLength: 1 })),
  SMTP_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  SMTP_FROM: Type.String({ minLength: 3, default: 'Framewatch <framewatch@localhost>' }),
  ALERTS_ENABLED: Type.Boolean({ default: true }),
  ALERTS_EVALUATION_CRON: Type.String({ minLength: 9, default: '* * * * *' }),
  ALERTS_COOLDOWN_SEC: Type.Integer({ minimum: 0, maximum: 604_800, default: 300 }),
  ALERTS_DELIVERY_TIMEOUT_SEC: Type.Integer({ minimum: 1, maximum: 300, default: 10 }),
  ALERTS_DELIVERY_RETRIES: Type.Integer({ minimum: 0, maximum: 20, default: 5 }),
  ALERTS_RETRY_BASE_MS: Type.Integer({ minimum: 10, maximum: 600_000, default: 2000 }),
  ALERTS_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  ALERTS_WEBHOOK_ALLOW_PRIVATE: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9.:\\[\\]_-]+(,[A-Za-z0-9.:\\[\\]_-]+)*$', description: 'host[:port] list' }),
  ),
});

export interface ElasticsearchConfig {
  /** The first node's URL. */
  url: string;
  /** Every node's URL when ELASTICSEARCH_URL lists several: requests go round them and fail over. */
  nodes?: string[];
  apiKey?: string;
  username?: string;
  password?: string;
  caCertPath?: string;
  indexPrefix: string;
  shards: number;
  replicas: number;
}

export interface AuthConfig {
  /** null outside production: a secret is generated once and kept in DATA_DIR (see auth/secret.ts). */
  sessionSecret: string | null;
  sessionTtlMs: number;
  cookieSecure: boolean;
  /** The first admin, created on start when the store has no users. */
  admin: { username: string; password: string } | null;
  apiRateLimit: number;
  loginRateLimit: number;
  rateLimitWindowMs: number;
  lockoutThreshold: number;
  lockoutMs: number;
}

export interface LiveConfig {
  /** Several instances share live events through Redis (the socket.io Redis adapter). */
  redisUrl: string | undefined;
  statsIntervalMs: number;
}

export interface Config {
  store: 'sqlite' | 'elasticsearch';
  production: boolean;
  dataDir: string;
  sqliteFile: string;
  host: string;
  port: number;
  logLevel: Static<typeof Env>['LOG_LEVEL'];
  demoData: boolean;
  elasticsearch: ElasticsearchConfig | null;
  auth: AuthConfig;
  collection: CollectionConfig;
  /** Thumbnails fetched for sensitive-media reveals, cached under DATA_DIR/media-cache. */
  media: { cacheDir: string; cacheMaxBytes: number };
  /** The on-disk ingest spool used while the store is unreachable (null: disabled, ingest answers 503). */
  spool: { dir: string; maxBytes: number } | null;
  /** How long SIGTERM waits for in-flight requests and writes before exiting anyway. */
  shutdownTimeoutMs: number;
  live: LiveConfig;
  /** Weekly briefings: the zone periods are reckoned in, and when the scheduler generates one. */
  briefings: { timeZone: string; cron: string };
  alerts: AlertsConfig;
}

export interface AlertsConfig {
  /** Run the scheduled evaluation (spread, spike, shift, digests) in this process. */
  scheduleEnabled: boolean;
  evaluationCron: string;
  defaultCooldownSec: number;
  /** Private or loopback hosts (host or host:port) webhooks may reach. */
  webhookAllowPrivateHosts: string[];
  smtp: {
    host: string;
    port: number;
    secure: boolean;
    requireTls: boolean;
    user?: string;
    password?: string;
    from: string;
  } | null;
  delivery: { timeoutMs: number; retries: number; retryBaseMs: number; maxRetryDelayMs: number; publicUrl?: string };
}

export interface CollectionConfig {
  /** Run every enabled source on its cron schedule in this process. */
  schedulerEnabled: boolean;
  /** Private or loopback hosts (host or host:port) the fetcher may reach: an operator's internal feeds. */
  allowPrivateHosts: string[];
}

export class ConfigError extends Error {}

const NUMERIC = [
  'SPOOL_MAX_MB',
  'SHUTDOWN_TIMEOUT_SEC',
  'PORT',
  'ELASTICSEARCH_SHARDS',
  'ELASTICSEARCH_REPLICAS',
  'SESSION_TTL_HOURS',
  'RATE_LIMIT_API_MAX',
  'RATE_LIMIT_LOGIN_MAX',
  'RATE_LIMIT_WINDOW_SEC',
  'LOCKOUT_THRESHOLD',
  'LOCKOUT_MINUTES',
  'MEDIA_CACHE_MAX_MB',
  'LIVE_STATS_INTERVAL_SEC',
  'SMTP_PORT',
  'ALERTS_COOLDOWN_SEC',
  'ALERTS_DELIVERY_TIMEOUT_SEC',
  'ALERTS_DELIVERY_RETRIES',
  'ALERTS_RETRY_BASE_MS',
];
const BOOLEAN = [
  'SPOOL_ENABLED',
  'SMTP_SECURE',
  'SMTP_REQUIRE_TLS',
  'ALERTS_ENABLED',
  'DEMO_DATA',
  'COOKIE_SECURE',
  'SCHEDULER_ENABLED',
];

/** Validates an environment (process.env by default) into a Config, or throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(Env.properties);
  const raw: Record<string, unknown> = {};
  for (const key of known) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    if (NUMERIC.includes(key)) raw[key] = /^-?\d+$/u.test(value) ? Number(value) : value;
    else if (BOOLEAN.includes(key))
      raw[key] = value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
    else raw[key] = value;
  }
  const withDefaults = Value.Default(Env, raw);
  const errors = [...Value.Errors(Env, withDefaults)];
  if (errors.length > 0) {
    // Secrets are never echoed into logs, even when they are wrong.
    const shown = (path: string, value: unknown) =>
      /SECRET|PASSWORD|API_KEY/u.test(path) ? 'a hidden value' : JSON.stringify(value);
    const lines = errors.map((e) => `${e.path.slice(1) || 'environment'}: ${e.message} (got ${shown(e.path, e.value)})`);
    throw new ConfigError(`invalid configuration:\n  ${[...new Set(lines)].join('\n  ')}`);
  }
  const e = withDefaults as Static<typeof Env>;
  if (e.STORE === 'elasticsearch' && !e.ELASTICSEARCH_URL) {
    throw new ConfigError('invalid configuration:\n  ELASTICSEARCH_URL: required when STORE=elasticsearch');
  }
  if ((e.ELASTICSEARCH_USERNAME === undefined) !== (e.ELASTICSEARCH_PASSWORD === undefined)) {
    throw new ConfigError('invalid configuration:\n  ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD go together');
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: e.BRIEFING_TIMEZONE });
  } catch {
    throw new ConfigError(`invalid configuration:\n  BRIEFING_TIMEZONE: "${e.BRIEFING_TIMEZONE}" is not an IANA time zone`);
  }
  const production = e.NODE_ENV === 'production';
  if (production && !e.SESSION_SECRET) {
    throw new ConfigError('invalid configuration:\n  SESSION_SECRET: required when NODE_ENV=production (32+ random characters)');
  }
  if ((e.ADMIN_USERNAME === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('invalid configuration:\n  ADMIN_USERNAME and ADMIN_PASSWORD go together');
  }
  const dataDir = resolve(e.DATA_DIR);
  return {
    store: e.STORE,
    production,
    dataDir,
    sqliteFile: resolve(dataDir, 'framewatch.sqlite'),
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    demoData: e.DEMO_DATA,
    elasticsearch: e.ELASTICSEARCH_URL
      ? {
          url: e.ELASTICSEARCH_URL.split(',')[0] ?? e.ELASTICSEARCH_URL,
          ...(e.ELASTICSEARCH_URL.includes(',') && { nodes: e.ELASTICSEARCH_URL.split(',') }),
          apiKey: e.ELASTICSEARCH_API_KEY,
          username: e.ELASTICSEARCH_USERNAME,
          password: e.ELASTICSEARCH_PASSWORD,
          caCertPath: e.ELASTICSEARCH_CA_CERT,
          indexPrefix: e.ELASTICSEARCH_INDEX_PREFIX,
          shards: e.ELASTICSEARCH_SHARDS,
          replicas: e.ELASTICSEARCH_REPLICAS,
        }
      : null,
    media: { cacheDir: resolve(dataDir, 'media-cache'), cacheMaxBytes: e.MEDIA_CACHE_MAX_MB * 1024 * 1024 },
    spool: e.SPOOL_ENABLED
      ? { dir: resolve(e.SPOOL_DIR ?? resolve(dataDir, 'spool')), maxBytes: e.SPOOL_MAX_MB * 1024 * 1024 }
      : null,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SEC * 1000,
    collection: {
      schedulerEnabled: e.SCHEDULER_ENABLED,
      allowPrivateHosts: e.FETCH_ALLOW_PRIVATE ? e.FETCH_ALLOW_PRIVATE.split(',') : [],
    },
    auth: {
      sessionSecret: e.SESSION_SECRET ?? null,
      sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
      cookieSecure: e.COOKIE_SECURE ?? production,
      admin: e.ADMIN_USERNAME && e.ADMIN_PASSWORD ? { username: e.ADMIN_USERNAME, password: e.ADMIN_PASSWORD } : null,
      apiRateLimit: e.RATE_LIMIT_API_MAX,
      loginRateLimit: e.RATE_LIMIT_LOGIN_MAX,
      rateLimitWindowMs: e.RATE_LIMIT_WINDOW_SEC * 1000,
      lockoutThreshold: e.LOCKOUT_THRESHOLD,
      lockoutMs: e.LOCKOUT_MINUTES * 60_000,
    },
    live: { redisUrl: e.REDIS_URL, statsIntervalMs: e.LIVE_STATS_INTERVAL_SEC * 1000 },
    briefings: { timeZone: e.BRIEFING_TIMEZONE, cron: e.BRIEFING_CRON },
    alerts: {
      scheduleEnabled: e.ALERTS_ENABLED,
      evaluationCron: e.ALERTS_EVALUATION_CRON,
      defaultCooldownSec: e.ALERTS_COOLDOWN_SEC,
      webhookAllowPrivateHosts: e.ALERTS_WEBHOOK_ALLOW_PRIVATE ? e.ALERTS_WEBHOOK_ALLOW_PRIVATE.split(',') : [],
      smtp: e.SMTP_HOST
        ? {
            host: e.SMTP_HOST,
            port: e.SMTP_PORT,
            secure: e.SMTP_SECURE,
            requireTls: e.SMTP_REQUIRE_TLS,
            ...(e.SMTP_USER && { user: e.SMTP_USER }),
            ...(e.SMTP_PASSWORD && { password: e.SMTP_PASSWORD }),
            from: e.SMTP_FROM,
          }
        : null,
      delivery: {
        timeoutMs: e.ALERTS_DELIVERY_TIMEOUT_SEC * 1000,
        retries: e.ALERTS_DELIVERY_RETRIES,
        retryBaseMs: e.ALERTS_RETRY_BASE_MS,
        maxRetryDelayMs: 10 * 60_000,
        ...(e.ALERTS_PUBLIC_URL && { publicUrl: e.ALERTS_PUBLIC_URL }),
      },
    },
  };
}
