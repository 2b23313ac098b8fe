/**
 * What every chart option builder promises: an ECharts option whose clickable marks carry the
 * item filter behind them (`filter`) and the exact numbers for the tooltip (`tip`), as plain text.
 */
import type { EChartsOption } from 'echarts';
import type { ChartTranslate } from './labels.js';
import type { ChartMarker } from './markers.js';

/** Filter of the items behind a mark, in the search API's names (side, frame, lang, release, from, to…). */
export type MarkFilter = Record<string, string>;

export interface MarkData<V = number | [string | number, number] | [number, number, number]> {
  value: V;
  filter: MarkFilter;
  /** Tooltip lines, plain text: rendered with textContent, never as markup. */
  tip: string[];
  name?: string;
  itemStyle?: { color: string };
}

export type ZoneMode = 'UTC' | 'local';

export interface TimeOptions {
  /** Axis labels in UTC (the API's buckets) or in the viewer's zone. */
  zone: ZoneMode;
  /** Event markers drawn as vertical lines (those inside the chart's data range). */
  markers?: readonly ChartMarker[];
  /** Chart words (axis names, tooltips); English when absent. */
  t?: ChartTranslate;
}

/** What a builder without a time axis takes for its words. */
export interface TextOptions {
  /** Chart words (axis names, tooltips); English when absent. */
  t?: ChartTranslate;
}

export type ChartOption = EChartsOption;

/** The filter carried by a clicked mark, or null when the mark has none. */
export function markFilter(data: unknown): MarkFilter | null {
  if (typeof data !== 'object' || data === null) return null;
  const filter = (data as { filter?: unknown }).filter;
  if (typeof filter !== 'object' || filter === null) return null;
  const entries = Object.entries(filter).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}
