/** Shares of a field (platform, language, source, kind): horizontal bars, each bar a filter. */
import type { TermsResponse } from '../api/types.js';
import { exactNumber, sharePercent } from './format.js';
import { categoryColor, humanize, sideColor } from './palette.js';
import type { ChartOption, MarkData } from './types.js';

export interface MixOptions {
  /** Display names for keys (e.g. source ids to names); keys are shown as they are otherwise. */
  labels?: Record<string, string>;
  baseFilter?: Record<string, string>;
}

export function buildMixOption(terms: TermsResponse, options: MixOptions = {}): ChartOption {
  // The API's field name is the search filter's name too, except that it is singular in both.
  const field = terms.field;
  const label = (key: string) => options.labels?.[key] ?? (field === 'frame' ? humanize(key) : key);
  const buckets = [...terms.buckets].reverse();
  const data = buckets.map((bucket): MarkData => ({
    value: bucket.count,
    name: label(bucket.key),
    filter: { ...options.baseFilter, [field]: bucket.key },
    itemStyle: { color: field === 'side' ? sideColor(bucket.key) : categoryColor(bucket.key) },
    tip: [
      `${field}: ${label(bucket.key)}`,
      `${exactNumber(bucket.count)} items (${terms.total > 0 ? sharePercent(bucket.count / terms.total) : '0.0%'} of ${exactNumber(terms.total)})`,
    ],
  }));
  return {
    backgroundColor: 'transparent',
    animation: false,
    aria: { enabled: true },
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'category', data: buckets.map((b) => label(b.key)), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [
      {
        id: field,
        name: humanize(field),
        type: 'bar',
        data,
        label: { show: true, position: 'right', formatter: (p: { value?: unknown }) => exactNumber(Number(p.value ?? 0)) },
      },
    ],
  };
}
