/**
 * The safety net of the triage: words that mean a person must look at the message, whatever the model thinks of
 * its intent. Deliberately broad (a false escalation costs a manager a glance; a missed one can cost a client's
 * health or a lawsuit) and checked on every message, also in the middle of a booking. Patterns run on the text as
 * `normalizeText` leaves it (lower case, "ё" as "е", Latin transliteration in Cyrillic) and on the original
 * lower-cased text for English.
 */
import { globalOf, rx } from './russian-text';
import type { EscalationReason } from './triage-result';

const list = (...sources: string[]): RegExp[] => sources.map((s) => rx(s));

const SYMPTOM = list(
  '\\bболит|\\bболят|\\bбольно\\b|\\bбол(?:и|ь|ью|ей|ями)\\b|\\bноет\\b|\\bнылит|\\bпростре',
  '\\bтемпературит|\\bтемпература(?! воздуха)|\\bтемпературой\\b|\\bжар\\b|\\bлихорад|\\bзнобит',
  '\\bопух|\\bотек|\\bотекл|\\bотечн|\\bраспух|\\bприпух',
  '\\bкровит|\\bкровотеч|\\bкровоточ|\\bкровь (?:идет|течет|пошла|из)|\\bв крови\\b',
  '\\bсыпь|\\bсыпью|\\bвысып|\\bпокрасне|\\bкрасные пятна|\\bпятна на',
  '\\bвоспал|\\bгно(?:й|ится|ит|ем)\\b|\\bнагно|\\bабсцесс|\\bфлюс',
  '\\bзуд|\\bчешет|\\bчешутся|\\bчесотк|\\bжжет|\\bжжени|\\bщиплет',
  '\\bкружится|\\bголовокруж|\\bтошн|\\bрвот|\\bрвет\\b|\\bпонос|\\bдиаре|\\bкашл|\\bкашель|\\bодышк|\\bзадыха',
  '\\bмигрен|\\bдавлени[ея]? (?:\\d|высок|низк|скач)|\\bдавление (?:поднял|упал|скач)',
  '\\bтравм(?!атолог)|\\bперелом|\\bушиб|\\bрастяж|\\bвывих|\\bгрыж|\\bпротруз|\\bсотряс|\\bрана\\b|\\bранк|\\bпорез|\\bожог|\\bшов\\b|\\bшвы\\b|\\bсвежие швы',
  '\\bпосле операци|\\bоперацию\\b|\\bоперация\\b|\\bпрооперир|\\bпосле родов|\\bкесарев',
  '\\bразболел|\\bзаболел[а-я]* (?:зуб|горло|ухо|живот|спина|голова)|\\bтянет (?:бок|живот|спину|поясниц)|\\b(?:бок|живот|спину|поясницу|низ живота) тянет|\\bзаложило|\\bзаклинило|\\bнеме(?:ет|ют|ла)\\b|\\bонемени|\\bрежет (?:в )?(?:глаз|живот)|\\bв глаз[а-я]* (?:попал|режет)',
  '\\bзрение (?:резко |сильно )?(?:упало|падает|ухудшил|село)|\\bмушки перед глаз|\\bпелена|\\bзадержка (?:\\d|месячн|недел|две|три)|\\bмесячные (?:идут|не идут|болезнен)|\\bкровь (?:сильно )?(?:течет|идет|хлещет)|\\bсломал|\\bтрещин[а-я]* (?:в кост|ребр)|\\bне дышит|\\bзасунул',
  '\\bклоками|\\bобгорел|\\bячмен|\\bшелуш|\\bраздражени|\\bпокраснел|\\bаллергическ|\\bукусил|\\bужалил|\\bотравил',
);

