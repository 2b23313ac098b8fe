/**
 * PDF through pdfmake (pdfkit underneath): vector charts (the same SVG, drawn by pdfmake's SVG
 * support), and embedded Noto fonts: Noto Sans for Latin, Greek and all of Cyrillic (Ukrainian
 * included), Noto Sans KR for Hangul and Han. pdfmake does not fall back per glyph, so text is cut
 * into runs by script and each run names its font. Both fonts are SIL OFL 1.1, from the
 * @expo-google-fonts packages. Nothing is fetched: URL access is refused and local reads are
 * limited to the font files.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import pdfmake from 'pdfmake';
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { Block } from './content.js';
import { safeHttpUrl } from './html.js';

const require = createRequire(import.meta.url);

const FONT_FILES = {
  NotoSans: {
    normal: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
    bold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
    italics: '@expo-google-fonts/noto-sans/400Regular_Italic/NotoSans_400Regular_Italic.ttf',
    bolditalics: '@expo-google-fonts/noto-sans/700Bold_Italic/NotoSans_700Bold_Italic.ttf',
  },
  NotoSansKR: {
    normal: '@expo-google-fonts/noto-sans-kr/400Regular/NotoSansKR_400Regular.ttf',
    bold: '@expo-google-fonts/noto-sans-kr/700Bold/NotoSansKR_700Bold.ttf',
    // Noto Sans KR has no italics; slanted Hangul is not a thing readers expect.
    italics: '@expo-google-fonts/noto-sans-kr/400Regular/NotoSansKR_400Regular.ttf',
    bolditalics: '@expo-google-fonts/noto-sans-kr/700Bold/NotoSansKR_700Bold.ttf',
  },
} as const;

let configured = false;

function configure(): void {
  if (configured) return;
  const fonts: Record<string, Record<string, string>> = {};
  const allowed = new Set<string>();
  for (const [family, styles] of Object.entries(FONT_FILES)) {
    fonts[family] = {};
    for (const [style, spec] of Object.entries(styles)) {
      let path: string;
      try {
        path = require.resolve(spec);
      } catch {
        throw new Error(`briefing PDF font missing: ${spec} (run npm install; the @expo-google-fonts packages ship the fonts)`);
      }
      if (!existsSync(path)) throw new Error(`briefing PDF font missing: ${path}`);
      fonts[family][style] = path;
      allowed.add(path);
    }
  }
  pdfmake.setFonts(fonts);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path: string) => allowed.has(path));
  configured = true;
}

const CJK = /[\u1100-\u11ff\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+/gu;

/** Text cut into runs by script, each naming the font that has its glyphs. */
export function fontRuns(text: string): { text: string; font?: string }[] {
  const runs: { text: string; font?: string }[] = [];
  let last = 0;
  for (const m of text.matchAll(CJK)) {
    const at = m.index;
    if (at > last) runs.push({ text: text.slice(last, at) });
    runs.push({ text: m[0], font: 'NotoSansKR' });
    last = at + m[0].length;
  }
  if (last < text.length) runs.push({ text: text.slice(last) });
  return runs.length > 0 ? runs : [{ text: '' }];
}

const t = (text: string) => fontRuns(text);

const CONTENT_WIDTH = 515;

function blockContent(block: Block): Content {
  switch (block.kind) {
    case 'h1':
      return { text: t(block.text), style: 'h1' };
    case 'h2':
      return { text: t(block.text), style: 'h2' };
    case 'h3':
      return { text: t(block.text), style: 'h3' };
    case 'p':
      return { text: t(block.text), style: block.muted ? 'muted' : 'p' };
    case 'list':
      return { ul: block.items.map((i) => ({ text: t(i) })), style: 'p' };
    case 'table': {
      const header: TableCell[] = block.head.map((h) => ({ text: t(h), bold: true, fillColor: '#f1f4f9' }));
      const body: TableCell[][] = [
        header,
        ...block.rows.map((row) =>
          row.map((c, i): TableCell => ({ text: t(c), alignment: block.numeric[i] ? 'right' : 'left' })),
        ),
      ];
      return {
        table: { headerRows: 1, widths: block.head.map(() => 'auto'), body },
        layout: 'lightHorizontalLines',
        style: 'table',
      };
    }
    case 'chart': {
      const scale = Math.min(1, CONTENT_WIDTH / block.chart.width);
      return {
        stack: [
          { svg: block.chart.svg, width: block.chart.width * scale, font: 'NotoSans' },
          { text: t(block.chart.title), style: 'caption' },
        ],
        unbreakable: true,
        margin: [0, 4, 0, 10],
      };
    }
    case 'quote': {
      const url = safeHttpUrl(block.url);
      return {
        table: {
          widths: [CONTENT_WIDTH - 12],
          body: [
            [
              {
                stack: [
                  { text: t(block.text), style: 'quote' },
                  {
                    text: [...t(block.cite), ...(url ? [{ text: ` — ${url}`, link: url, color: '#2a5db0' }] : [])],
                    style: 'cite',
                  },
                ],
              },
            ],
          ],
        },
        layout: {
          hLineWidth: () => 0,
          vLineWidth: (i: number) => (i === 0 ? 3 : 0),
          vLineColor: () => '#3b7dd8',
          fillColor: () => '#f7f9fc',
          paddingLeft: () => 8,
          paddingTop: () => 4,
          paddingBottom: () => 4,
        },
        margin: [0, 3, 0, 6],
      };
    }
  }
}

export async function renderPdf(title: string, blocks: Block[]): Promise<Buffer> {
  configure();
  const doc: TDocumentDefinitions = {
    info: { title, creator: 'Framewatch', producer: 'Framewatch (pdfmake)' },
    pageSize: 'A4',
    pageMargins: [40, 44, 40, 44],
    defaultStyle: { font: 'NotoSans', fontSize: 9.5, lineHeight: 1.2 },
    styles: {
      h1: { fontSize: 18, bold: true, margin: [0, 0, 0, 4] },
      h2: { fontSize: 13.5, bold: true, margin: [0, 14, 0, 6], color: '#1d2330' },
      h3: { fontSize: 11, bold: true, margin: [0, 8, 0, 4] },
      p: { margin: [0, 0, 0, 6] },
      muted: { color: '#5b6475', fontSize: 8.5, margin: [0, 0, 0, 8] },
      table: { fontSize: 8, margin: [0, 2, 0, 8] },
      caption: { fontSize: 7.5, color: '#5b6475' },
      quote: { fontSize: 9.5, margin: [0, 0, 0, 2] },
      cite: { fontSize: 7.5, color: '#5b6475' },
    },
    footer: (page: number, pages: number) => ({
      text: t(`${title} — ${page} / ${pages}`),
      alignment: 'center',
      fontSize: 7,
      color: '#8a93a5',
      margin: [0, 14, 0, 0],
    }),
    content: blocks.map(blockContent),
  };
  return pdfmake.createPdf(doc).getBuffer();
}
