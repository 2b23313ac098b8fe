/**
 * Vitest global setup: a real Elasticsearch node for the suite. Uses ELASTICSEARCH_URL when it
 * points at a cluster, otherwise starts the local test node (test/elasticsearch) and stops it
 * after the run if this run started it.
 */
import type { TestProject } from 'vitest/node';
import { startElasticsearch } from './elasticsearch/node.js';

declare module 'vitest' {
  export interface ProvidedContext {
    elasticsearchUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.ELASTICSEARCH_URL;
  if (external) {
    project.provide('elasticsearchUrl', external.replace(/\/$/u, ''));
    return async () => {};
  }
  const started = Date.now();
  const node = await startElasticsearch({
    port: Number(process.env.FRAMEWATCH_TEST_ES_PORT ?? 9250),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(
    `Elasticsearch test node ready at ${node.url} in ${((Date.now() - started) / 1000).toFixed(1)} s${node.reused ? ' (reused)' : ''}\n`,
  );
  project.provide('elasticsearchUrl', node.url);
  return node.stop;
}
