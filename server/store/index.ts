/** Chooses the store adapter once, from configuration. */
import type { Config } from '../config/index.js';
import { ElasticsearchStore } from './elasticsearch/elasticsearch-store.js';
import type { Store } from './port.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

export function createStore(config: Config): Store {
  if (config.store === 'elasticsearch') {
    if (!config.elasticsearch) throw new Error('STORE=elasticsearch needs ELASTICSEARCH_URL');
    return new ElasticsearchStore(config.elasticsearch);
  }
  return new SqliteStore({ file: config.sqliteFile });
}

export type { Store } from './port.js';
