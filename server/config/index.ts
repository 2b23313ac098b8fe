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
  ELASTICSEARCH_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  ELASTICSEARCH_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  ELASTICSEARCH_USERNAME: Type.Optional(Type.String({ minLength: 1 })),
  ELASTICSEARCH_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  ELASTICSEARCH_CA_CERT: Type.Optional(Type.String({ minLength: 1, description: 'path to a PEM file' })),
  ELASTICSEARCH_INDEX_PREFIX: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,40}$', default: 'framewatch' }),
  ELASTICSEARCH_SHARDS: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  ELASTICSEARCH_REPLICAS: Type.Integer({ minimum: 0, maximum: 8, default: 0 }),
});

export interface ElasticsearchConfig {
  url: string;
  apiKey?: string;
  username?: string;
  password?: string;
  caCertPath?: string;
  indexPrefix: string;
  shards: number;
  replicas: number;
}

export interface Config {
  store: 'sqlite' | 'elasticsearch';
  dataDir: string;
  sqliteFile: string;
  host: string;
  port: number;
  logLevel: Static<typeof Env>['LOG_LEVEL'];
  demoData: boolean;
  elasticsearch: ElasticsearchConfig | null;
}

export class ConfigError extends Error {}

const NUMERIC = ['PORT', 'ELASTICSEARCH_SHARDS', 'ELASTICSEARCH_REPLICAS'];
const BOOLEAN = ['DEMO_DATA'];

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
    const lines = errors.map((e) => `${e.path.slice(1) || 'environment'}: ${e.message} (got ${JSON.stringify(e.value)})`);
    throw new ConfigError(`invalid configuration:\n  ${[...new Set(lines)].join('\n  ')}`);
  }
  const e = withDefaults as Static<typeof Env>;
  if (e.STORE === 'elasticsearch' && !e.ELASTICSEARCH_URL) {
    throw new ConfigError('invalid configuration:\n  ELASTICSEARCH_URL: required when STORE=elasticsearch');
  }
  if ((e.ELASTICSEARCH_USERNAME === undefined) !== (e.ELASTICSEARCH_PASSWORD === undefined)) {
    throw new ConfigError('invalid configuration:\n  ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD go together');
  }
  const dataDir = resolve(e.DATA_DIR);
  return {
    store: e.STORE,
    dataDir,
    sqliteFile: resolve(dataDir, 'framewatch.sqlite'),
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    demoData: e.DEMO_DATA,
    elasticsearch: e.ELASTICSEARCH_URL
      ? {
          url: e.ELASTICSEARCH_URL,
          apiKey: e.ELASTICSEARCH_API_KEY,
          username: e.ELASTICSEARCH_USERNAME,
          password: e.ELASTICSEARCH_PASSWORD,
          caCertPath: e.ELASTICSEARCH_CA_CERT,
          indexPrefix: e.ELASTICSEARCH_INDEX_PREFIX,
          shards: e.ELASTICSEARCH_SHARDS,
          replicas: e.ELASTICSEARCH_REPLICAS,
        }
      : null,
  };
}
