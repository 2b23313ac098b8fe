/**
 * Markdown (CommonMark + GFM tables) with the charts as SVG files beside it, zipped. Collected text
 * is escaped so it stays text: Markdown punctuation and any HTML are neutralised, line breaks in
 * table cells flattened.
 */
import type { BriefingChart } from './charts.js';
import type { Block } from './content.js';
import { safeHttpUrl, inertSvg } from './html.js';
import { zip } from './zip.js';

/** Escapes Markdown and inline HTML: every ASCII punctuation mark that could start syntax gets a backslash. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&"']/gu, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`,
  );
}

const cell = (text: string) => escapeMarkdown(text.replace(/\s*\n\s*/gu, ' '));

function blockMarkdown(block: Block): string {
  switch (block.kind) {
    case 'h1':
      return `# ${escapeMarkdown(block.text)}`;
    case 'h2':
      return `## ${escapeMarkdown(block.text)}`;
    case 'h3':
      return `### ${escapeMarkdown(block.text)}`;
    case 'p':
      return block.muted ? `*${escapeMarkdown(block.text)}*` : escapeMarkdown(block.text);
    case 'list':
      return block.items.map((i) => `- ${escapeMarkdown(i)}`).join('\n');
    case 'table':
      return [
        `| ${block.head.map(cell).join(' | ')} |`,
        `| ${block.numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
        ...block.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
      ].join('\n');
    case 'chart':
      return `![${escapeMarkdown(block.chart.title)}](charts/${block.chart.name})`;
    case 'quote': {
      const url = safeHttpUrl(block.url);
      const lines = block.text.split('\n').map((l) => `> ${escapeMarkdown(l)}`);
      // Angle-bracket link destinations take any URL whose < > and spaces are percent-encoded (URL.href does that).
      return [...lines, '>', `> — ${escapeMarkdown(block.cite)}${url ? ` <${url}>` : ''}`].join('\n');
    }
  }
}

export function renderMarkdown(blocks: Block[]): string {
  return `${blocks.map(blockMarkdown).join('\n\n')}\n`;
}

/** briefing.md and charts/*.svg in one zip. */
export function renderMarkdownZip(blocks: Block[], charts: BriefingChart[], modified: Date): Buffer {
  return zip(
    [
      { name: 'briefing.md', data: Buffer.from(renderMarkdown(blocks), 'utf8') },
      ...charts.map((c) => ({ name: `charts/${c.name}`, data: Buffer.from(inertSvg(c.svg), 'utf8') })),
    ],
    modified,
  );
}
