/**
 * Phrase banks for the synthetic data generator: short, clean, plausible sentences per story,
 * frame and voice. A voice is a language (`uk`, `ru`, `ko`, `en`, `de`, `fr`) or a language spoken
 * by one side (`ko@KP`): North Korean state media writes Korean in its own register, so KP items
 * never borrow the South Korean bank.
 *
 * In FRAME_SENTENCES, [brackets] mark the evidence terms of the frame. The generator strips the
 * brackets and records the terms, so evidence is always a substring of the text it was found in.
 */

export const FRAME_IDS = [
  'exchange_offer',
  'alliance_exposure',
  'cannon_fodder',
  'defection_asylum',
  'denial_fabrication',
  'brotherhood_heroism',
  'pow_rights',
  'escalation_security',
] as const;
export type FrameId = (typeof FRAME_IDS)[number];

export const STORY_IDS = [
  'interrogation_video',
  'exchange_offer',
  'capture_report',
  'denial_statement',
  'defection_briefing',
  'rights_appeal',
  'alliance_condemnation',
  'frontline_report',
] as const;
export type StoryId = (typeof STORY_IDS)[number];

export type Voice = 'uk' | 'ru' | 'ko' | 'ko@KP' | 'en' | 'de' | 'fr';
export type Bank = Partial<Record<Voice, readonly string[]>>;

/** Voices that must not fall back to the plain language bank when a phrase is missing. */
export const OWN_VOICES: ReadonlySet<string> = new Set(['ko@KP']);

