/**
 * Interface strings live in one place: no view or component template, and no plain TypeScript module
 * (formatters, the rule form, the API client, the socket), carries English words of its own, and every
 * message key the client asks for exists in the English catalogue (so a missing key never shows as
 * "overview.title" on screen, and a translation file knows every key it must have).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse } from 'vue/compiler-sfc';
import { en } from '../../../client/src/i18n/en.js';
import { englishMessage, englishText } from '../../../client/src/i18n/text.js';
import { englishChartText } from '../../../client/src/charts/labels.js';

const CLIENT = join(import.meta.dirname, '../../../client/src');

function filesUnder(dir: string, ending: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, ending);
    return ending.test(entry.name) ? [path] : [];
  });
}

const vueFiles = filesUnder(CLIENT, /\.vue$/u);
const tsFiles = filesUnder(CLIENT, /\.ts$/u).filter((f) => !f.endsWith(join('i18n', 'en.ts')));
const sourceFiles = filesUnder(CLIENT, /\.(vue|ts)$/u).filter((f) => !f.includes(`${join('i18n', 'en.ts')}`));

/** Text that is not an interface word: names, codes and formats that stay as they are in every language. */
const ALLOWED_TEXT = new Set(['Framewatch', 'X-Framewatch-Signature']);
/** Attributes a user reads or hears (the rest are ids, classes, patterns, test hooks). */
const READ_ATTRIBUTES = new Set(['title', 'aria-label', 'placeholder', 'alt', 'label', 'empty-text', 'feature', 'summary']);

interface TemplateNode {
  type: number;
  content?: string;
  tag?: string;
  props?: { type: number; name: string; value?: { content: string } }[];
  children?: TemplateNode[];
  loc: { start: { line: number } };
}

/** Letters (any script) in text that is not only interpolation: what a user would read untranslated. */
function hardCoded(file: string): string[] {
  const { descriptor, errors } = parse(readFileSync(file, 'utf8'), { filename: file });
  expect(errors).toEqual([]);
  const found: string[] = [];
  const where = (node: TemplateNode) =>
    `${relative(CLIENT, file)}:${node.loc.start.line + (descriptor.template?.loc.start.line ?? 1) - 1}`;
  const visit = (node: TemplateNode) => {
    // 2 = text; interpolations ({{ }}) are type 5 and comments type 3, both fine.
    if (node.type === 2) {
      const text = (node.content ?? '').trim();
      if (/\p{L}/u.test(text) && !ALLOWED_TEXT.has(text)) found.push(`${where(node)} text "${text}"`);
    }
    for (const prop of node.props ?? []) {
      // 6 = static attribute; bound ones (:title="t(...)") are directives (7).
      if (prop.type === 6 && READ_ATTRIBUTES.has(prop.name) && /\p{L}/u.test(prop.value?.content ?? '')) {
        if (!ALLOWED_TEXT.has(prop.value!.content)) found.push(`${where(node)} ${prop.name}="${prop.value!.content}"`);
      }
    }
    for (const child of node.children ?? []) visit(child);
  };
  const ast = descriptor.template?.ast as TemplateNode | undefined;
  if (ast) visit(ast);
  return found;
}

/**
 * Script text a user would read untranslated, by a heuristic: a string with words on both sides of a
 * space ("The server answered"), a word in brackets or ending a sentence ("(untitled)", "Saved."),
 * or a template literal whose fixed text holds a word next to a space (`${n} min`, `${field}: not a
 * number`). Module names, type literals and object keys are not text; codes and keys ('network',
 * 'http_error', `charts.${key}`) have no space. A bare single word ('new', 'local') passes this
 * heuristic: the pseudo-locale test (pseudo-locale.test.ts) catches those in the helpers' output.
 */
