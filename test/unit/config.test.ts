import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/index.js';

describe('configuration', () => {
  it('runs the embedded store by default', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ store: 'sqlite', port: 8080, host: '127.0.0.1', elasticsearch: null, demoData: false });
    expect(config.sqliteFile).toMatch(/data\/framewatch\.sqlite$/u);
  });

  it('reads Elasticsearch settings', () => {
    const config = loadConfig({
      STORE: 'elasticsearch',
      ELASTICSEARCH_URL: 'https://es:9200',
      ELASTICSEARCH_API_KEY: 'k',
      ELASTICSEARCH_REPLICAS: '1',
    });
    expect(config.elasticsearch).toMatchObject({ url: 'https://es:9200', apiKey: 'k', replicas: 1, indexPrefix: 'framewatch' });
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', STORE: 'mongo', LOG_LEVEL: 'loud' })).toThrow(/PORT[\s\S]*STORE|STORE[\s\S]*PORT/u);
    expect(() => loadConfig({ STORE: 'elasticsearch' })).toThrow(/ELASTICSEARCH_URL: required/u);
    expect(() => loadConfig({ ELASTICSEARCH_URL: 'http://x', ELASTICSEARCH_USERNAME: 'u' })).toThrow(/go together/u);
  });
});
