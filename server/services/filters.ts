/** Turns the query-string filter of a request into the store's ItemFilter, with clear errors. */
import { ValidationError } from '../domain/errors.js';
import { KINDS, PLATFORMS, SIDES, type Kind, type Platform, type Side } from '../domain/schemas.js';
import type { FilterQuery } from '../schemas/http.js';
import type { ItemFilter } from '../store/port.js';
import { parseSearchQuery } from '../store/search-syntax.js';

function split(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  return parts.length > 0 ? parts : undefined;
}

function oneOf<T extends string>(field: string, value: string | undefined, allowed: readonly T[]): T[] | undefined {
  const parts = split(value);
  if (!parts) return undefined;
  for (const p of parts) {
    if (!(allowed as readonly string[]).includes(p)) {
      throw new ValidationError(`"${p}" is not one of ${allowed.join(', ')}`, field);
    }
  }
  return parts as T[];
}

export function toItemFilter(query: FilterQuery): ItemFilter {
  const filter: ItemFilter = {};
  if (query.from) filter.from = new Date(query.from).toISOString();
  if (query.to) filter.to = new Date(query.to).toISOString();
  if (filter.from && filter.to && filter.from >= filter.to) {
    throw new ValidationError(`must be later than from (${filter.from})`, 'to');
  }
  const sides = oneOf<Side>('side', query.side, SIDES);
  const platforms = oneOf<Platform>('platform', query.platform, PLATFORMS);
  const kinds = oneOf<Kind>('kind', query.kind, KINDS);
  if (sides) filter.sides = sides;
  if (platforms) filter.platforms = platforms;
  if (kinds) filter.kinds = kinds;
  const langs = split(query.lang);
  const sourceIds = split(query.source);
  const frames = split(query.frame);
  const releaseIds = split(query.release);
  if (langs) filter.langs = langs;
  if (sourceIds) filter.sourceIds = sourceIds;
  if (frames) filter.frames = frames;
  if (releaseIds) filter.releaseIds = releaseIds;
  const parsed = parseSearchQuery(query.q);
  if (parsed) filter.query = parsed;
  return filter;
}
