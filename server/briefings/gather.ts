/**
 * Gathers a briefing's numbers through the same store queries the analytics API answers with, so a
 * briefing and the dashboard agree for the same period and scope. Every item query carries the
 * cutoff `asOf` (collectedBefore): the briefing reflects the store as it was when generation began,
 * however much is ingested while it runs.
 */
import { DEFAULT_CODEBOOK_PATH, loadCodebook } from '../../pipelines/codebook/index.js';
import type { Source } from '../domain/schemas.js';
import type { BriefingScope, FramingMatrix, ItemFilter, Store } from '../store/port.js';
import { parseSearchQuery } from '../store/search-syntax.js';
import { previousPeriod, type Period } from './period.js';
import type {
  BriefingAlert,
  BriefingData,
  BriefingQuote,
  BriefingRelease,
  BriefingSourceLine,
  CollectionGap,
  FrameShift,
} from './types.js';

export const TOP_RELEASES = 5;
export const QUOTES = 10;
const QUOTE_CHARS = 320;
const TERMS_SIZE = 500;

/** The item filter of a period and scope at a cutoff: what every query of a briefing uses. */
export function briefingFilter(period: Pick<Period, 'from' | 'to'>, scope: BriefingScope, asOf: string): ItemFilter {
  const filter: ItemFilter = { from: period.from, to: period.to, collectedBefore: asOf };
  if (scope.sides && scope.sides.length > 0) filter.sides = scope.sides;
  if (scope.sourceIds && scope.sourceIds.length > 0) filter.sourceIds = scope.sourceIds;
  const query = parseSearchQuery(scope.query);
  if (query) filter.query = query;
  return filter;
}