export const HEADLINES: Record<StoryId, Bank> = {
  interrogation_video: {
    uk: ['Відео допиту полонених північнокорейських солдатів', 'Полонений з КНДР розповів, як потрапив на Курщину'],
    ru: ['Киев показал новое видео «допроса» пленных', 'Ролик с «северокорейскими пленными»: что известно'],
    ko: ['우크라이나, 북한군 포로 신문 영상 공개', '북한군 포로 "훈련인 줄 알았다"'],
    'ko@KP': ['우크라이나 괴뢰들의 비렬한 영상 놀음'],
    en: [
      'Ukraine releases interrogation video of captured North Korean soldiers',
      'Video: captured North Korean soldier questioned in Ukraine',
    ],
    de: ['Ukraine veröffentlicht Verhörvideo nordkoreanischer Gefangener'],
    fr: ["L'Ukraine diffuse l'interrogatoire de soldats nord-coréens capturés"],
  },
  exchange_offer: {
    uk: ['Україна готова обміняти полонених з КНДР на своїх захисників', 'Заява щодо долі полонених військових КНДР'],
    ru: ['Киев предложил передать пленных из КНДР', 'Украина заговорила об обмене северокорейских пленных'],
    ko: ['우크라이나 "북한군 포로, 자국 포로와 교환 가능"', '우크라이나, 북한군 포로 교환 제안'],
    'ko@KP': ["가소로운 '포로 교환' 타령"],
    en: [
      'Ukraine offers to swap captured North Korean soldiers for its POWs',
      'Kyiv proposes prisoner exchange involving North Korean captives',
    ],
    de: ['Kiew bietet Austausch nordkoreanischer Gefangener an'],
    fr: ['Kiev propose un échange de prisonniers nord-coréens'],
  },
  capture_report: {
    uk: ['На Курщині взято в полон ще одного військового КНДР', 'Новий полонений з КНДР'],
    ru: ['ВСУ заявили о новом «пленном из КНДР»'],
    ko: ['우크라이나군, 북한군 병사 추가 생포', '쿠르스크서 북한군 또 생포'],
    en: ['Ukraine says it captured another North Korean soldier', 'Another North Korean soldier taken prisoner in Kursk'],
    de: ['Weiterer nordkoreanischer Soldat in Gefangenschaft'],
    fr: ['Un autre soldat nord-coréen fait prisonnier'],
  },
  denial_statement: {
    uk: ['Москва і Пхеньян знову все заперечують', 'Кремль відкидає факти участі КНДР у війні'],
    ru: ['МИД: сообщения о пленных из КНДР не соответствуют действительности', 'Заявление официального представителя МИД'],
    ko: ['북한, 포로 영상 "조작" 주장', '북·러, 파병 보도 또 부인'],
    'ko@KP': ['조선민주주의인민공화국 외무성 대변인 담화', '조선중앙통신사 론평'],
    en: ['Moscow and Pyongyang deny North Korean troops are fighting', 'North Korea dismisses reports on captured soldiers'],
    de: ['Moskau und Pjöngjang dementieren erneut'],
    fr: ['Moscou et Pyongyang démentent à nouveau'],
  },
  defection_briefing: {
    uk: ['Полонений з КНДР хоче до Південної Кореї', 'Сеул готовий прийняти полонених північнокорейців'],
    ru: ['Сеул заявил о готовности принять пленных из КНДР'],
    ko: ['국정원 "북한군 포로 1명 한국행 희망"', '정부, 북한군 포로 전원 수용 원칙 재확인'],
    'ko@KP': ["괴뢰 정보원의 '귀순' 모략극"],
    en: ['Captured North Korean soldier wants to go to Seoul, spy agency says', 'Seoul ready to accept North Korean POWs'],
    de: ['Gefangener Nordkoreaner will nach Südkorea'],
    fr: ['Un prisonnier nord-coréen veut rejoindre Séoul'],
  },
  rights_appeal: {
    uk: ['Правозахисники закликають дотримуватися прав полонених'],
    ru: ['Правозащитники призвали соблюдать права пленных'],
    ko: ['국제 인권단체 "포로 인도적 대우 보장해야"'],
    en: ['Rights groups urge humane treatment of prisoners of war', 'Humanitarian access to North Korean captives requested'],
    de: ['Menschenrechtler fordern Schutz der Kriegsgefangenen'],
    fr: ['Les ONG réclament la protection des prisonniers de guerre'],
  },
  alliance_condemnation: {
    uk: ['Партнери засудили військовий союз Москви та Пхеньяна'],
    ru: ['Запад снова обвинил Москву и Пхеньян'],
    ko: ['한미, 북러 군사협력 규탄 공동성명', '서방 "북한군 파병은 국제 안보 위협"'],
    'ko@KP': ['미국과 추종세력들의 악랄한 비방 책동'],
    en: ['Allies condemn Russia–North Korea military cooperation', 'Joint statement on North Korean troops in Russia'],
    de: ['Westen verurteilt Militärkooperation Moskaus mit Pjöngjang'],
    fr: ['Les Occidentaux condamnent la coopération militaire russo-nord-coréenne'],
  },
  frontline_report: {
    uk: ['Курський напрямок: ситуація на ранок', 'Нова хвиля штурмів за участю військових КНДР'],
    ru: ['Курское направление: сводка за сутки', 'Военкоры о боях в Курской области'],
    ko: ['쿠르스크 전선 교전 계속', '우크라이나군 "북한군 대규모 돌격 격퇴"'],
    'ko@KP': ['해외작전부대 장병들의 영웅적 위훈'],
    en: ['Fighting continues in Kursk region', 'North Korean units join new assaults in Kursk'],
    de: ['Kämpfe in der Region Kursk dauern an'],
    fr: ['Les combats se poursuivent dans la région de Koursk'],
  },
};

