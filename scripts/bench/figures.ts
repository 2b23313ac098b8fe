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

export interface LoadFigures extends Throughput {
  items: number;
}

export const perSecond = (items: number, ms: number): Throughput => ({ ms, perSec: items / (ms / 1000) });

export interface QueryFigures {
  /** Loading the corpus through store.upsertItems (reported, not a target). */
  load: LoadFigures;
  ops: OpResult[];
}
