/**
 * The framing codebook and the entity alias list: editable JSON files, validated on load (TypeBox
 * for the shape, then the pattern syntax of pipelines/enrich/patterns.ts), with errors that name the
 * frame or entity and the field at fault.
 */
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parsePattern } from '../enrich/patterns.js';

const LANG_KEY = '^[a-z]{2,3}$';
const PatternList = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 2000 });
const PerLanguage = Type.Record(Type.String({ pattern: LANG_KEY }), PatternList, { additionalProperties: false });

export const FrameDefinition = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }),
    label: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    /** Per language: terms, phrases and stems (see the syntax in pipelines/enrich/patterns.ts). */
    patterns: PerLanguage,
    /** Per language: patterns that veto any match of this frame they overlap. */
    exclusions: Type.Optional(PerLanguage),
  },
  { additionalProperties: false },
);
export type FrameDefinition = Static<typeof FrameDefinition>;

export const Codebook = Type.Object(
  {
    $comment: Type.Optional(Type.String()),
    version: Type.String({ minLength: 1, maxLength: 50 }),
    frames: Type.Array(FrameDefinition, { minItems: 1, maxItems: 100 }),
    /** Terms that, on an item with footage, mark it as prisoner or interrogation footage. */
    sensitive: Type.Optional(
      Type.Object({ patterns: PerLanguage, exclusions: Type.Optional(PerLanguage) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type Codebook = Static<typeof Codebook>;

export const ENTITY_TYPES = ['person', 'org', 'place', 'unit', 'other'] as const;

export const EntityDefinition = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Canonical name, stored on items' }),
    type: Type.Union(ENTITY_TYPES.map((t) => Type.Literal(t))),
    aliases: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 200 }),
  },
  { additionalProperties: false },
);
export type EntityDefinition = Static<typeof EntityDefinition>;

export const EntityList = Type.Object(
  {
    $comment: Type.Optional(Type.String()),
    version: Type.String({ minLength: 1, maxLength: 50 }),
    entities: Type.Array(EntityDefinition, { maxItems: 10_000 }),
  },
  { additionalProperties: false },
);
export type EntityList = Static<typeof EntityList>;

/** A codebook or entity file that cannot be used; `issues` name the frame/entity and the field. */
export class CodebookError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(`${message}:\n- ${issues.join('\n- ')}`);
    this.name = 'CodebookError';
  }
}

const codebookCheck = TypeCompiler.Compile(Codebook);
const entityCheck = TypeCompiler.Compile(EntityList);

/** "/frames/2/patterns/uk/4" → "frame 'cannon_fodder' (frames[2]) patterns.uk[4]". */
function describePath(path: string, root: unknown, listKey: 'frames' | 'entities'): string {
  const parts = path.split('/').filter((p) => p.length > 0);
  if (parts[0] === listKey && parts[1] !== undefined) {
    const index = Number(parts[1]);
    const list = (root as Record<string, unknown>)[listKey];
    const element = Array.isArray(list) ? (list[index] as Record<string, unknown> | undefined) : undefined;
    const key = listKey === 'frames' ? element?.id : element?.name;
    const who = `${listKey === 'frames' ? 'frame' : 'entity'} ${typeof key === 'string' ? `'${key}' ` : ''}(${listKey}[${index}])`;
    return `${who} ${fieldPath(parts.slice(2))}`.trim();
  }
  return fieldPath(parts) || '(root)';
}

function fieldPath(parts: string[]): string {
  return parts.map((p, i) => (/^\d+$/u.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function shapeIssues(
  check: { Errors(value: unknown): Iterable<{ path: string; message: string }> },
  value: unknown,
  listKey: 'frames' | 'entities',
) {
  const issues: string[] = [];
  for (const e of check.Errors(value)) {
    issues.push(`${describePath(e.path, value, listKey)}: ${e.message}`);
    if (issues.length >= 20) break;
  }
  return issues;
}

function patternIssues(where: string, lists: Record<string, string[]> | undefined): string[] {
  const issues: string[] = [];
  for (const [lang, patterns] of Object.entries(lists ?? {})) {
    patterns.forEach((p, i) => {
      const parsed = parsePattern(p);
      if ('error' in parsed) issues.push(`${where}.${lang}[${i}]: ${parsed.error}`);
    });
  }
  return issues;
}

/** Validates a parsed codebook file; throws CodebookError naming every bad frame and field. */
export function parseCodebook(value: unknown): Codebook {
  if (!codebookCheck.Check(value)) throw new CodebookError('Invalid codebook', shapeIssues(codebookCheck, value, 'frames'));
  const issues: string[] = [];
  const seen = new Set<string>();
  value.frames.forEach((frame, i) => {
    const who = `frame '${frame.id}' (frames[${i}])`;
    if (seen.has(frame.id)) issues.push(`${who} id: duplicate frame id`);
    seen.add(frame.id);
    if (Object.values(frame.patterns).every((list) => list.length === 0))
      issues.push(`${who} patterns: no pattern in any language`);
    issues.push(...patternIssues(`${who} patterns`, frame.patterns), ...patternIssues(`${who} exclusions`, frame.exclusions));
  });
  if (value.sensitive) {
    issues.push(...patternIssues('sensitive patterns', value.sensitive.patterns));
    issues.push(...patternIssues('sensitive exclusions', value.sensitive.exclusions));
  }
  if (issues.length > 0) throw new CodebookError(`Invalid codebook ${value.version}`, issues);
  return value;
}

/** Validates a parsed entity alias file; throws CodebookError naming every bad entity and field. */
export function parseEntityList(value: unknown): EntityList {
  if (!entityCheck.Check(value)) throw new CodebookError('Invalid entity list', shapeIssues(entityCheck, value, 'entities'));
  const issues: string[] = [];
  const seen = new Set<string>();
  value.entities.forEach((entity, i) => {
    const who = `entity '${entity.name}' (entities[${i}])`;
    if (seen.has(entity.name)) issues.push(`${who} name: duplicate canonical name`);
    seen.add(entity.name);
    entity.aliases.forEach((alias, j) => {
      const parsed = parsePattern(alias);
      if ('error' in parsed) issues.push(`${who} aliases[${j}]: ${parsed.error}`);
    });
  });
  if (issues.length > 0) throw new CodebookError(`Invalid entity list ${value.version}`, issues);
  return value;
}

function readJson(path: string | URL, what: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CodebookError(`Cannot read ${what} ${String(path)}`, [(error as Error).message]);
  }
}

export function loadCodebook(path: string | URL): Codebook {
  return parseCodebook(readJson(path, 'codebook'));
}

export function loadEntityList(path: string | URL): EntityList {
  return parseEntityList(readJson(path, 'entity list'));
}

export const DEFAULT_CODEBOOK_PATH = new URL('./default-codebook.json', import.meta.url);
export const DEFAULT_ENTITIES_PATH = new URL('./entities.json', import.meta.url);

let defaultCodebookCache: Codebook | undefined;
let defaultEntitiesCache: EntityList | undefined;

/** The shipped codebook, loaded and validated once per process. */
export function defaultCodebook(): Codebook {
  defaultCodebookCache ??= loadCodebook(DEFAULT_CODEBOOK_PATH);
  return defaultCodebookCache;
}

/** The shipped entity alias list, loaded and validated once per process. */
export function defaultEntityList(): EntityList {
  defaultEntitiesCache ??= loadEntityList(DEFAULT_ENTITIES_PATH);
  return defaultEntitiesCache;
}
