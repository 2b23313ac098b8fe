/**
 * Enrichment: a collector's RawItem becomes an ItemInput the store accepts, in a fixed order:
 * sanitize → language → side → frames → entities → release linking → sensitive media.
 *
 * Language: a language the platform declares (RSS <language>, GDELT "Korean") describes the outlet
 * more often than the item, so detection wins when it is confident (≥ 0.8) and disagrees; the
 * declared language is kept when detection is unsure, and 'und' is left out (the store defaults it).
 */
import { SIDES, type ItemInput, type Side, type SourceType } from '../../server/domain/schemas.js';
import { itemId } from '../../server/store/prepare.js';
import { fold, searchableFolded } from '../../server/store/text.js';
import type { RawItem } from '../collectors/types.js';
import { defaultCodebook, defaultEntityList, type Codebook, type EntityList } from '../codebook/index.js';
import { findEntities } from './entities.js';
import { compileCodebook, tagFrames, type CompiledCodebook } from './frames.js';
import { detectLanguage, type LanguageGuess } from './language.js';
import { analyzeText } from './patterns.js';
import {
  ReleaseLinker,
  itemSignature,
  opensRelease,
  type LinkCandidate,
  type LinkResult,
  type TextSignature,
} from './release-link.js';
import { sanitizeLine, sanitizeText } from './sanitize.js';
import { isSensitive } from './sensitive.js';

export {
  canonicalUrl,
  itemSignature,
  ReleaseLinker,
  youtubeId,
  type LinkResult,
  type LinkReason,
  type TextSignature,
} from './release-link.js';
export { detectLanguage, type LanguageGuess } from './language.js';
export { compileCodebook, explainFrames, tagFrames } from './frames.js';
export { findEntities } from './entities.js';
export { isSensitive, hasFootage } from './sensitive.js';

export interface EnrichSource {
  id: string;
  side: Side;
  type: SourceType;
  /** Items of this source open releases (when they copy nothing). */
  releaseSource?: boolean;
  /** The source publishes prisoner footage: every item of it with footage is sensitive. */
  sensitive?: boolean;
}

export interface EnrichContext {
  source: EnrichSource;
  codebook?: Codebook | CompiledCodebook;
  entities?: EntityList;
  /** When given, the item is linked against it and then remembered in it. */
  linker?: ReleaseLinker;
  now: Date;
}

/** A raw item may carry its own side (an import column, a curated correction). */
export type EnrichInput = RawItem & { side?: string };

export interface EnrichResult {
  item: ItemInput;
  link: LinkResult;
  language: LanguageGuess;
}

const TRUST_DETECTION = 0.8;
const MAX_TITLE = 2_000;
const MAX_TEXT = 200_000;

const LANGUAGE_NAMES: Record<string, string> = {
  english: 'en',
  eng: 'en',
  ukrainian: 'uk',
  ukr: 'uk',
  russian: 'ru',
  rus: 'ru',
  korean: 'ko',
  kor: 'ko',
  german: 'de',
  deu: 'de',
  ger: 'de',
  french: 'fr',
  fra: 'fr',
  fre: 'fr',
  spanish: 'es',
  spa: 'es',
  japanese: 'ja',
  jpn: 'ja',
  chinese: 'zh',
  zho: 'zh',
  chi: 'zh',
  polish: 'pl',
  pol: 'pl',
  italian: 'it',
  ita: 'it',
};

/** "en-US", "ukr", "Korean" → "en", "uk", "ko"; undefined for anything unusable. */
export function normaliseLang(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  const named = LANGUAGE_NAMES[v];
  if (named) return named;
  const primary = v.split(/[-_]/u)[0] ?? '';
  if (/^[a-z]{2}$/u.test(primary)) return primary;
  return LANGUAGE_NAMES[primary];
}

function chooseLanguage(declared: string | undefined, detected: LanguageGuess): string | undefined {
  const given = normaliseLang(declared);
  if (detected.lang !== 'und' && (detected.confidence >= TRUST_DETECTION || !given)) return detected.lang;
  return given ?? undefined;
}