export const LEADS: Record<StoryId, Bank> = {
  interrogation_video: {
    uk: [
      'Оприлюднено відео допиту північнокорейських військових, яких взяли в полон на Курщині.',
      'Полонений військовий КНДР розповів на допиті, як його відправили на фронт у Курській області.',
    ],
    ru: [
      'Киев опубликовал очередное видео допроса, на котором якобы запечатлены северокорейские военные.',
      'В украинских каналах распространяется ролик с «допросом» солдат, которых называют пленными из КНДР.',
    ],
    ko: [
      '우크라이나가 쿠르스크에서 생포한 북한군 포로의 신문 영상을 공개했다.',
      '공개된 영상에서 북한군 포로는 우크라이나 측의 질문에 답하며 파병 과정을 설명했다.',
    ],
    'ko@KP': ["우크라이나 괴뢰들이 이른바 '포로 신문 영상'이라는 것을 또다시 내돌리고 있다."],
    en: [
      'Ukraine has released a video interrogation of North Korean soldiers captured in the Kursk region.',
      'A new video published by Ukrainian officials shows a captured North Korean soldier answering questions.',
    ],
    de: [
      'Die Ukraine hat ein Video vom Verhör nordkoreanischer Soldaten veröffentlicht, die in der Region Kursk gefangen genommen wurden.',
    ],
    fr: ["L'Ukraine a publié la vidéo de l'interrogatoire de soldats nord-coréens capturés dans la région de Koursk."],
  },
  exchange_offer: {
    uk: [
      'Президент України заявив, що Київ готовий передати полонених солдатів КНДР Пхеньяну в обмін на українських військових у російському полоні.',
      'Українська сторона пропонує повернути полонених північнокорейців додому, якщо Росія звільнить наших захисників.',
    ],
    ru: [
      'Офис президента Украины заявил о готовности передать пленных северокорейцев Пхеньяну в обмен на украинских военных.',
      'В Киеве предложили схему передачи пленных из КНДР через Россию.',
    ],
    ko: [
      '우크라이나 대통령실은 북한군 포로를 러시아에 억류된 자국 군인과 맞바꿀 용의가 있다고 밝혔다.',
      '우크라이나는 북한군 포로를 북한으로 돌려보내는 대신 자국 포로의 석방을 요구했다.',
    ],
    'ko@KP': ["우크라이나 괴뢰들은 존재하지도 않는 '포로'를 흥정물로 삼으려 하고 있다."],
    en: [
      "Ukraine's presidential office said Kyiv is ready to hand over captured North Korean soldiers in return for Ukrainians held by Russia.",
      'Kyiv has offered to return the North Korean prisoners if Moscow frees Ukrainian soldiers in its custody.',
    ],
    de: ['Die Ukraine bietet an, die gefangenen Nordkoreaner gegen ukrainische Kriegsgefangene in Russland freizugeben.'],
    fr: ['Kiev se dit prêt à rendre les soldats nord-coréens capturés contre la libération de prisonniers ukrainiens.'],
  },
  capture_report: {
    uk: [
      'Українські військові взяли в полон ще одного солдата КНДР під час боїв на Курщині.',
      'Бійці спецпідрозділу захопили пораненого північнокорейського військового та надали йому медичну допомогу.',
    ],
    ru: [
      'Украинские источники сообщают о новом пленном из КНДР в Курской области.',
      'ВСУ заявляют о захвате раненого военного, которого называют северокорейцем.',
    ],
    ko: [
      '우크라이나군이 쿠르스크 전선에서 북한군 병사 1명을 추가로 생포했다고 밝혔다.',
      '부상당한 북한군 병사가 우크라이나 특수부대에 생포돼 치료를 받고 있다.',
    ],
    en: [
      'Ukrainian forces say they have captured another North Korean soldier in the Kursk region.',
      'A wounded North Korean soldier was taken prisoner by Ukrainian special forces and is receiving medical treatment.',
    ],
    de: ['Ukrainische Truppen haben nach eigenen Angaben einen weiteren nordkoreanischen Soldaten gefangen genommen.'],
    fr: ['Les forces ukrainiennes affirment avoir capturé un autre soldat nord-coréen dans la région de Koursk.'],
  },
  denial_statement: {
    uk: [
      'У Москві та Пхеньяні знову заперечують участь північнокорейських військових у боях.',
      'Російська пропаганда намагається дискредитувати відео з полоненими.',
    ],
    ru: [
      'В МИД России заявили, что сообщения об участии военных КНДР в боях не имеют отношения к действительности.',
      'Официальный представитель ведомства назвала публикации о пленных северокорейцах информационной кампанией Киева.',
    ],
    ko: [
      '북한 외무성은 우크라이나가 공개한 포로 영상에 대해 강하게 반발했다.',
      '러시아와 북한은 북한군 파병 보도를 여전히 부인하고 있다.',
    ],
    'ko@KP': [
      "조선민주주의인민공화국 외무성 대변인은 이른바 '북한군 포로'에 관한 보도를 전면 부정하였다.",
      '조선중앙통신사는 적대세력들의 비렬한 선전을 단호히 규탄하였다.',
    ],
    en: [
      'Moscow and Pyongyang again denied that North Korean troops are fighting in the Kursk region.',
      "North Korea's foreign ministry dismissed reports about captured soldiers as a smear campaign.",
    ],
    de: ['Moskau und Pjöngjang bestreiten weiterhin den Einsatz nordkoreanischer Soldaten.'],
    fr: ['Moscou et Pyongyang continuent de nier la présence de soldats nord-coréens au front.'],
  },
  defection_briefing: {
    uk: [
      'Південнокорейська розвідка повідомила, що один із полонених висловив бажання виїхати до Сеула.',
      'У Сеулі заявили, що готові прийняти північнокорейських полонених, якщо вони цього захочуть.',
    ],
    ru: [
      'Южнокорейская разведка заявила, что один из пленных хочет уехать в Сеул.',
      'В Сеуле заявили о готовности принять пленных северокорейцев.',
    ],
    ko: [
      '국가정보원은 북한군 포로 1명이 한국으로 가기를 원한다고 국회에 보고했다.',
      '정부는 북한군 포로가 원할 경우 전원 수용한다는 원칙을 재확인했다.',
    ],
    'ko@KP': ['괴뢰 정보원이 또다시 모략극을 꾸미고 있다.'],
    en: [
      "South Korea's intelligence service said one of the captured soldiers has expressed a wish to go to Seoul.",
      'Seoul reiterated that it would accept any North Korean prisoner who asks to come to the South.',
    ],
    de: ['Der südkoreanische Geheimdienst erklärte, einer der Gefangenen wolle nach Seoul.'],
    fr: ["Les services de renseignement sud-coréens affirment qu'un des prisonniers souhaite partir pour Séoul."],
  },
  rights_appeal: {
    uk: [
      'Міжнародні правозахисники закликали забезпечити належне поводження з усіма полоненими.',
      'Гуманітарні організації просять доступу до полонених військових КНДР.',
    ],
    ru: [
      'Международные правозащитники призвали обеспечить надлежащее обращение со всеми пленными.',
      'Гуманитарные организации добиваются доступа к пленным.',
    ],
    ko: [
      '국제 인권단체들은 모든 포로에 대한 인도적 대우를 촉구했다.',
      '국제 인도주의 기구는 북한군 포로에 대한 접근을 요청했다.',
    ],
    en: [
      'International rights groups called for humane treatment of all prisoners held in the conflict.',
      'A humanitarian organisation requested access to the captured North Korean soldiers.',
    ],
    de: ['Menschenrechtsgruppen fordern eine menschenwürdige Behandlung aller Gefangenen.'],
    fr: ['Des ONG appellent à traiter humainement tous les prisonniers.'],
  },
  alliance_condemnation: {
    uk: [
      'Партнери України засудили військову підтримку, яку Пхеньян надає Москві.',
      'Союзники наголошують, що відправлення військ КНДР до Росії змінює характер війни.',
    ],
    ru: [
      'Западные столицы вновь выступили с обвинениями в адрес Москвы и Пхеньяна.',
      'Вашингтон и Брюссель выступили с заявлением о роли КНДР в конфликте.',
    ],
    ko: [
      '한미 외교당국은 북한군의 러시아 투입을 강하게 규탄하는 공동성명을 발표했다.',
      '서방 국가들은 북한과 러시아의 밀착에 깊은 우려를 표명했다.',
    ],
    'ko@KP': ['미국과 그 추종세력들이 조로 관계를 걸고 들며 악랄한 비방을 일삼고 있다.'],
    en: [
      'Western governments condemned the deepening ties between Moscow and Pyongyang.',
      'Allies said the presence of North Korean troops in Russia marks a dangerous new phase of the war.',
    ],
    de: ['Westliche Regierungen verurteilen die Unterstützung Pjöngjangs für Moskau.'],
    fr: ['Les capitales occidentales condamnent le soutien de Pyongyang à Moscou.'],
  },
  frontline_report: {
    uk: [
      'На Курському напрямку тривають бої, противник кидає в атаки підрозділи КНДР.',
      'Наші оператори дронів зафіксували нову хвилю штурмів за участю північнокорейських солдатів.',
    ],
    ru: [
      'На курском направлении продолжаются тяжелые бои.',
      'Военкоры сообщают о продвижении наших подразделений в Курской области.',
    ],
    ko: ['쿠르스크 전선에서 북한군이 투입된 교전이 이어지고 있다.', '우크라이나군은 북한군의 대규모 돌격을 격퇴했다고 밝혔다.'],
    'ko@KP': ['조선인민군 해외작전부대 장병들은 쿠르스크 지역 해방작전에서 위훈을 세웠다.'],
    en: [
      'Fighting continues in the Kursk region, where North Korean units are reported to be taking part in assaults.',
      'Ukrainian drone units reported a new wave of infantry attacks involving North Korean soldiers.',
    ],
    de: ['In der Region Kursk gehen die Kämpfe weiter, nordkoreanische Einheiten sollen an Angriffen beteiligt sein.'],
    fr: ["Les combats se poursuivent dans la région de Koursk, avec la participation d'unités nord-coréennes."],
  },
};

