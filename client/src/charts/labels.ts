/**
 * The words in charts (axis and series names, tooltip lines) come from the interface strings'
 * `charts` section. The dashboard passes vue-i18n's translate function; without one (the server's
 * briefing charts, unit tests) the builders use the English catalogue directly.
 */
import { en } from '../i18n/en.js';
import { fillPlaceholders } from '../i18n/text.js';

export type ChartMessageKey = keyof typeof en.charts;
export type ChartMessageValues = Record<string, string | number>;
export type ChartTranslate = (key: ChartMessageKey, values?: ChartMessageValues) => string;

/** English chart text: the `charts` messages with `{name}` placeholders filled in. */
export const englishChartText: ChartTranslate = (key, values) => fillPlaceholders(en.charts[key], values);
