/** The spike detector fires on known spikes in synthetic series and stays quiet on normal variation. */
import { describe, expect, it } from 'vitest';
import { detectSpike, spreadLevel } from '../../../server/alerts/detect.js';
import { Throttle } from '../../../server/alerts/throttle.js';

/** A deterministic noisy series around `level` (no Math.random: the test must not flake). */
function series(length: number, level: number, seed = 7): number[] {
  let s = seed;
  return Array.from({ length }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return Math.max(0, Math.round(level + ((s / 2 ** 31) * 2 - 1) * level * 0.4));
  });
}

const params = { ratio: 3, minCount: 5, zScore: 3 };

describe('detectSpike', () => {
  it('fires on injected spikes and on nothing else', () => {
    const counts = series(200, 10);
    const spikes = new Set([40, 90, 150]);
    for (const i of spikes) counts[i] = 60;
    const fired: number[] = [];
    for (let i = 12; i < counts.length; i++) {
      if (detectSpike(counts.slice(i - 12, i), counts[i] ?? 0, params).spike) fired.push(i);
    }
    expect(fired).toEqual([...spikes]);
  });

  it('stays quiet on normal variation at every level', () => {
    for (const level of [0, 1, 5, 50, 500]) {
      const counts = series(300, level, level + 3);
      for (let i = 12; i < counts.length; i++) {
        expect(detectSpike(counts.slice(i - 12, i), counts[i] ?? 0, params).spike, `level ${level} at ${i}`).toBe(false);
      }
    }
  });

  it('needs the minimum count, even from a zero baseline', () => {
    expect(detectSpike(Array(12).fill(0), 4, params).spike).toBe(false);
    expect(detectSpike(Array(12).fill(0), 5, params)).toMatchObject({
      spike: true,
      ratio: Number.POSITIVE_INFINITY,
      zScore: null,
    });
  });

  it('respects the ratio and the optional z-score', () => {
    const noisy = [2, 18, 3, 17, 1, 19, 2, 18, 3, 17, 1, 19];
    expect(detectSpike(noisy, 31, { ratio: 3, minCount: 5 }).spike).toBe(true);
    expect(detectSpike(noisy, 31, { ratio: 3, minCount: 5, zScore: 3 }).spike).toBe(false);
    expect(detectSpike([10, 10, 10], 25, { ratio: 3, minCount: 5 }).spike).toBe(false);
  });
});

describe('spreadLevel', () => {
  it('counts the thresholds crossed by the metric that crossed the most', () => {
    const metrics = { pickups: 12, distinctSources: 4, distinctSides: 2, summedViews: 0 };
    expect(spreadLevel(metrics, { pickups: [5, 10, 50], distinctSides: [3] })).toEqual({ level: 2, crossed: { pickups: 10 } });
    expect(spreadLevel(metrics, { summedViews: [1] })).toEqual({ level: 0, crossed: {} });
  });
});

describe('Throttle', () => {
  it('notifies, holds during the cooldown, and releases one digest when it ends', () => {
    const t = new Throttle();
    expect(t.offer('r', 'a1', 1000, 0)).toBe('notify');
    expect(t.offer('r', 'a2', 1000, 100)).toBe('held');
    expect(t.offer('r', 'a3', 1000, 200)).toBe('held');
    expect(t.due(500, () => 1000)).toEqual([]);
    expect(t.due(1000, () => 1000)).toEqual([{ ruleId: 'r', alertIds: ['a2', 'a3'], since: 100 }]);
    // The digest started a new cooldown.
    expect(t.offer('r', 'a4', 1000, 1500)).toBe('held');
    expect(t.offer('other', 'b1', 1000, 1500)).toBe('notify');
  });
});