const MEDICAL = list(
  '\\bэкзем|\\bпсориаз|\\bдерматит|\\bлишай|\\bлишаи|\\bгерпес|\\bгрибок|\\bгрибк|\\bмикоз|\\bонихолиз',
  '\\bакне\\b|\\bпрыщ|\\bугри\\b|\\bфурункул|\\bбородавк|\\bпапиллом|\\bродинк[а-я]* (?:изменил|кровит|растет|чешет)',
  '\\bсеборе|\\bвыпада(?:ют|ет|ние) волос|\\bволосы (?:сильно )?(?:выпадают|лезут|сыплются)|\\bалопец|\\bоблысе|\\bплешь|\\bзалысин',
  '\\bвросш[а-я]* ног|\\bвраста',
  '\\bаллерг|\\bаллергик|\\bнепереносим|\\bреакци[яи] на|\\bанафилак|\\bкрапивниц|\\bотек квинке',
  '\\bберемен|\\bв положении\\b|\\bжду ребенка|\\bкормлю грудью|\\bкормящ|\\bгрудн[а-я]* вскармлив|\\bлактац|\\bна гв\\b',
  '\\bтаблетк|\\bлекарств|\\bантибиотик|\\bпрепарат|\\bгормональн|\\bроаккутан|\\bизотретиноин|\\bаккутан|\\bинсулин|\\bантидепрессант|\\bкроверазжиж|\\bаспирин|\\bварфарин|\\bпью [а-я]+ин\\b|\\bпринимаю [а-я]+',
  '\\bдиабет|\\bэпилеп|\\bприпад|\\bсудорог|\\bастм|\\bгипертони|\\bгипотони|\\bсердц|\\bсердечн|\\bкардиостимулятор|\\bаритми|\\bтахикард|\\bинфаркт|\\bинсульт|\\bтромб|\\bваркоз|\\bварикоз|\\bонколог|\\bрак\\b|\\bхимиотерап|\\bопухол|\\bгепатит|\\bвич\\b|\\bщитовидк[а-я]* (?:боль|увелич)|\\bпочк[а-я]* (?:боль|болят)',
  '\\bсколиоз|\\bкифоз|\\bостеохондроз|\\bартрит|\\bартроз|\\bэндопротез|\\bтики\\b|\\bнервный тик|\\bнарушени[а-я]* (?:слуха|зрения|речи)|\\bслухов[а-я]* аппарат|\\bлежач|\\bврач запретил|\\bпо медицинским|\\bбольничн',
  '\\bсдвг|\\bаутиз|\\bзрпр|\\bзпр\\b|\\bзаикани|\\bзаикает|\\bгиперактивн|\\bинвалидн|\\bдцп\\b|\\bовз\\b',
  '\\bпротивопоказ|\\bвредно ли|\\bне вредно|\\bбезопасно ли|\\bне опасно|\\bопасно ли|\\bэто нормально|\\bчто делать с (?:зуб|кож|ног|рук|лиц|волос|глаз)|\\bчем лечить|\\bчем мазать|\\bчто принять|\\bчто пить\\b',
);

const LEGAL = list(
  '\\bюрист|\\bадвокат|\\bв суд\\b|\\bсудом\\b|\\bсудеб|\\bиск\\b|\\bисков|\\bзасуж|\\bроспотребнадзор|\\bпрокурат|\\bполици|\\bзаявлени[ея] в',
  '\\bпретензи|\\bвозврат(?:а|ом)? (?:денег|средств|оплаты|предоплаты|аванса)|\\bверн(?:ите|уть|ете|ут|ешь)[а-я]* (?:мне |мои |наши |все )?(?:деньги|средства|предоплату|оплату|аванс)|\\bденьги (?:назад|обратно)|\\bвозвращайте деньги|\\bкомпенсац|\\bморальн[а-я]* вред|\\bущерб\\b|\\bвозместит|\\bвозмещени',
  '\\b(?:деньги|предоплат[а-я]*|оплат[а-я]*|остаток|средства|залог|аванс)(?: [а-я]+){0,3} (?:вернут|верн[её]т|вернете|верните|вернуть|возвращ[а-я]*)|\\bперерасчет|\\bрасторгнуть договор|\\bрасторжени',
  '\\bзащит[а-я]* прав потребител|\\bзозпп|\\bнарушение прав',
);

const COMPLAINT = list(
  '\\bжалоб|\\bпожаловат|\\bнедовол|\\bужасн|\\bужас\\b|\\bотвратител|\\bкошмар|\\bбезобраз|\\bпозор|\\bхамств|\\bхамк|\\bхамил|\\bнахамил|\\bгруб[а-я]* (?:был|админ|мастер|врач|общал)',
  '\\bиспортил|\\bиспорчен|\\bизуродова|\\bсожгли|\\bпережгли|\\bобманул|\\bобман\\b|\\bразвели\\b|\\bразвод\\b|\\bкинули\\b|\\bнапортачил|\\bкосяк|\\bкриво\\b|\\bотвалил|\\bотклеил|\\bслезло|\\bоблезло|\\bпоцарапал|\\bпомяли|\\bсломали|\\bхуже чем было',
  '\\bникогда больше|\\bбольше не приду|\\bотзыв напишу|\\bнапишу отзыв|\\bразочаров|\\bпрождал|\\bждал[а-я]* (?:\\d+|час|полчаса|сорок)',
);

