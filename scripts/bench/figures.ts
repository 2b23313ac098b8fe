/** Result shapes shared by the adapter modules and the JSON report. */
import type { OpResult } from './queries.js';

export interface Throughput {
  ms: number;
  perSec: number;
}

export interface IngestFigures {
  items: number;
  framewatch: Throughput;
  raw: Throughput;
  /** Framewatch items/s divided by raw items/s. */
  ratio: number;
}

export const perSecond = (items: number, ms: number): Throughput => ({ ms, perSec: items / (ms / 1000) });

/** Everything measured on one adapter when its store held `items` items. */
export interface SizeFigures {
  items: number;
  /** API ingest against raw writes over the last items written before the store reached this size. */
  ingest: IngestFigures;
  /** The whole stage that grew the store (and the raw baseline) from `fromItems` to this size. */
  stage: IngestFigures & { fromItems: number };
  ops: OpResult[];
  /** RSS of the bench process (client, API server and, for SQLite, the store) after the queries. */
  rssMb: number;
}

export interface StoreFigures {
  adapter: string;
  sizes: SizeFigures[];
}
