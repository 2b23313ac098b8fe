/** Pure threshold logic: spike detection on a count series, spread escalation levels, frame shifts. */
import type { RuleParams } from '../store/alerts/port.js';
import { SPREAD_METRICS } from './rules.js';

export interface SpikeParams {
  ratio: number;
  minCount: number;
  zScore?: number;
}

export interface SpikeResult {
  spike: boolean;
  latest: number;
  baselineMean: number;
  baselineStd: number;
  /** latest / mean; Infinity when the baseline is all zeros. */
  ratio: number;
  /** (latest - mean) / std; null when the baseline does not vary. */
  zScore: number | null;
}

/**
 * Whether `latest` spikes above `baseline` (the previous buckets' counts): at least minCount items,
 * at least `ratio` times the baseline mean (a zero baseline counts as one item, so a first
 * appearance still needs minCount and ratio), and, when asked, a z-score of at least zScore.
 */
export function detectSpike(baseline: readonly number[], latest: number, params: SpikeParams): SpikeResult {
  const n = baseline.length;
  const mean = n === 0 ? 0 : baseline.reduce((a, b) => a + b, 0) / n;
  const variance = n === 0 ? 0 : baseline.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  const std = Math.sqrt(variance);
  const ratio = mean === 0 ? (latest === 0 ? 0 : Number.POSITIVE_INFINITY) : latest / mean;
  // With no variation the z-score is undefined; the ratio then decides alone.
  const z = std === 0 ? null : (latest - mean) / std;
  const spike =
    latest >= params.minCount &&
    latest >= params.ratio * Math.max(mean, 1) &&
    (params.zScore === undefined || z === null || z >= params.zScore);
  return {
    spike,
    latest,
    baselineMean: round(mean),
    baselineStd: round(std),
    ratio: round(ratio),
    zScore: z === null ? null : round(z),
  };
}

const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : v);

export type SpreadMetrics = Record<(typeof SPREAD_METRICS)[number], number>;

export interface SpreadLevel {
  /** Thresholds crossed by the metric that crossed the most (0 = none). */
  level: number;
  /** The highest threshold each metric crossed. */
  crossed: Record<string, number>;
}

export function spreadLevel(metrics: SpreadMetrics, params: RuleParams): SpreadLevel {
  let level = 0;
  const crossed: Record<string, number> = {};
  for (const m of SPREAD_METRICS) {
    const thresholds = params[m];
    if (!thresholds) continue;
    const passed = thresholds.filter((t) => metrics[m] >= t);
    if (passed.length === 0) continue;
    crossed[m] = passed[passed.length - 1] ?? 0;
    level = Math.max(level, passed.length);
  }
  return { level, crossed };
}