const HUMAN = list(
  '\\bоператор|\\bменеджер|\\bадминистратор(?:а|ом|у)\\b|\\bживой человек|\\bживого человека|\\bс человеком|\\bчеловека позов|\\bпозовите|\\bсоедините|\\bпереключите',
  '\\bперезвон|\\bпозвоните мне|\\bнаберите мне|\\bсвяжитесь со мной|\\bсвяжитесь с|\\bдиректор|\\bруководител|\\bуправляющ|\\bстарш[а-я]* (?:смены|администратор)|\\bномер (?:телефона )?(?:мастера|врача|администратора|менеджера|директора)',
);

const ABUSE = list(
  '\\bидиот|\\bдебил|\\bурод|\\bтупые\\b|\\bтупорыл|\\bтвар[иь]|\\bсволоч|\\bмраз|\\bкозл[ыа]',
  '\\bбля|\\bсук[аи]\\b|\\bпизд|\\bхуй|\\bхуе|\\bхер\\b|\\bебан|\\bебат|\\bговн',
  '\\bразнесу|\\bпожалеете|\\bубью|\\bспалю',
);

const ENGLISH: Array<[EscalationReason, RegExp]> = [
  [
    'medical',
    /\b(?:pain|painful|hurts?|aches?|toothache|killing me|sore|injured|broke|broken|sprain\w*|fever|swell|swollen|bleed|bleeding|rash|itch|allerg\w*|pregnan\w*|breastfeed\w*|medication|medicine|pills?|antibiotics?|eczema|psoriasis|dermatitis|fungus|diabet\w*|epilep\w*|asthma|injur\w*|surgery|infection|inflam\w*|contraindicat\w*|is it safe|side effects?)\b/,
  ],
  ['legal', /\b(?:lawyer|sue|court|refund|money back|compensation|legal)\b/],
  ['complaint', /\b(?:complain\w*|terrible|awful|horrible|rude|ruined|disappointed|unacceptable|worst)\b/],
  ['human', /\b(?:manager|operator|real person|human|call me back|call me|speak to (?:a|someone)|administrator)\b/],
];