export const FRAME_SENTENCES: Record<FrameId, Bank> = {
  exchange_offer: {
    uk: [
      'Київ готовий до [обміну] полонених і чекає відповіді від Москви.',
      'Ми пропонуємо [обміняти] їх на українських захисників, які перебувають у російському полоні.',
    ],
    ru: ['Киев предлагает [обмен] пленными, но в Москве пока не ответили.', 'Украина хочет [обменять] пленных на своих военных.'],
    ko: ['우크라이나는 [포로 교환]을 공식 제안했다.', '북한군 포로를 우크라이나 군인과 [맞교환]하는 방안이 거론된다.'],
    'ko@KP': ['괴뢰들의 [포로 교환] 타령은 가소로운 정치 흥정에 불과하다.'],
    en: [
      'Kyiv says a prisoner [exchange] could bring Ukrainian soldiers home.',
      'Officials suggested the soldiers could be [swapped] for Ukrainian POWs.',
    ],
    de: ['Kiew schlägt einen [Gefangenenaustausch] vor.'],
    fr: ['Kiev propose un [échange] de prisonniers.'],
  },
  alliance_exposure: {
    uk: [
      'Це ще один доказ [участі КНДР] у війні проти України.',
      'Відео підтверджує [військову співпрацю] Росії та Північної Кореї.',
    ],
    ru: [
      'На Западе говорят о [военном сотрудничестве] Москвы и Пхеньяна.',
      'Киев утверждает, что это доказывает [участие КНДР] в конфликте.',
    ],
    ko: ['이번 사례는 [북러 군사협력]의 실체를 보여준다.', '북한의 러시아 [파병]이 사실로 확인됐다는 평가가 나온다.'],
    'ko@KP': ['조로 사이의 [군사협력]은 주권국가들의 합법적 권리이다.'],
    en: [
      'The footage is further evidence of [military cooperation] between Russia and North Korea.',
      'Analysts say it confirms the [deployment of North Korean troops] to Russia.',
    ],
    de: ['Das belegt die [militärische Zusammenarbeit] zwischen Russland und Nordkorea.'],
    fr: ['Cela confirme la [coopération militaire] entre la Russie et la Corée du Nord.'],
  },
  cannon_fodder: {
    uk: [
      'Російське командування використовує їх як [гарматне м’ясо].',
      'Солдатів КНДР кидають у [самогубчі штурми] без належної підготовки.',
    ],
    ru: [
      'В Киеве утверждают, что северокорейцев используют как [пушечное мясо].',
      'Украинские источники пишут о [больших потерях] среди северокорейских подразделений.',
    ],
    ko: ['북한군이 [총알받이]로 소모되고 있다는 분석이 나온다.', '북한군은 [인해전술] 식 돌격으로 큰 피해를 입었다.'],
    en: [
      'Captured soldiers describe being used as [cannon fodder] in frontal assaults.',
      'Military analysts point to [heavy losses] among North Korean units.',
    ],
    de: ['Die Soldaten würden als [Kanonenfutter] eingesetzt.'],
    fr: ['Les soldats seraient utilisés comme [chair à canon].'],
  },
  defection_asylum: {
    uk: [
      'Один із полонених заявив, що не хоче повертатися, і просить [притулку] в Південній Кореї.',
      'Полонений висловив бажання [виїхати до Південної Кореї].',
    ],
    ru: ['Один из пленных якобы попросил [убежища] в Южной Корее.', 'По данным Сеула, пленный хочет [уехать в Южную Корею].'],
    ko: ['포로 중 한 명은 [한국행]을 희망한다고 밝혔다.', '정부는 [귀순] 의사를 밝힌 포로를 전원 수용하겠다는 입장이다.'],
    'ko@KP': ["'[귀순]' 운운하는 모략 선전은 절대로 용납할 수 없다."],
    en: [
      'One prisoner reportedly asked for [asylum] in South Korea.',
      'Seoul says it is ready to accept soldiers who want to [defect].',
    ],
    de: ['Ein Gefangener bittet offenbar um [Asyl] in Südkorea.'],
    fr: ["Un prisonnier aurait demandé l'[asile] en Corée du Sud."],
  },
  denial_fabrication: {
    uk: ['Москва традиційно називає такі відео [фейком].', 'Кремлівські пропагандисти заявляють, що це [постановка].'],
    ru: [
      'Очевидно, что это очередная [постановка] украинских спецслужб.',
      'Эксперты указывают на признаки [фейка] в опубликованном ролике.',
    ],
    ko: ['북한은 해당 영상이 [조작]됐다고 주장했다.', '러시아 측은 관련 보도를 [가짜뉴스]라고 일축했다.'],
    'ko@KP': ['이는 적대세력들이 꾸며낸 [날조]극에 불과하다.', '[모략] 선전에 속아넘어갈 사람은 아무도 없다.'],
    en: ['Moscow dismissed the video as [staged].', 'Pyongyang called the reports [fabricated] propaganda.'],
    de: ['Moskau spricht von einer [Fälschung].'],
    fr: ['Moscou parle d’une vidéo [truquée].'],
  },
  brotherhood_heroism: {
    uk: ['Пропаганда КНДР називає своїх солдатів [героями].', 'Москва говорить про [братерство] з Пхеньяном.'],
    ru: ['Наши союзники проявили настоящий [героизм] в боях за Курскую область.', '[Боевое братство] России и КНДР крепнет.'],
    ko: ['북한 매체는 파병 군인들을 [영웅]으로 칭송했다.', '북한과 러시아는 양국의 [혈맹] 관계를 강조했다.'],
    'ko@KP': ['조로 두 나라 인민의 [형제적 우의]는 그 무엇으로도 깨뜨릴 수 없다.', '해외작전부대 장병들은 조국의 [영웅]들이다.'],
    en: [
      'State media in Pyongyang praised the soldiers as [heroes].',
      'Moscow speaks of a [brotherhood in arms] with Pyongyang.',
    ],
    de: ['Pjöngjang feiert die Soldaten als [Helden].'],
    fr: ['Pyongyang présente les soldats comme des [héros].'],
  },
  pow_rights: {
    uk: [
      'Усі полонені утримуються відповідно до [Женевської конвенції].',
      'Україна гарантує дотримання [прав військовополонених].',
    ],
    ru: ['Правозащитники напоминают о нормах [Женевской конвенции].', 'Вопрос о [статусе военнопленных] остается открытым.'],
    ko: ['[제네바 협약]에 따라 포로의 신원을 보호해야 한다는 지적이 나온다.', '국제사회는 [포로 인권] 보장을 촉구했다.'],
    en: [
      'Rights groups stressed that the [Geneva Convention] protects prisoners from public curiosity.',
      'The [rights of prisoners of war] must be respected, the organisation said.',
    ],
    de: ['Die [Genfer Konvention] schützt Kriegsgefangene.'],
    fr: ['La [Convention de Genève] protège les prisonniers de guerre.'],
  },
  escalation_security: {
    uk: ['Це пряма [загроза безпеці] Європи.', 'Залучення іноземних військ веде до [ескалації] війни.'],
    ru: ['Действия Запада ведут к опасной [эскалации].', 'Политика Вашингтона создает [угрозу безопасности] России.'],
    ko: ['북러 밀착은 한반도 [안보 위협]으로 이어질 수 있다.', '전문가들은 [확전] 가능성을 경고했다.'],
    'ko@KP': ['미국의 무모한 군사적 책동은 지역 정세를 [긴장 격화]로 몰아가고 있다.'],
    en: [
      'Officials warned of further [escalation] in the region.',
      'The deployment poses a [security threat] far beyond Europe.',
    ],
    de: ['Experten warnen vor einer weiteren [Eskalation].'],
    fr: ['Les experts mettent en garde contre une nouvelle [escalade].'],
  },
};