const PHRASE = /\p{L}\S*\s+\S*\p{L}/u;
const BRACKETED_OR_SENTENCE = /^[([“"«].*\p{L}.*[)\]”"»]$|\p{L}[.!?…]$/u;
const FRAGMENT = (part: string) => /\s/u.test(part) && /(?:^|\s)\p{L}/u.test(part);

function scriptLiterals(code: string, name: string): { line: number; text: string }[] {
  const source = ts.createSourceFile(name, code, ts.ScriptTarget.Latest, true);
  const found: { line: number; text: string }[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isLiteralTypeNode(node)) return;
    if (ts.isPropertyAssignment(node) && ts.isStringLiteral(node.name)) return visit(node.initializer);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (PHRASE.test(node.text) || BRACKETED_OR_SENTENCE.test(node.text)) found.push({ line: lineOf(node), text: node.text });
    } else if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)];
      if (parts.some(FRAGMENT)) found.push({ line: lineOf(node), text: node.getText(source) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Strings in scripts that look like text but never reach a user, each with the reason. */
const SCRIPT_TEXT_ALLOWED: Record<string, string> = {
  'api/http.ts no route': 'recognises the server’s own “no route …” 404 message; never shown',
  'api/transfer.ts upload aborted': 'the message of the AbortError a cancelled upload ends with; views ignore AbortErrors',
  'stores/prefs.ts (prefers-color-scheme: dark)': 'a CSS media query',
};

/** English-looking text in a .ts module or a .vue script block, as "file:line text". */
function hardCodedInScript(file: string): string[] {
  let code = readFileSync(file, 'utf8');
  let offset = 0;
  if (file.endsWith('.vue')) {
    const { descriptor } = parse(code, { filename: file });
    const script = descriptor.scriptSetup ?? descriptor.script;
    code = script?.content ?? '';
    offset = (script?.loc.start.line ?? 1) - 1;
  }
  const name = relative(CLIENT, file);
  return scriptLiterals(code, name)
    .filter(({ text }) => !Object.hasOwn(SCRIPT_TEXT_ALLOWED, `${name} ${text}`))
    .map(({ line, text }) => `${name}:${line + offset} ${text}`);
}

function lookup(path: string): unknown {
  let node: unknown = en;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Message keys the plain modules ask for through text('…') (see i18n/text.ts). */
function textKeys(source: string): { exact: string[]; prefixes: string[] } {
  return {
    exact: [...source.matchAll(/\btext\(\s*'([A-Za-z0-9_.]+)'/gu)].map((m) => m[1]!),
    prefixes: [...source.matchAll(/\btext\(\s*`([A-Za-z0-9_.]*)\$\{/gu)].map((m) => m[1]!),
  };
}

/** Message keys the client asks for: t('…'), t(`…${x}`) prefixes, keypath="…" and the router's title keys. */
function usedKeys(source: string): { exact: string[]; prefixes: string[] } {
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  for (const m of source.matchAll(/\bt\(\s*'([A-Za-z0-9_.]+)'/gu)) exact.add(m[1]!);
  const plain = textKeys(source);
  for (const key of plain.exact) exact.add(key);
  for (const prefix of plain.prefixes) prefixes.add(prefix);
  for (const m of source.matchAll(/\bt\(\s*(?:source\.enabled|[\w.]+)\s*\?\s*'([A-Za-z0-9_.]+)'\s*:\s*'([A-Za-z0-9_.]+)'/gu)) {
    exact.add(m[1]!);
    exact.add(m[2]!);
  }
  for (const m of source.matchAll(/\bt\(\s*`([A-Za-z0-9_.]*)\$\{/gu)) prefixes.add(m[1]!);
  for (const m of source.matchAll(/keypath="([A-Za-z0-9_.]+)"/gu)) exact.add(m[1]!);
  for (const m of source.matchAll(/\b(?:title|what): '([a-z][A-Za-z0-9_]*\.[A-Za-z0-9_.]+)'/gu)) exact.add(m[1]!);
  return { exact: [...exact], prefixes: [...prefixes] };
}

describe('interface strings', () => {
  it('finds the views and components it checks', () => {
    expect(vueFiles.length).toBeGreaterThanOrEqual(30);
  });

  it('has no hard-coded interface text in any view or component template', () => {
    expect(vueFiles.flatMap(hardCoded)).toEqual([]);
  });

  it('catches a hard-coded word in a template and in a read attribute', () => {
    const sample = join(import.meta.dirname, 'fixtures-hardcoded.vue');
    const { descriptor } = parse(
      '<template><p>Nothing here</p><input placeholder="Search" /><p>{{ t("a.b") }} · 42</p></template>',
      { filename: sample },
    );
    expect(descriptor.template?.ast).toBeTruthy();
    // Same visitor, on text instead of a file.
    const texts: string[] = [];
    const visit = (node: TemplateNode) => {
      if (node.type === 2 && /\p{L}/u.test(node.content ?? '')) texts.push((node.content ?? '').trim());
      for (const prop of node.props ?? []) if (prop.type === 6 && READ_ATTRIBUTES.has(prop.name)) texts.push(prop.value!.content);
      for (const child of node.children ?? []) visit(child);
    };
    visit(descriptor.template!.ast as unknown as TemplateNode);
    expect(texts).toEqual(['Nothing here', 'Search']);
  });

  it('has no hard-coded interface text in the plain TypeScript modules or the components’ scripts', () => {
    expect(tsFiles.length).toBeGreaterThanOrEqual(30);
    expect([...tsFiles, ...vueFiles].flatMap(hardCodedInScript)).toEqual([]);
  });

  it('catches English put back into a module: phrases, bracketed words, sentences and units next to numbers', () => {
    const code = [
      "import { x } from '../api/http.js';",
      "type Zone = 'UTC' | 'local time';",
      "const headers = { 'x-csrf-token': token, 'content-type': 'application/json' };",
      'const path = `/api/v1${path}`, key = `charts.${key}`, id = `${a}-${b}`, title = `${a} · ${b}`;',
      "const fallback = '(untitled)';",
      "throw new ApiError('network', 'The server cannot be reached.', 0);",
      'const done = `${n} min`;',
      'const error = `${field}: not a number`;',
      "const saved = 'Saved.';",
      "const code = 'http_error', word = 'local';",
    ].join('\n');
    expect(scriptLiterals(code, 'sample.ts').map((found) => `${found.line} ${found.text}`)).toEqual([
      '5 (untitled)',
      '6 The server cannot be reached.',
      '7 `${n} min`',
      '8 `${field}: not a number`',
      '9 Saved.',
    ]);
  });

  it('gives the plain modules English text without vue-i18n, from plain messages', () => {
    expect(englishText('api.answered', { status: 502 })).toBe('The server answered 502');
    expect(englishText('item.untitled')).toBe('(untitled)');
    // englishText fills placeholders only: every message the plain modules use must be plain.
    const plainKeys = tsFiles.flatMap((file) => textKeys(readFileSync(file, 'utf8')).exact);
    expect(plainKeys.length).toBeGreaterThanOrEqual(12);
    for (const key of plainKeys) expect(englishMessage(key), key).toMatch(/^[^|@]+$/u);
  });

  it('defines every message key the client uses, as text (or as a group for computed keys)', () => {
    const missing: string[] = [];
    let count = 0;
    for (const file of sourceFiles) {
      const { exact, prefixes } = usedKeys(readFileSync(file, 'utf8'));
      // The chart builders' t() takes keys of the `charts` section (see charts/labels.ts).
      const scope = relative(CLIENT, file).startsWith('charts') ? 'charts.' : '';
      for (const key of exact) {
        count++;
        if (typeof lookup(scope + key) !== 'string') missing.push(`${relative(CLIENT, file)}: ${key}`);
      }
      for (const prefix of prefixes) {
        count++;
        // Chart keys are flat (`metric_${m}`): some key must start with the prefix. Elsewhere the
        // prefix names a group (`alerts.statuses.${s}`, and `charts.${key}` for the chart text bridge).
        const known = scope
          ? Object.keys(en.charts).some((key) => key.startsWith(prefix))
          : typeof lookup(prefix.replace(/\.$/u, '')) === 'object';
        if (!known) missing.push(`${relative(CLIENT, file)}: ${prefix}…`);
      }
    }
    expect(missing).toEqual([]);
    expect(count).toBeGreaterThan(300);
  });

  it('has every value of the computed keys the views build', () => {
    const groups: Record<string, readonly string[]> = {
      'alerts.statuses': ['open', 'acknowledged', 'resolved'],
      'alerts.severities': ['info', 'warning', 'critical'],
      'alertRules.types': ['new_release', 'keyword', 'spread_threshold', 'volume_spike', 'frame_shift'],
      'briefing.statuses': ['draft', 'final'],
      'sources.types': ['official', 'military', 'state_media', 'media', 'channel', 'ngo', 'aggregator'],
      'users.roles': ['viewer', 'analyst', 'admin'],
      'app.nav': ['search', 'overview', 'framing', 'releases'],
      'ruleEditor.intervals': ['hour', 'day', 'week'],
    };
    for (const [group, values] of Object.entries(groups))
      for (const value of values) expect(typeof lookup(`${group}.${value}`), `${group}.${value}`).toBe('string');
  });

  it('gives the chart builders English text without vue-i18n, placeholders filled', () => {
    expect(englishChartText('keyItems', { key: 'UA', count: '1,204' })).toBe('UA: 1,204 items');
    expect(englishChartText('axisLocal')).toBe('local time');
    // Chart messages are plain: no plural bars or linked messages the tiny formatter would not understand.
    for (const [key, text] of Object.entries(en.charts)) expect(text, key).not.toMatch(/[|@]/u);
  });
});