/** Acute emergencies: the client must call an ambulance now. */
const RED_FLAGS = list(
  '\\bдышать (?:трудно|тяжело|не могу)|\\bтрудно глотать|\\bглотать не могу|\\bне могу (?:нормально )?вдохнуть|\\bсвистит в груди|\\bдышит со свистом|\\bхолодный пот',
  '\\bкров[а-я]*(?: [а-я]+){0,3} не останавлива|\\bполный рот крови|\\bв груди (?:жмет|давит|болит|жжет)|\\bжмет в груди|\\bплохо с сердцем|\\bсердце колотится|\\bв глазах темнеет|\\bупал[а-я]? и не (?:отвечает|встает|двигается)',
  '\\b(?:лицо|губы|горло|язык|веки)(?: [а-я]+){0,3} (?:отекают|отекли|опухли|опухает|опухло|распухли|раздуло)|\\bопухл[а-я]* (?:веки|губы|лицо|язык)',
  '\\bбол(?:ит|ь|ью|и)[а-я ]{0,12}(?:в груди|за грудиной|в сердце|сердце)|\\bгрудь (?:болит|давит|жжет)|\\bдавит (?:в груди|грудь|сердце)|\\bсердце (?:болит|колет|давит|прихватило|щемит)',
  '\\bне могу дышать|\\bне может дышать|\\bтрудно дышать|\\bтяжело дышать|\\bзадыха|\\bнечем дышать|\\bхрипит и|\\bсинеют губы|\\bпосинел',
  '\\bсильн[а-я]* кровотеч|\\bкровь не (?:останавливается|остановить|перестает)|\\bхлещет|\\bмного крови|\\bкровотечение не',
  '\\b(?:по)?теря[а-я]* сознани|\\bлицо (?:раздуло|распухло|отекло)|\\bгорло (?:сжимает|перехватывает)|\\bголова разбита|\\bбез сознания|\\bобморок|\\bупал[а-я]? в обморок|\\bотключил[а-я]?сь\\b|\\bне приходит в себя',
  '\\bотек[а-я]* (?:лица|горла|языка|губ)|\\bотекает (?:лицо|горло|язык)|\\bопух(?:ло|ли|ает)? (?:лицо|горло|язык|губы)|\\bанафилак|\\bотек квинке',
  '(?<!после )\\bинсульт|\\bперекосил[а-я]* лицо|\\bонемел[а-я]* (?:половина|рука и|лицо)|\\bрезко онемел|\\bнарушилась речь|\\bсудорог',
  '\\bсильн[а-я]* бол[ьи] в живот[а-я]* и|\\bострая боль|\\bневыносим[а-я]* бол',
);
/** A child's high fever or lethargy counts only where a child is spoken of. */
const CHILD = rx('\\bребен|\\bребят|\\bсын|\\bдоч|\\bмалыш|\\bмладен|\\bгрудничок|\\bкрох|\\bдет(?:и|ей|ям)\\b');
const CHILD_RED_FLAGS = list(
  '\\bтемператур[а-я]* (?:под |около |почти |уже |выше |больше )?(?:39|40|41)|\\b(?:39|40|41)(?:[.,]\\d)? (?:градус|и\\b)|\\b(?:39|40)[.,]\\d\\b|\\bне сбивается',
  '\\bвял(?:ый|ая|ое|ость)?\\b|\\bне просыпается|\\bне реагирует|\\bсонлив',
);
const ENGLISH_RED_FLAGS =
  /\b(?:can'?t move (?:her|his|my) (?:arm|leg)|slurred|barely responds|(?:3[9]|40)(?:\.\d)? fever|fever of (?:39|40)|lips (?:are )?swelling|chest pain|pain in (?:my|the) chest|can'?t breathe|cannot breathe|trouble breathing|short of breath|heavy bleeding|won'?t stop bleeding|fainted|passed out|unconscious|seizure|stroke|throat (?:is )?swelling|face (?:is )?swelling|anaphyla\w*)\b/;

/** "аллергии нет", "не беременна", "без противопоказаний": the cue is denied. */
function denied(text: string, index: number, length: number): boolean {
  const before = text.slice(Math.max(0, index - 14), index);
  const after = text.slice(index + length, index + length + 12);
  return /(?:^|[^а-я])(?:не|нет|без|ни)\s+(?:[а-я]+\s+)?$/.test(before) || /^[а-я]*\s+(?:нет|не было)\b/.test(after);
}

function fires(text: string, patterns: readonly RegExp[], checkDenial: boolean): boolean {
  return patterns.some((pattern) => {
    for (const m of text.matchAll(globalOf(pattern))) {
      if (!checkDenial || !denied(text, m.index ?? 0, m[0].length)) return true;
    }
    return false;
  });
}

export interface EscalationCues {
  reason: EscalationReason | null;
  redFlag: boolean;
}

/**
 * The first reason, by weight, that the text gives for a person to look; `normalized` is the text as
 * normalizeText leaves it, `original` the message itself.
 */
export function escalationCues(normalized: string, original: string): EscalationCues {
  const english = original.toLowerCase();
  const redFlag =
    fires(normalized, RED_FLAGS, true) ||
    (CHILD.test(normalized) && fires(normalized, CHILD_RED_FLAGS, true)) ||
    ENGLISH_RED_FLAGS.test(english);
  if (redFlag) return { reason: 'red_flag', redFlag };
  const checks: Array<[EscalationReason, RegExp[], boolean]> = [
    ['medical', MEDICAL, true],
    ['symptom', SYMPTOM, true],
    ['legal', LEGAL, false],
    ['complaint', COMPLAINT, true],
    ['human', HUMAN, true],
    ['abuse', ABUSE, false],
  ];
  for (const [reason, patterns, checkDenial] of checks) {
    if (fires(normalized, patterns, checkDenial)) return { reason, redFlag: false };
  }
  for (const [reason, pattern] of ENGLISH) if (pattern.test(english)) return { reason, redFlag: false };
  return { reason: null, redFlag: false };
}
