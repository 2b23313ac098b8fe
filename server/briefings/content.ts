/**
 * A briefing's content as format-neutral blocks of plain text (headings, paragraphs, tables,
 * charts, quotes). HTML, Markdown and PDF each render these blocks and escape every string
 * themselves: collected text is hostile and never reaches a format as markup.
 */
import { exactNumber, humanize, sharePercent } from '../../client/src/charts/index.js';
import type { BriefingRecord } from '../store/port.js';
import type { BriefingChart } from './charts.js';
import { localText, periodText } from './period.js';
import type { BriefingData } from './types.js';

export type Block =
  | { kind: 'h1' | 'h2' | 'h3'; text: string }
  | { kind: 'p'; text: string; muted?: boolean }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][]; numeric: boolean[] }
  | { kind: 'chart'; chart: BriefingChart }
  | { kind: 'quote'; text: string; lang: string; cite: string; url: string | null };

export const SECTION = {
  headline: 'Headline numbers',
  releases: 'Top releases by spread',
  framing: 'Framing: side × frame',
  sources: 'New and newly active sources',
  alerts: 'Alerts fired',
  markers: 'Event markers',
  quotes: 'Notable items',
  method: 'Method note',
} as const;

function delta(current: number, previous: number): string {
  const d = current - previous;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const pct = previous > 0 ? ` (${sign}${Math.abs((d / previous) * 100).toFixed(1)}%)` : '';
  return `${sign}${exactNumber(Math.abs(d))}${pct}`;
}

function delayText(sec: number | null): string {
  if (sec === null) return '—';
  if (sec < 3600) return `${Math.round(sec / 60)} min`;
  if (sec < 86_400) return `${(sec / 3600).toFixed(1)} h`;
  return `${(sec / 86_400).toFixed(1)} d`;
}