function httpUrl(value: string | undefined): string | undefined {
  if (!value || value.length > 4096) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const isSide = (value: string | undefined): value is Side => value !== undefined && (SIDES as readonly string[]).includes(value);
const count = (n: number | undefined) => (n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined);

/** The links kept on the item: http(s) addresses as URL writes them, each once, at most 100. */
function links(raw: RawItem): string[] | undefined {
  if (!raw.links || raw.links.length === 0) return undefined;
  const kept = new Set<string>();
  for (const link of raw.links) {
    const url = httpUrl(link);
    if (url && url.length <= 4096) kept.add(url);
    if (kept.size === 100) break;
  }
  return kept.size > 0 ? [...kept] : undefined;
}

function media(raw: RawItem): ItemInput['media'] {
  if (!raw.media || raw.media.length === 0) return undefined;
  return raw.media.slice(0, 50).map((m) => {
    const url = httpUrl(m.url);
    const thumbnailUrl = httpUrl(m.thumbnailUrl);
    const duration =
      m.durationSec !== undefined && Number.isFinite(m.durationSec) && m.durationSec >= 0 && m.durationSec <= 1e7
        ? m.durationSec
        : undefined;
    return {
      type: m.type,
      ...(url ? { url } : {}),
      ...(thumbnailUrl ? { thumbnailUrl } : {}),
      ...(duration !== undefined ? { durationSec: duration } : {}),
    };
  });
}

function engagement(raw: RawItem): ItemInput['engagement'] {
  if (!raw.engagement) return undefined;
  const e = raw.engagement;
  const out = { views: count(e.views), forwards: count(e.forwards), reactions: count(e.reactions), comments: count(e.comments) };
  const kept = Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/**
 * An item enriched up to release linking: everything enrichment decides from the item alone
 * (sanitized text, language, side, frames, entities, sensitive media) and the release linker's
 * inputs, its text signature included. Plain data, so it can be computed in a worker thread and
 * posted to the thread that owns the linker; finishEnrichment() completes it there, in order.
 */
export interface PreEnriched {
  /** The ItemInput without releaseId (linking decides it). */
  item: ItemInput;
  language: LanguageGuess;
  /** The candidate the linker sees. */
  candidate: LinkCandidate;
  signature: TextSignature;
  /** The indexed forms of title and text (searchableFolded of their folds), for the store. */
  search: { title: string; text: string };
}

/** Everything of enrich() but release linking; pure, so it may run anywhere (see PreEnriched). */
export function prepareEnrichment(raw: EnrichInput, context: Omit<EnrichContext, 'linker'>): PreEnriched {
  const codebook = context.codebook ?? defaultCodebook();
  const cb = 'indexes' in codebook ? codebook : compileCodebook(codebook);
  const title = sanitizeLine(raw.title ?? '').slice(0, MAX_TITLE);
  const text = sanitizeText(raw.text).slice(0, MAX_TEXT);
  const combined = title.length > 0 ? `${title}\n${text}` : text;
  // Folded once, for the frames and entities, the signature and the search index: folding a line
  // break is a line break, so the fold of the combined text is the folds joined.
  const folded = { title: fold(title), text: fold(text) };
  const foldedCombined = title.length > 0 ? `${folded.title}\n${folded.text}` : folded.text;

  const language = detectLanguage(combined);
  const lang = chooseLanguage(raw.lang, language);
  const side = isSide(raw.side) ? raw.side : context.source.side;

  const analyzed = analyzeText(combined, foldedCombined);
  const frames = tagFrames(analyzed, lang ?? 'und', cb);
  const entities = findEntities(analyzed, context.entities ?? defaultEntityList()).slice(0, 200);

  const id = itemId(raw.platform, raw.sourceId, raw.externalId);
  const itemMedia = media(raw);
  const itemLinks = links(raw);
  const url = httpUrl(raw.url);
  const candidate: LinkCandidate = {
    id,
    sourceId: raw.sourceId,
    side,
    publishedAt: raw.publishedAt,
    ...(url ? { url } : {}),
    title,
    text,
    kind: raw.kind,
    ...(raw.media ? { media: raw.media } : {}),
    ...(raw.links ? { links: raw.links } : {}),
    ...(raw.forwardedFrom ? { forwardedFrom: raw.forwardedFrom } : {}),
    ...(context.source.releaseSource !== undefined ? { releaseSource: context.source.releaseSource } : {}),
    sourceType: context.source.type,
  };

  const sensitive = isSensitive(
    { kind: raw.kind, ...(itemMedia ? { media: itemMedia } : {}) },
    analyzed,
    lang ?? 'und',
    cb,
    context.source,
  );
  const forwardedFrom = (raw.forwardedFrom?.url ?? raw.forwardedFrom?.name)?.slice(0, 500);
  const editedAt = raw.editedAt;
  const eng = engagement(raw);

  const item: ItemInput = {
    platform: raw.platform,
    sourceId: raw.sourceId,
    externalId: raw.externalId,
    kind: raw.kind,
    side,
    ...(url ? { url } : {}),
    ...(title.length > 0 ? { title } : {}),
    text,
    ...(lang ? { lang } : {}),
    publishedAt: raw.publishedAt,
    collectedAt: context.now.toISOString(),
    ...(editedAt ? { editedAt } : {}),
    ...(itemMedia ? { media: itemMedia } : {}),
    ...(itemLinks ? { links: itemLinks } : {}),
    ...(eng ? { engagement: eng } : {}),
    frames,
    entities,
    ...(forwardedFrom ? { forwardedFrom } : {}),
    sensitive,
    raw: raw.raw,
  };
  return {
    item,
    language,
    candidate,
    signature: itemSignature(candidate, foldedCombined),
    search: { title: searchableFolded(folded.title), text: searchableFolded(folded.text) },
  };
}

/**
 * Links a prepared item to its release (and remembers it in the linker); items must come in the
 * order they were collected, as with enrich().
 */
export function finishEnrichment(pre: PreEnriched, linker?: ReleaseLinker): EnrichResult {
  const { candidate } = pre;
  let link: LinkResult;
  if (linker) {
    link = linker.link(candidate, pre.signature);
    linker.remember({ ...candidate, releaseId: link.releaseId }, link.reason, pre.signature);
  } else {
    link = opensRelease(candidate) ? { releaseId: candidate.id, reason: 'new_release' } : { releaseId: null, reason: 'none' };
  }
  const item: ItemInput = { ...pre.item };
  if (link.releaseId) item.releaseId = link.releaseId;
  return { item, link, language: pre.language };
}

/** Turns a collected item into a store-ready ItemInput, with the release decision beside it. */
export function enrich(raw: EnrichInput, context: EnrichContext): EnrichResult {
  return finishEnrichment(prepareEnrichment(raw, context), context.linker);
}