export function scopeText(scope: BriefingScope): string {
  const parts = [
    scope.query ? `query "${scope.query}"` : null,
    scope.sides?.length ? `sides ${scope.sides.join(', ')}` : null,
    scope.sourceIds?.length ? `sources ${scope.sourceIds.join(', ')}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join('; ') : 'everything collected';
}

function shifts(current: FramingMatrix, previous: FramingMatrix): FrameShift[] {
  const prevItems = new Map(previous.sides.map((s) => [s.side, s.items]));
  const prevShare = new Map(previous.cells.map((c) => [`${c.side}\u0000${c.frame}`, c.share]));
  const out: FrameShift[] = [];
  const seen = new Set<string>();
  const push = (side: string, frame: string, share: number, count: number) => {
    const key = `${side}\u0000${frame}`;
    if (seen.has(key)) return;
    seen.add(key);
    const hadItems = (prevItems.get(side) ?? 0) > 0;
    const before = hadItems ? (prevShare.get(key) ?? 0) : null;
    out.push({ side, frame, share, previousShare: before, change: before === null ? null : share - before, count });
  };
  for (const c of current.cells) push(c.side, c.frame, c.share, c.count);
  // Frames that vanished from a side that still has items are shifts too.
  const currentItems = new Map(current.sides.map((s) => [s.side, s.items]));
  for (const c of previous.cells) if ((currentItems.get(c.side) ?? 0) > 0) push(c.side, c.frame, 0, 0);
  return out
    .filter((s) => s.change !== null && s.change !== 0)
    .sort(
      (a, b) =>
        Math.abs(b.change ?? 0) - Math.abs(a.change ?? 0) || a.side.localeCompare(b.side) || a.frame.localeCompare(b.frame),
    )
    .slice(0, 10);
}

function cutQuote(text: string): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  if (flat.length <= QUOTE_CHARS) return flat;
  const cut = flat.slice(0, QUOTE_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > QUOTE_CHARS * 0.6 ? cut.slice(0, space) : cut}…`;
}

async function alertsOf(store: Store, period: Period, asOf: string): Promise<BriefingData['alerts']> {
  try {
    const fired: BriefingAlert[] = [];
    let cursor: string | undefined;
    // Alerts are listed newest-updated first; an alert fired in the period was updated at or after it fired.
    for (let page = 0; page < 50; page++) {
      const result = await store.alerts.listAlerts({ limit: 200, ...(cursor && { cursor }) });
      for (const a of result.alerts) {
        if (a.firedAt >= period.from && a.firedAt < period.to && a.firedAt <= asOf) {
          fired.push({ firedAt: a.firedAt, severity: a.severity, ruleName: a.ruleName, summary: a.summary });
        }
      }
      const last = result.alerts[result.alerts.length - 1];
      if (!result.nextCursor || !last || last.updatedAt < period.from) break;
      cursor = result.nextCursor;
    }
    fired.sort((a, b) => a.firedAt.localeCompare(b.firedAt));
    return { available: true, items: fired };
  } catch (error) {
    return { available: false, reason: `the alert store could not be read (${(error as Error).message.slice(0, 120)})` };
  }
}

async function markersOf(store: Store, period: Period): Promise<BriefingData['markers']> {
  try {
    const markers = await store.team.listMarkers({ from: period.from, to: period.to, limit: 200 });
    return {
      available: true,
      items: markers.map((m) => ({ at: m.at, label: m.label, description: m.description, sides: m.sides })),
    };
  } catch (error) {
    return { available: false, reason: `event markers could not be read (${(error as Error).message.slice(0, 120)})` };
  }
}

async function codebookVersion(store: Store): Promise<string> {
  try {
    const [stored] = await store.listCodebooks(1);
    if (stored) return stored.version;
  } catch {
    // No stored codebook (or none readable): the shipped default is the one in force.
  }
  return `${loadCodebook(DEFAULT_CODEBOOK_PATH).version} (default)`;
}

export async function gatherBriefing(
  store: Store,
  input: { period: Period; scope: BriefingScope; asOf: string },
): Promise<BriefingData> {
  const { period, scope, asOf } = input;
  const previous = previousPeriod(period);
  const filter = briefingFilter(period, scope, asOf);
  const prevFilter = briefingFilter(previous, scope, asOf);

  const [sideTerms, prevSideTerms, sourceTerms, prevSourceTerms, langTerms, prevLangTerms] = await Promise.all([
    store.terms({ filter, field: 'side', size: TERMS_SIZE }),
    store.terms({ filter: prevFilter, field: 'side', size: TERMS_SIZE }),
    store.terms({ filter, field: 'source', size: TERMS_SIZE }),
    store.terms({ filter: prevFilter, field: 'source', size: TERMS_SIZE }),
    store.terms({ filter, field: 'lang', size: TERMS_SIZE }),
    store.terms({ filter: prevFilter, field: 'lang', size: TERMS_SIZE }),
  ]);
  const [releases, prevReleases, framing, prevFraming, timeline, allSources] = await Promise.all([
    store.listReleases({ filter, sort: 'spread', limit: TOP_RELEASES }),
    store.listReleases({ filter: prevFilter, sort: 'spread', limit: 1 }),
    store.framingMatrix(filter),
    store.framingMatrix(prevFilter),
    store.timeline({ filter, interval: 'day', split: 'side' }),
    store.listSources(),
  ]);
  const sourceById = new Map<string, Source>(allSources.map((s) => [s.id, s]));
  const nameOf = (id: string) => sourceById.get(id)?.name ?? id;

  const topReleases: BriefingRelease[] = [];
  for (const r of releases.releases) {
    const spread = await store.releaseSpread({ releaseId: r.id, interval: 'hour', collectedBefore: asOf });
    const firstPerSide = new Map<string, BriefingRelease['firstPerSide'][number]>();
    for (const f of spread.firstSeenPerSource) {
      if (!firstPerSide.has(f.side)) {
        firstPerSide.set(f.side, {
          side: f.side,
          sourceId: f.sourceId,
          sourceName: nameOf(f.sourceId),
          firstSeenAt: f.firstSeenAt,
          delaySec: f.delaySec,
        });
      }
    }
    const { original, ...metrics } = r;
    topReleases.push({
      summary: {
        ...metrics,
        title: original?.title || original?.text.slice(0, 120) || r.id,
        sourceId: original?.sourceId ?? null,
        side: original?.side ?? null,
        url: original?.url ?? null,
      },
      spread: {
        releaseId: spread.releaseId,
        original: spread.original,
        pickups: spread.pickups,
        distinctSources: spread.distinctSources,
        distinctSides: spread.distinctSides,
        distinctLangs: spread.distinctLangs,
        summedViews: spread.summedViews,
        firstSeenPerSide: spread.firstSeenPerSide,
        firstSeenPerSource: spread.firstSeenPerSource,
        curve: spread.curve,
      },
      firstPerSide: [...firstPerSide.values()],
    });
  }

  // Notable items: the most viewed, at most two per side, so every side's voice is quoted.
  const viewed = await store.searchItems({ filter, sort: 'views', limit: 60 });
  const perSide = new Map<string, number>();
  const quotes: BriefingQuote[] = [];
  for (const { item } of viewed.hits) {
    if (quotes.length >= QUOTES) break;
    const n = perSide.get(item.side) ?? 0;
    if (n >= 2) continue;
    perSide.set(item.side, n + 1);
    quotes.push({
      itemId: item.id,
      sourceId: item.sourceId,
      sourceName: nameOf(item.sourceId),
      side: item.side,
      lang: item.lang,
      title: item.title,
      quote: cutQuote(item.text || item.title),
      url: item.url,
      publishedAt: item.publishedAt,
      collectedAt: item.collectedAt,
      views: item.engagement.views,
    });
  }

  const prevCounts = new Map(prevSourceTerms.buckets.map((b) => [b.key, b.count]));
  const sources: BriefingSourceLine[] = sourceTerms.buckets.map((b) => {
    const s = sourceById.get(b.key);
    const created = s ? s.createdAt >= period.from && s.createdAt < period.to : false;
    const before = prevCounts.get(b.key) ?? 0;
    return {
      id: b.key,
      name: nameOf(b.key),
      side: s?.side ?? 'UNKNOWN',
      platform: s?.platform ?? 'unknown',
      items: b.count,
      previousItems: before,
      status: created ? 'new' : before === 0 ? 'newly_active' : 'active',
    };
  });

  const inScope = allSources.filter(
    (s) => (!scope.sides?.length || scope.sides.includes(s.side)) && (!scope.sourceIds?.length || scope.sourceIds.includes(s.id)),
  );
  const gaps: CollectionGap[] = inScope
    .filter((s) => s.lastRunStatus === 'failed' && s.lastRunAt !== null && s.lastRunAt >= period.from && s.lastRunAt <= asOf)
    .map((s) => ({ sourceId: s.id, sourceName: s.name, lastRunAt: s.lastRunAt, lastError: s.lastError }));

  const sideKeys = [...new Set([...sideTerms.buckets.map((b) => b.key), ...prevSideTerms.buckets.map((b) => b.key)])];
  const prevSides = new Map(prevSideTerms.buckets.map((b) => [b.key, b.count]));
  const curSides = new Map(sideTerms.buckets.map((b) => [b.key, b.count]));

  const [alerts, markers, codebook] = await Promise.all([
    alertsOf(store, period, asOf),
    markersOf(store, period),
    codebookVersion(store),
  ]);

  return {
    period,
    previousPeriod: previous,
    asOf,
    headline: [
      { label: 'Items collected', current: sideTerms.total, previous: prevSideTerms.total },
      { label: 'New releases', current: releases.total, previous: prevReleases.total },
      { label: 'Active sources', current: sourceTerms.buckets.length, previous: prevSourceTerms.buckets.length },
      { label: 'Sides heard', current: sideTerms.buckets.length, previous: prevSideTerms.buckets.length },
      { label: 'Languages', current: langTerms.buckets.length, previous: prevLangTerms.buckets.length },
    ],
    sides: sideKeys.map((side) => ({ side, current: curSides.get(side) ?? 0, previous: prevSides.get(side) ?? 0 })),
    timeline,
    releases: topReleases,
    framing: { current: framing, previous: prevFraming, shifts: shifts(framing, prevFraming) },
    sources: sources.filter((s) => s.status !== 'active'),
    alerts,
    markers,
    quotes,
    method: {
      sourcesCovered: inScope.length,
      sourcesWithItems: sourceTerms.buckets.length,
      gaps,
      codebookVersion: codebook,
      scopeText: scopeText(scope),
      notes: [
        `Counts include items published in the period and collected up to ${asOf} (the briefing's cutoff).`,
        'Time buckets of the activity chart are UTC days; the period bounds are local midnights in the briefing time zone.',
        'Release metrics count every copy of a release collected by the cutoff, including copies outside the period.',
        `Source lists are capped at ${TERMS_SIZE} sources per period.`,
      ],
    },
  };
}
