/** Timing, percentiles and memory peaks for the benchmark runner. */

export interface Summary {
  n: number;
  p50: number;
  p95: number;
}

/** Nearest-rank percentile: with 30 samples p95 is the 29th, a real observed value, not an interpolation. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/** Runs fn and returns its result with the elapsed wall time in milliseconds. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/**
 * Peak heap, sampled: V8 keeps no high-water mark, so a 50 ms timer records the largest heapUsed it
 * sees. Peak RSS needs no sampling (the kernel keeps maxRSS).
 */
export function watchMemory(): { stop: () => { peakRssMb: number; peakHeapMb: number } } {
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      return { peakRssMb: process.resourceUsage().maxRSS / 1024, peakHeapMb: peakHeap / 2 ** 20 };
    },
  };
}
