/**
 * One self-contained HTML file: inline styles and SVG charts, no script, no image or font fetched,
 * a Content-Security-Policy that forbids loading anything, and a print stylesheet. Every string
 * is escaped; links are shown only for http(s) URLs.
 */
import type { Block } from './content.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => ESCAPES[c] ?? c);
}

export function safeHttpUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * The chart SVG comes from ECharts (which escapes its text), drawn from stored values; as a second
 * line of defence nothing active or fetching survives: scripts, foreign objects, event handlers, links.
 */
export function inertSvg(svg: string): string {
  return svg
    .replace(/<script[\s\S]*?<\/script\s*>/giu, '')
    .replace(/<foreignObject[\s\S]*?<\/foreignObject\s*>/giu, '')
    .replace(/\s(on[a-z]+|href|xlink:href)\s*=\s*("[^"]*"|'[^']*')/giu, '');
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: "Noto Sans", "Noto Sans KR", "Segoe UI", Roboto, sans-serif; color: #1d2330; max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: .3rem; } h2 { font-size: 1.3rem; border-bottom: 2px solid #d7dce5; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
.muted { color: #5b6475; font-size: .9rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .88rem; width: 100%; }
th, td { border: 1px solid #d7dce5; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f1f4f9; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: .8rem 0 1.2rem; } figure svg { max-width: 100%; height: auto; } figcaption { font-size: .8rem; color: #5b6475; }
blockquote { margin: .8rem 0; padding: .4rem .9rem; border-left: 4px solid #3b7dd8; background: #f7f9fc; }
blockquote p { margin: 0 0 .3rem; white-space: pre-wrap; } blockquote footer { font-size: .8rem; color: #5b6475; overflow-wrap: anywhere; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; } figure, blockquote, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; } a[href]::after { content: " <" attr(href) ">"; font-size: .75em; color: #5b6475; }
  @page { size: A4; margin: 16mm 14mm; }
}`;

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'h1':
    case 'h2':
    case 'h3':
      return `<${block.kind}>${escapeHtml(block.text)}</${block.kind}>`;
    case 'p':
      return `<p${block.muted ? ' class="muted"' : ''}>${escapeHtml(block.text)}</p>`;
    case 'list':
      return `<ul>${block.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'table':
      return `<table><thead><tr>${block.head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${block.rows
        .map(
          (row) =>
            `<tr>${row.map((cell, i) => `<td${block.numeric[i] ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`,
        )
        .join('')}</tbody></table>`;
    case 'chart':
      return `<figure id="${escapeHtml(block.chart.name.replace(/\.svg$/u, ''))}">${inertSvg(block.chart.svg)}<figcaption>${escapeHtml(block.chart.title)}</figcaption></figure>`;
    case 'quote': {
      const url = safeHttpUrl(block.url);
      const link = url ? ` — <a href="${escapeHtml(url)}" rel="noopener noreferrer nofollow">${escapeHtml(url)}</a>` : '';
      return `<blockquote lang="${escapeHtml(block.lang)}"><p>${escapeHtml(block.text)}</p><footer>${escapeHtml(block.cite)}${link}</footer></blockquote>`;
    }
  }
}

export function renderHtml(title: string, blocks: Block[]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may be fetched or run, whatever slipped into the file.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    ...blocks.map(blockHtml),
    '</body></html>',
    '',
  ].join('\n');
}