export function briefingBlocks(
  record: BriefingRecord,
  data: BriefingData,
  charts: { activity: BriefingChart; framing: BriefingChart; releases: BriefingChart[] },
): Block[] {
  const tz = data.period.timeZone;
  const at = (iso: string) => `${localText(iso, tz)}`;
  const blocks: Block[] = [
    { kind: 'h1', text: record.title },
    {
      kind: 'p',
      text: `Period ${periodText(data.period)}, compared with ${periodText(data.previousPeriod)}. Scope: ${data.method.scopeText}. Data as of ${at(data.asOf)} (${tz}). Status: ${record.status === 'final' ? `final, ${record.finalisedAt ? at(record.finalisedAt) : ''} by ${record.finalisedBy ?? 'unknown'}` : 'draft'}${record.revisionOf ? `; revises ${record.revisionOf}` : ''}.`,
      muted: true,
    },
  ];
  if (record.summary.trim()) {
    blocks.push({ kind: 'h2', text: 'Summary' });
    for (const para of record.summary.split(/\n{2,}/u)) blocks.push({ kind: 'p', text: para.trim() });
  }

  blocks.push({ kind: 'h2', text: SECTION.headline });
  blocks.push({
    kind: 'table',
    head: ['Measure', 'This period', 'Previous period', 'Change'],
    rows: data.headline.map((h) => [h.label, exactNumber(h.current), exactNumber(h.previous), delta(h.current, h.previous)]),
    numeric: [false, true, true, true],
  });
  blocks.push({
    kind: 'table',
    head: ['Side', 'Items', 'Previous', 'Change'],
    rows: data.sides.map((s) => [s.side, exactNumber(s.current), exactNumber(s.previous), delta(s.current, s.previous)]),
    numeric: [false, true, true, true],
  });
  blocks.push({ kind: 'chart', chart: charts.activity });

  blocks.push({ kind: 'h2', text: SECTION.releases });
  if (data.releases.length === 0) blocks.push({ kind: 'p', text: 'No release was first seen in the period.' });
  data.releases.forEach((r, i) => {
    const s = r.summary;
    blocks.push({ kind: 'h3', text: `${i + 1}. ${s.title}` });
    blocks.push({
      kind: 'p',
      text: `First seen ${at(s.firstSeenAt)}${s.side ? ` (${s.side}, ${s.sourceId ?? ''})` : ''}. Spread score ${s.spreadScore}; ${exactNumber(s.pickups)} pickups by ${exactNumber(s.distinctSources)} sources on ${exactNumber(s.distinctSides)} sides in ${exactNumber(s.distinctLangs)} languages; ${exactNumber(s.summedViews)} views.${s.url ? ` Original: ${s.url}` : ''}`,
    });
    const note = record.releaseNotes[s.id];
    if (note?.trim()) blocks.push({ kind: 'p', text: `Analyst note: ${note.trim()}` });
    blocks.push({
      kind: 'table',
      head: ['Side', 'First picked up by', 'At', 'After the original'],
      rows: r.firstPerSide.map((f) => [f.side, f.sourceName, at(f.firstSeenAt), delayText(f.delaySec)]),
      numeric: [false, false, false, true],
    });
    const chart = charts.releases[i];
    if (chart) blocks.push({ kind: 'chart', chart });
  });

  blocks.push({ kind: 'h2', text: SECTION.framing });
  blocks.push({ kind: 'chart', chart: charts.framing });
  blocks.push({
    kind: 'table',
    head: ['Side', 'Items', ...data.framing.current.frames.map(humanize)],
    rows: data.framing.current.sides.map((side) => [
      side.side,
      exactNumber(side.items),
      ...data.framing.current.frames.map((frame) => {
        const cell = data.framing.current.cells.find((c) => c.side === side.side && c.frame === frame);
        return cell ? `${exactNumber(cell.count)} (${sharePercent(cell.share)})` : '0';
      }),
    ]),
    numeric: [false, true, ...data.framing.current.frames.map(() => true)],
  });
  blocks.push({ kind: 'h3', text: 'Largest shifts against the previous period' });
  if (data.framing.shifts.length === 0) blocks.push({ kind: 'p', text: 'No shift: no side had items in both periods.' });
  else
    blocks.push({
      kind: 'table',
      head: ['Side', 'Frame', 'Share now', 'Share before', 'Change (points)'],
      rows: data.framing.shifts.map((s) => [
        s.side,
        humanize(s.frame),
        sharePercent(s.share),
        s.previousShare === null ? '—' : sharePercent(s.previousShare),
        s.change === null ? '—' : `${s.change > 0 ? '+' : '−'}${Math.abs(s.change * 100).toFixed(1)}`,
      ]),
      numeric: [false, false, true, true, true],
    });

  blocks.push({ kind: 'h2', text: SECTION.sources });
  if (data.sources.length === 0) blocks.push({ kind: 'p', text: 'No new or newly active source.' });
  else
    blocks.push({
      kind: 'table',
      head: ['Source', 'Side', 'Platform', 'Items', 'Previous', 'Status'],
      rows: data.sources.map((s) => [
        s.name,
        s.side,
        s.platform,
        exactNumber(s.items),
        exactNumber(s.previousItems),
        s.status === 'new' ? 'new' : 'newly active',
      ]),
      numeric: [false, false, false, true, true, false],
    });

  blocks.push({ kind: 'h2', text: SECTION.alerts });
  if (!data.alerts.available) blocks.push({ kind: 'p', text: `Alerts: not available — ${data.alerts.reason}.` });
  else if (data.alerts.items.length === 0) blocks.push({ kind: 'p', text: 'No alert fired in the period.' });
  else
    blocks.push({
      kind: 'table',
      head: ['Fired', 'Severity', 'Rule', 'Summary'],
      rows: data.alerts.items.map((a) => [at(a.firedAt), a.severity, a.ruleName, a.summary]),
      numeric: [false, false, false, false],
    });

  blocks.push({ kind: 'h2', text: SECTION.markers });
  if (!data.markers.available) blocks.push({ kind: 'p', text: `Event markers: not available — ${data.markers.reason}.` });
  else if (data.markers.items.length === 0) blocks.push({ kind: 'p', text: 'No event marker in the period.' });
  else
    blocks.push({
      kind: 'table',
      head: ['When', 'Event', 'Sides', 'Description'],
      rows: data.markers.items.map((m) => [at(m.at), m.label, m.sides.length ? m.sides.join(', ') : 'all', m.description ?? '']),
      numeric: [false, false, false, false],
    });

  blocks.push({ kind: 'h2', text: SECTION.quotes });
  if (data.quotes.length === 0) blocks.push({ kind: 'p', text: 'No item in the period.' });
  for (const q of data.quotes) {
    blocks.push({
      kind: 'quote',
      text: q.quote,
      lang: q.lang,
      cite: `${q.sourceName} (${q.side}, ${q.lang}) — published ${at(q.publishedAt)}, captured ${at(q.collectedAt)}, ${exactNumber(q.views)} views`,
      url: q.url,
    });
  }

  blocks.push({ kind: 'h2', text: SECTION.method });
  blocks.push({
    kind: 'list',
    items: [
      `Sources covered: ${exactNumber(data.method.sourcesCovered)} registered in scope; ${exactNumber(data.method.sourcesWithItems)} with items in the period.`,
      `Framing codebook version: ${data.method.codebookVersion}.`,
      data.method.gaps.length === 0
        ? 'Collection gaps: no source in scope had a failed run in the period.'
        : `Collection gaps: ${data.method.gaps.length} source(s) whose last run in the period failed: ${data.method.gaps
            .map((g) => `${g.sourceName} (${g.lastRunAt ? at(g.lastRunAt) : '?'}: ${g.lastError ?? 'no error recorded'})`)
            .join('; ')}.`,
      ...data.method.notes,
      `Times are ${tz} unless marked UTC. Generated ${at(record.createdAt)} by ${record.createdBy} (${record.trigger}); briefing ${record.id}.`,
    ],
  });
  return blocks;
}
