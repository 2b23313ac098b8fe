/**
 * Named entities by alias: one canonical name per person, organisation, place or unit, found in any
 * script through the aliases of the editable list (pipelines/codebook/entities.json). Stems cover
 * Ukrainian and Russian inflection (Курськ* → Курська, Курській), Hangul aliases match as
 * substrings so Korean particles do not hide them (김정은이, 쿠르스크에서).
 */
import type { Static } from '@sinclair/typebox';
import type { Entity as EntitySchema } from '../../server/domain/schemas.js';
import { defaultEntityList, type EntityList } from '../codebook/index.js';
import { analyzeText, PatternIndex, type AnalyzedText } from './patterns.js';

export type Entity = Static<typeof EntitySchema>;

const compiled = new WeakMap<EntityList, PatternIndex<number>>();

/** Compiles an entity list once; later calls with the same object reuse the result. */
export function compileEntities(list: EntityList): PatternIndex<number> {
  const cached = compiled.get(list);
  if (cached) return cached;
  const index = new PatternIndex<number>();
  list.entities.forEach((entity, i) => {
    for (const alias of entity.aliases) index.add(alias, i);
  });
  compiled.set(list, index);
  return index;
}

/** Entities mentioned in a text, by canonical name, deduplicated, in order of first mention. */
export function findEntities(text: string | AnalyzedText, list: EntityList = defaultEntityList()): Entity[] {
  const input = typeof text === 'string' ? analyzeText(text) : text;
  const seen = new Set<number>();
  const out: Entity[] = [];
  for (const hit of compileEntities(list).find(input)) {
    if (seen.has(hit.tag)) continue;
    seen.add(hit.tag);
    const def = list.entities[hit.tag];
    if (def) out.push({ type: def.type, name: def.name });
  }
  return out;
}
