import { describe, expect, it } from 'vitest';
import { parseEntityList } from '../../../pipelines/codebook/index.js';
import { findEntities } from '../../../pipelines/enrich/entities.js';

const names = (text: string) => findEntities(text).map((e) => e.name);

describe('findEntities', () => {
  it.each([
    ['Kursk region', 'Kursk'],
    ['бої на Курщині', 'Kursk'],
    ['у Курській області', 'Kursk'],
    ['в Курской области', 'Kursk'],
    ['쿠르스크에서 생포된', 'Kursk'],
    ['Zelenskyy said', 'Volodymyr Zelensky'],
    ['заява Зеленського', 'Volodymyr Zelensky'],
    ['слова Зеленского', 'Volodymyr Zelensky'],
    ['젤렌스키 대통령은', 'Volodymyr Zelensky'],
    ['Kim Jong-un', 'Kim Jong Un'],
    ['передати Кім Чен Ину', 'Kim Jong Un'],
    ['письмо Ким Чен Ына', 'Kim Jong Un'],
    ['김정은이', 'Kim Jong Un'],
    ['Путіна', 'Vladimir Putin'],
    ['Путину', 'Vladimir Putin'],
    ['푸틴 대통령', 'Vladimir Putin'],
    ['за словами Буданова', 'Kyrylo Budanov'],
    ['부다노프 국장', 'Kyrylo Budanov'],
    ['KCNA reported', 'KCNA'],
    ['조선중앙통신은', 'KCNA'],
    ['ГУР оприлюднило', 'GUR (Defence Intelligence of Ukraine)'],
    ['СБУ повідомила', 'SBU'],
    ['국정원은', 'National Intelligence Service'],
    ['проєкт «Хочу жити»', 'I Want to Live'],
    ['проект «Хочу жить»', 'I Want to Live'],
  ])('finds %s as %s', (text, name) => {
    expect(names(text)).toContain(name);
  });

  it('returns each entity once, with its type, in order of first mention', () => {
    const found = findEntities('Zelensky met the SBU in Kyiv. Зеленський і СБУ; 젤렌스키.');
    expect(found).toEqual([
      { type: 'person', name: 'Volodymyr Zelensky' },
      { type: 'org', name: 'SBU' },
      { type: 'place', name: 'Kyiv' },
    ]);
  });

  it('keeps case-sensitive acronyms away from ordinary words', () => {
    expect(names('The NIS briefed lawmakers')).toContain('National Intelligence Service');
    expect(names('nis and un are not entities here')).toEqual([]);
  });

  it('does not take a short common word for a name', () => {
    expect(names('Ким ти хочеш стати?')).toEqual([]);
  });

  it('works with an edited list', () => {
    const list = parseEntityList({ version: 'x', entities: [{ name: 'Sudzha', type: 'place', aliases: ['Судж*', '수자'] }] });
    expect(findEntities('біля Суджі', list)).toEqual([{ type: 'place', name: 'Sudzha' }]);
    expect(() => parseEntityList({ version: 'x', entities: [{ name: 'X', type: 'planet', aliases: ['x'] }] })).toThrow(
      /entity 'X' \(entities\[0\]\) type/u,
    );
  });
});
