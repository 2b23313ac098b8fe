/** XML → plain objects for the feed collectors, refusing what is not (safe) XML. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SourceError } from './types.js';

export type XmlNode = string | XmlObject | XmlNode[];
export interface XmlObject {
  [key: string]: XmlNode | undefined;
}

const ALWAYS_ARRAY = new Set(['item', 'entry', 'link', 'category', 'enclosure', 'thumbnail', 'content']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Prefixes vary between feeds (dc:, media:, a default namespace on the root…); local names do not.
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ALWAYS_ARRAY.has(name),
});

/** Parses a decoded XML document; not XML (an HTML error page, JSON, garbage) → SourceError('not_a_feed'). */
export function parseXml(text: string): XmlObject {
  // Feeds sometimes start with a blank line before <?xml, which strict XML forbids.
  const body = text.replace(/^[\s\uFEFF]+/, '');
  if (!body.startsWith('<')) throw new SourceError('not a feed: the document is not XML', 'not_a_feed');
  // Internal entity declarations are the billion-laughs vector; real feeds never need them.
  if (/<!ENTITY/i.test(body.slice(0, 64 * 1024))) throw new SourceError('refused: XML declares entities', 'not_a_feed');
  const verdict = XMLValidator.validate(body, { allowBooleanAttributes: true });
  if (verdict !== true) {
    throw new SourceError(`not a feed: invalid XML at line ${verdict.err.line}: ${verdict.err.msg}`, 'not_a_feed');
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(body);
  } catch (err) {
    // The validator and the parser disagree on some malformed input (an unclosed CDATA after text).
    throw new SourceError(`not a feed: ${err instanceof Error ? err.message : String(err)}`, 'not_a_feed');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new SourceError('not a feed: empty document', 'not_a_feed');
  return parsed as XmlObject;
}

export function asArray(node: XmlNode | undefined): XmlNode[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}

export function asObject(node: XmlNode | undefined): XmlObject | undefined {
  const first = Array.isArray(node) ? node[0] : node;
  return typeof first === 'object' && first !== null && !Array.isArray(first) ? first : undefined;
}

/** The text of an element: a string, or the #text of an element that also has attributes or children. */
export function textOf(node: XmlNode | undefined): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.trim();
  if (Array.isArray(node)) return textOf(node[0]);
  const own = node['#text'];
  if (typeof own === 'string') return own.trim();
  // Inline XHTML (Atom type="xhtml"): keep the words; enrichment only needs text.
  return Object.entries(node)
    .filter(([key]) => !key.startsWith('@_'))
    .map(([, value]) => (Array.isArray(value) ? value.map((v) => textOf(v)).join(' ') : textOf(value)))
    .filter(Boolean)
    .join(' ')
    .trim();
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = asObject(node)?.[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}
