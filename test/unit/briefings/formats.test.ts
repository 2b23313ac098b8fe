/** The format helpers: escaping, inert SVG, the zip writer, font runs. */
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { escapeHtml, inertSvg, renderHtml, safeHttpUrl } from '../../../server/briefings/html.js';
import { escapeMarkdown, renderMarkdown } from '../../../server/briefings/markdown.js';
import { fontRuns } from '../../../server/briefings/pdf.js';
import { crc32, zip } from '../../../server/briefings/zip.js';

describe('HTML', () => {
  it('escapes markup and refuses non-http links', () => {
    expect(escapeHtml(`<b onclick="x">'&'</b>`)).toBe('&lt;b onclick=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('data:text/html,x')).toBeNull();
    expect(safeHttpUrl('https://example.org/a b')).toBe('https://example.org/a%20b');
  });

  it('strips scripts, handlers and links from SVG', () => {
    const svg = inertSvg('<svg><script>alert(1)</script><a href="https://x"><rect onload="alert(1)" width="1"/></a></svg>');
    expect(svg).not.toMatch(/script|onload|href/u);
    expect(svg).toContain('<rect width="1"/>');
  });

  it('renders a quote with its language and no active content', () => {
    const html = renderHtml('<t>', [
      { kind: 'quote', text: '<script>x</script>', lang: 'uk"><x', cite: 'c', url: 'javascript:x' },
    ]);
    expect(html).toContain('<title>&lt;t&gt;</title>');
    expect(html).toContain('lang="uk&quot;&gt;&lt;x"');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('href=');
  });
});

describe('Markdown', () => {
  it('escapes syntax and HTML so collected text stays text', () => {
    expect(escapeMarkdown('[x](javascript:y) <img> *b* # h | t')).toBe(
      '\\[x\\]\\(javascript:y\\) &lt;img&gt; \\*b\\* \\# h \\| t',
    );
    const md = renderMarkdown([{ kind: 'table', head: ['A'], rows: [['line\nbreak | pipe']], numeric: [false] }]);
    expect(md).toBe('| A |\n| --- |\n| line break \\| pipe |\n');
  });
});

describe('zip', () => {
  it('writes entries that read back with their names, CRCs and contents', () => {
    const a = Buffer.from('hello '.repeat(100));
    const b = Buffer.from('<svg/>');
    const buf = zip(
      [
        { name: 'a.md', data: a },
        { name: 'charts/b.svg', data: b },
      ],
      new Date('2026-01-26T07:00:00Z'),
    );
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(buf.readUInt32LE(0)).toBe(0x04034b50);
    const size = buf.readUInt32LE(18);
    expect(inflateRawSync(buf.subarray(30 + 4, 30 + 4 + size)).equals(a)).toBe(true);
    expect(buf.readUInt32LE(buf.length - 22)).toBe(0x06054b50);
    expect(buf.readUInt16LE(buf.length - 22 + 10)).toBe(2);
  });
});

describe('fontRuns', () => {
  it('gives Hangul runs the Korean font and leaves Latin and Cyrillic to the default', () => {
    expect(fontRuns('KCNA: 조선 — Україна')).toEqual([
      { text: 'KCNA: ' },
      { text: '조선', font: 'NotoSansKR' },
      { text: ' — Україна' },
    ]);
  });
});
