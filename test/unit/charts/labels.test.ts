/** Chart words come from the interface strings: English by default (briefings), the caller's translation otherwise. */
import { describe, expect, it } from 'vitest';
import {
  buildFramingHeatmapOption,
  buildMixOption,
  buildSpreadCurveOption,
  buildTimelineOption,
  type ChartTranslate,
  type MarkData,
} from '../../../client/src/charts/index.js';
import { aFraming, aSpread, aTimeline, someTerms } from './fixtures.js';

type AnySeries = { id?: string; name?: string; data: MarkData[] };
const seriesOf = (option: { series?: unknown }) => option.series as AnySeries[];
const axisName = (axis: unknown) =>
  Array.isArray(axis) ? axis.map((a: { name?: string }) => a.name) : (axis as { name?: string }).name;

/** A stand-in language: every message shown as its key and values, so the test sees where each word came from. */
const keys: ChartTranslate = (key, values = {}) =>
  `[${key}${Object.entries(values)
    .map(([k, v]) => ` ${k}=${v}`)
    .join('')}]`;

describe('chart words', () => {
  it('are English without a translate function, as the server’s briefing charts need', () => {
    const option = buildTimelineOption(aTimeline(), { zone: 'local' });
    expect([axisName(option.xAxis), axisName(option.yAxis)]).toEqual(['local time', 'items']);
    expect(seriesOf(option)[0]!.data[0]!.tip[1]).toMatch(/^UA: \d+ items$/u);
  });

  it('come from the translate function for axes, series names and tooltips', () => {
    const timeline = buildTimelineOption(aTimeline(), { zone: 'UTC', t: keys });
    expect([axisName(timeline.xAxis), axisName(timeline.yAxis)]).toEqual(['[axisUtc]', '[axisItems]']);
    const tip = seriesOf(timeline)[0]!.data[0]!.tip;
    expect(tip[0]).toMatch(/^\[bucket time=\[timeUtc time=2026-\d\d-\d\d \d\d:\d\d\] interval=\[interval_hour\]\]$/u);
    expect(tip[1]).toMatch(/^\[keyItems key=UA count=\d+\]$/u);

    const spread = buildSpreadCurveOption(aSpread(), { zone: 'UTC', t: keys });
    expect(axisName(spread.yAxis)).toEqual(['[axisPickups]', '[axisViews]']);
    expect(seriesOf(spread).map((s) => s.name)).toContain('[seriesPickups]');

    const mix = buildMixOption(someTerms(), { t: keys });
    expect(seriesOf(mix)[0]!.data[0]!.tip[0]).toMatch(/^\[fieldValue field=\[field_\w+\] value=.+\]$/u);

    const heatmap = buildFramingHeatmapOption(aFraming(), { t: keys });
    expect(seriesOf(heatmap)[0]!.name).toBe('[seriesShare]');
  });
});
