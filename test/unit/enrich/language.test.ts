import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../pipelines/enrich/language.js';

describe('detectLanguage', () => {
  it.each([
    ['uk', 'Україна готова обміняти полонених на своїх захисників.'],
    ['ru', 'Украина готова обменять пленных на своих защитников.'],
    ['uk', 'Полонений розповів, що його відправили на навчання.'],
    ['ru', 'Пленный рассказал, что его отправили на учения.'],
    ['uk', "Зеленський заявив про обмін п'ятьох полонених."],
    ['ru', 'Зеленский заявил об обмене пятерых пленных.'],
    ['uk', 'Дивіться відео на каналі'],
    ['ru', 'Смотрите это видео на канале'],
  ])('tells Ukrainian from Russian in near-identical sentences (%s)', (lang, text) => {
    const guess = detectLanguage(text);
    expect(guess.lang).toBe(lang);
    expect(guess.confidence).toBeGreaterThan(0.3);
  });

  it('reads Hangul as Korean, with Latin names or links inside', () => {
    expect(detectLanguage('북한군 포로 2명, 우크라이나 SBU 영상 공개 https://t.me/s/example/1').lang).toBe('ko');
  });

  it('recognises English, German and French by their function words', () => {
    expect(detectLanguage('The soldiers were captured in the Kursk region and questioned by the SBU.').lang).toBe('en');
    expect(detectLanguage('Die Ukraine hat ein Video von den gefangenen Soldaten veröffentlicht.').lang).toBe('de');
    expect(detectLanguage("L'Ukraine a publié une vidéo des soldats capturés dans la région de Koursk.").lang).toBe('fr');
  });

  it("says 'und' when it cannot know", () => {
    expect(detectLanguage('').lang).toBe('und');
    expect(detectLanguage('🔥🔥 123 !!!').lang).toBe('und');
    expect(detectLanguage('https://t.me/s/channel/12345').lang).toBe('und');
    expect(detectLanguage('Курськ').lang).toBe('und');
  });

  it('is confident on clear text and less so on a lone word', () => {
    const clear = detectLanguage('Полонені отримують медичну допомогу, з ними поводяться відповідно до Женевської конвенції.');
    const thin = detectLanguage('Київ');
    expect(clear.confidence).toBeGreaterThan(0.8);
    expect(thin.confidence).toBeLessThan(clear.confidence);
  });
});