/** Background sentences for articles and statements. */
export const CONTEXT: Bank = {
  uk: [
    'За оцінками розвідки, КНДР направила до Росії тисячі військових.',
    'Перші полонені з КНДР з’явилися на початку 2025 року.',
  ],
  ru: ['По данным западных СМИ, речь идет о нескольких тысячах военных.', 'Ранее Киев уже публиковал подобные материалы.'],
  ko: ['국정원은 북한이 러시아에 1만여 명을 파병한 것으로 추정하고 있다.', '북한군 포로는 2025년 1월 처음 확인됐다.'],
  'ko@KP': ['조선중앙통신은 이날 이 같은 내용을 보도하였다.'],
  en: [
    'Pyongyang is estimated to have sent thousands of troops to Russia since autumn 2024.',
    'The first North Korean prisoners were confirmed in January 2025.',
  ],
  de: ['Nordkorea soll seit Herbst 2024 Tausende Soldaten nach Russland geschickt haben.'],
  fr: ['Pyongyang aurait envoyé des milliers de soldats en Russie depuis l’automne 2024.'],
};

export const OPENERS: Bank = {
  uk: ['Терміново:', 'Щойно стало відомо:', 'Важливо:'],
  ru: ['Срочно:', 'Только что:', 'Важно:'],
  ko: ['[속보]', '[종합]'],
  en: ['Breaking:', 'Update:'],
  de: ['Eilmeldung:'],
  fr: ['Dernière minute :'],
};

/** Sign-offs typical of channel posts. */
export const CLOSERS: Bank = {
  uk: ['Деталі згодом.', 'Стежимо за розвитком подій.'],
  ru: ['Подробности позже.', 'Следим за развитием событий.'],
  ko: ['자세한 내용은 추후 전해드리겠습니다.'],
  en: ['More to follow.', 'Details to follow.'],
  de: ['Weitere Details folgen.'],
  fr: ['Plus de détails à venir.'],
};

export interface FramePhrase {
  text: string;
  evidence: string[];
}

/** Strips [evidence] marks once, at load. */
export function parseFramePhrase(marked: string): FramePhrase {
  const evidence: string[] = [];
  const text = marked.replace(/\[([^\]]+)\]/gu, (_m, term: string) => {
    evidence.push(term);
    return term;
  });
  return { text, evidence };
}

/** The phrases of a bank for a voice, with the own-voice rule applied (undefined: none usable). */
export function phrasesFor(bank: Bank, voice: Voice): readonly string[] | undefined {
  const own = bank[voice];
  if (own && own.length > 0) return own;
  if (OWN_VOICES.has(voice)) return undefined;
  const plain = bank[voice.split('@')[0] as Voice];
  return plain && plain.length > 0 ? plain : undefined;
}
