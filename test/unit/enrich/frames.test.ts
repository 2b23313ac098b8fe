import { describe, expect, it } from 'vitest';
import { CodebookError, defaultCodebook, parseCodebook, type Codebook } from '../../../pipelines/codebook/index.js';
import { explainFrames, tagFrames } from '../../../pipelines/enrich/frames.js';
import { FRAME_IDS } from '../../../pipelines/generator/index.js';

const codebook = defaultCodebook();
const ids = (text: string, lang: string) => tagFrames(text, lang, codebook).map((f) => f.frameId);

describe('default codebook', () => {
  it('ships the eight frames, each with en, uk, ru and ko patterns', () => {
    expect(codebook.frames.map((f) => f.id)).toEqual([...FRAME_IDS]);
    for (const frame of codebook.frames) {
      for (const lang of ['en', 'uk', 'ru', 'ko']) expect(frame.patterns[lang]?.length, `${frame.id} ${lang}`).toBeGreaterThan(0);
    }
    expect(codebook.version).toMatch(/\S/u);
  });
});

describe('tagFrames', () => {
  it('keeps the matched spans, as written, as evidence', () => {
    const text = 'Київ пропонує ОБМІН полоненими: солдатів КНДР — на українських захисників.';
    const frames = tagFrames(text, 'uk', codebook);
    const exchange = frames.find((f) => f.frameId === 'exchange_offer');
    expect(exchange).toBeDefined();
    for (const span of exchange?.evidence ?? []) expect(text).toContain(span);
    expect(exchange?.evidence[0]).toBe('ОБМІН полоненими');
  });

  it('matches inflected Ukrainian and Russian forms through stems', () => {
    expect(ids('Україна готова до обміну полоненими.', 'uk')).toContain('exchange_offer');
    expect(ids('Киев предложил обменять северокорейских пленных.', 'ru')).toContain('exchange_offer');
    expect(ids('Для Кремля вони — гарматне мʼясо.', 'uk')).toContain('cannon_fodder');
  });

  it('finds Hangul terms inside words with particles attached', () => {
    expect(ids('포로들은 귀순을 원한다고 밝혔다.', 'ko')).toContain('defection_asylum');
    expect(ids('우크라이나, 포로교환 제안', 'ko')).toContain('exchange_offer');
  });

  it('lets an exclusion veto the match it overlaps, and only that one', () => {
    expect(ids('The central bank kept the exchange rate unchanged.', 'en')).toEqual([]);
    expect(ids('Курс обміну валют на сьогодні.', 'uk')).toEqual([]);
    expect(ids('교환학생 프로그램 참가자를 모집합니다.', 'ko')).toEqual([]);
    expect(ids('Эксперты: видео не является фейком.', 'ru')).not.toContain('denial_fabrication');
    expect(ids('The video is not staged, but Moscow still calls it a fake.', 'en')).toContain('denial_fabrication');
  });

  it('returns frames in codebook order, deterministically', () => {
    const text = 'Escalation fears grow as Kyiv offers a prisoner swap; Moscow calls the video fake.';
    const first = tagFrames(text, 'en', codebook);
    expect(first.map((f) => f.frameId)).toEqual(['exchange_offer', 'denial_fabrication', 'escalation_security']);
    expect(tagFrames(text, 'en', codebook)).toEqual(first);
  });

  it('uses every language when the text language is not in the codebook', () => {
    expect(ids('Zelensky: prisoner swap possible', 'und')).toContain('exchange_offer');
  });
});

describe('explainFrames', () => {
  it('shows matched patterns with offsets and the exclusions that vetoed', () => {
    const text = 'No exchange rate talk today; the prisoner exchange is set for Friday.';
    const exchange = explainFrames(text, 'en', codebook).find((e) => e.frameId === 'exchange_offer');
    expect(exchange?.matched).toBe(true);
    const match = exchange?.matches[0];
    expect(match && text.slice(match.start, match.end)).toBe(match?.text);
    expect(exchange?.exclusions.map((e) => e.text)).toContain('exchange rate');
    const vetoed = explainFrames('The exchange rate fell.', 'en', codebook).find((e) => e.frameId === 'escalation_security');
    expect(vetoed?.matched).toBe(false);
  });

  it('reports a vetoed match together with its exclusion', () => {
    const [exchange] = explainFrames('Student swap places with teachers.', 'en', codebook);
    expect(exchange?.matched).toBe(false);
    expect(exchange?.vetoed[0]?.vetoedBy.pattern).toBe('swap* ~2 places');
  });
});

describe('codebook validation', () => {
  const valid = (): Codebook => JSON.parse(JSON.stringify(codebook)) as Codebook;

  it('names the frame and field of a shape error', () => {
    const bad = valid() as unknown as { frames: Record<string, unknown>[] };
    (bad.frames[2] as Record<string, unknown>).label = 42;
    expect(() => parseCodebook(bad)).toThrow(/frame 'cannon_fodder' \(frames\[2\]\) label/u);
  });

  it('names the frame, language and index of a bad pattern', () => {
    const bad = valid();
    (bad.frames[1]?.patterns.uk as string[]).push('ab*');
    try {
      parseCodebook(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CodebookError);
      expect((error as CodebookError).issues[0]).toMatch(/frame 'alliance_exposure' \(frames\[1\]\) patterns\.uk\[\d+\]: stem/u);
    }
  });

  it('refuses duplicate frame ids and unknown fields', () => {
    const dup = valid();
    dup.frames.push({ ...(dup.frames[0] as Codebook['frames'][number]) });
    expect(() => parseCodebook(dup)).toThrow(/duplicate frame id/u);
    expect(() => parseCodebook({ ...valid(), colour: 'red' })).toThrow(/colour/u);
  });
});
