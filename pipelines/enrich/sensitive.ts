/**
 * Prisoner and interrogation footage is flagged sensitive so that the dashboard blurs it by default.
 * Footage means a video or photo (or a link preview with a picture); the decision comes from the
 * source setting (a source that publishes such footage) or from the codebook's sensitive terms
 * (допит, допрос, 심문, interrogation, полонений, 포로, ...) in the item's title or text.
 */
import type { Kind } from '../../server/domain/schemas.js';
import type { Codebook } from '../codebook/index.js';
import { hasSensitiveTerms, type CompiledCodebook } from './frames.js';
import type { AnalyzedText } from './patterns.js';

export interface SensitiveInput {
  kind: Kind;
  media?: readonly { type: string; url?: string; thumbnailUrl?: string }[];
}

/** The item shows pictures: a video item, video or photo media, or a link preview with a thumbnail. */
export function hasFootage(item: SensitiveInput): boolean {
  if (item.kind === 'video') return true;
  return (item.media ?? []).some(
    (m) => m.type === 'video' || m.type === 'photo' || (m.type === 'link' && m.thumbnailUrl !== undefined),
  );
}

export function isSensitive(
  item: SensitiveInput,
  text: string | AnalyzedText,
  lang: string,
  codebook: Codebook | CompiledCodebook,
  source: { sensitive?: boolean } = {},
): boolean {
  if (!hasFootage(item)) return false;
  if (source.sensitive) return true;
  return hasSensitiveTerms(text, lang, codebook);
}
