/**
 * Slot extraction: phone, name, date, time (verbatim substrings of the original message) and service
 * (a short normalised noun phrase).
 */
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { MONTH, WEEKDAY } from './triage-lexicon';
import { clauseSpans, NormalizedText, originalSlice, rx, Span } from './russian-text';

// ---------------------------------------------------------------- phone

/**
 * The first Russian phone in the text, verbatim: +7 902 914-33-20, 8(391)271-40-18, 89233456712, a bare mobile
 * 9131234567. libphonenumber finds and validates it.
 */
export function extractPhone(original: string): string | undefined {
  const [found] = findPhoneNumbersInText(original, 'RU');
  return found ? original.slice(found.startsAt, found.endsAt) : undefined;
}

// ---------------------------------------------------------------- date and time

export type DateKind = 'today' | 'specific' | 'vague' | 'past';

export interface Candidate extends Span {
  /** "с четверга", "со вчера": where something moves from or started, never the wanted slot. */
  readonly from: boolean;
  /** Preceded by "не" or "вместо": the slot being replaced. */
  readonly replaced: boolean;
  /** Introduced by "на" ("на пятницу"): typical for the new slot of a reschedule. */
  readonly na: boolean;
  readonly kind: DateKind;
  /** For times: a clock time or part of day concrete enough to commit to. */
  readonly concrete: boolean;
  /** For times: a clock time with digits ("к 10ти", "19:00"). */
  readonly numeric: boolean;
}

const DATE_PREP = '(?:\\b(?:на|в|во|к|до|с|со|по|после|около|от)\\s+)';
const WD_PHRASE = `(?:(?:эт[уио][а-я]*|ближайш[а-я]*|следующ[а-я]*)\\s+)?${WEEKDAY}(?:\\s*(?:,|или|и|/)\\s*(?:(?:в|во|на|по)\\s+)?${WEEKDAY})*`;

const DATE_PATTERNS: ReadonlyArray<{ re: RegExp; kind: DateKind }> = [
  { re: rx(`${DATE_PREP}?\\b(?:сегодня|сегодн[а-я]*|завтра)\\b`, 'g'), kind: 'today' },
  { re: rx(`${DATE_PREP}?\\bпослезавтра\\b`, 'g'), kind: 'specific' },
  { re: rx(`${DATE_PREP}?\\bвчера\\b`, 'g'), kind: 'past' },
  {
    re: rx(`${DATE_PREP}?\\b\\d{1,2}(?:-?(?:е|го|ое))?(?:\\s*(?:и|-|,)\\s*\\d{1,2})?\\s+${MONTH}`, 'g'),
    kind: 'specific',
  },
  { re: rx(`${DATE_PREP}?(?<![\\d.])\\d{1,2}\\.(?:0[1-9]|1[0-2])(?:\\.\\d{2,4})?(?![\\d])`, 'g'), kind: 'specific' },
  { re: rx(`${DATE_PREP}?\\b\\d{1,2}(?:\\s*-\\s*\\d{1,2})?\\s+числ[а-я]*`, 'g'), kind: 'specific' },
  { re: rx('(?:на|после|до|к|с|со)\\s+\\d{1,2}-?(?:е|го|ое)\\b', 'g'), kind: 'specific' },
  {
    re: rx(
      '\\bпо\\s+(?:понедельник|вторник|сред|четверг|пятниц|суббот|воскресень)[а-я]*ам\\b|\\bпо\\s+(?:пн|вт|ср|чт|пт|сб|вс)\\s*(?:и|,)\\s*(?:пн|вт|ср|чт|пт|сб|вс)\\b',
      'g',
    ),
    kind: 'vague',
  },
  { re: rx(`${DATE_PREP}?\\b${WD_PHRASE}\\b`, 'g'), kind: 'specific' },
  {
    re: rx(
      '(?:на|в)\\s+(?:эт[оуи][а-я]*|следующ[а-я]*|ближайш[а-я]*)\\s+недел[а-я]*|\\bна\\s+неделе\\b|(?:в|на)\\s+выходны[а-я]*|\\bв\\s+будни\\b|\\bпо\\s+будням\\b|\\bв\\s+будние\\s+дни',
      'g',
    ),
    kind: 'vague',
  },
  {
    re: rx(
      '(?:в|до|к)\\s+конц[а-я]*\\s+(?:месяца|недели|года)|\\bв\\s+(?:следующем|этом)\\s+месяце|\\bв\\s+' +
        MONTH +
        '\\b|(?:после|до|с)\\s+(?:нового\\s+года|каникул|праздник[а-я]*|новогодних[а-я\\s]{0,12})|\\bна\\s+новогодн[а-я]*\\s+(?:каникулы|праздники)|\\bв\\s+праздник[а-я]*',
      'g',
    ),
    kind: 'vague',
  },
];

/** Numbers followed by these are not clock times ("в 4 руки", "в 9 классе", "в 10 мин от вас"). */
const NOT_TIME_AFTER = rx(
  `^\\s*(?:[.,:/-]\\s*\\d|рук|раз|лет|год|класс|мин|день|дней|дня\\s+цикл|недел|месяц|км|тыс|мм|человек|чел\\b|числ|${MONTH}|шт|руб|р\\b|кг|см|процент|%|-?(?:е|го|ое)\\b)`,
);

const TIME_PATTERNS: ReadonlyArray<{ re: RegExp; concrete: boolean }> = [
  {
    re: rx(
      '(?:\\b(?:в|к|на|после|до|около|часам\\s+к|часов\\s+в|часа\\s+в|с)\\s+)?(?<![\\d:])(?:[01]?\\d|2[0-3]):[0-5]\\d(?!\\d)',
      'g',
    ),
    concrete: true,
  },
  {
    re: rx(
      '\\b(?:часа\\s+в|часов\\s+в|часов\\s+на|часам\\s+к|часу\\s+к|после|до|к|в|во|на|около|с)\\s+(?:[01]?\\d|2[0-4])(?:-?(?:ти|х|ми|ть|ом|му|ого))?(?![а-я\\d:]|[.,]\\d)(?:\\s+(?:утра|вечера|дня|ночи))?',
      'g',
    ),
    concrete: true,
  },
  {
    re: rx(
      '\\bс\\s+(?:самого\\s+)?утра\\b|\\bутром\\b|\\bднем\\b|\\bвечером\\b|\\bпосле\\s+обеда\\b|\\bдо\\s+обеда\\b|\\bв\\s+обед\\b|\\bна\\s+(?:вечер|утро)\\b|\\bв\\s+то\\s+же\\s+время\\b',
      'g',
    ),
    concrete: true,
  },
  { re: rx('\\bпрям[о]?\\s+сейчас\\b|\\bминут\\s+через\\s+\\d+|\\bчерез\\s+\\d+\\s*мин[а-я]*', 'g'), concrete: true },
  { re: rx('(?<!добр[а-я]{2}\\s)\\b(?:утро|вечер)\\b', 'g'), concrete: false },
];

function candidateFlags(text: string, start: number, matched: string): Pick<Candidate, 'from' | 'replaced' | 'na'> {
  const before = text.slice(Math.max(0, start - 12), start);
  return {
    from: /^(?:с|со)\s/.test(matched),
    replaced: /(?:^|[^а-я])(?:не|вместо)\s+$/.test(before) || /^(?:с|со)\s/.test(matched),
    na: /^на\s/.test(matched),
  };
}

/** Earlier matches of a longer pattern win over shorter overlapping ones. */
function addWithoutOverlap<T extends Span>(list: T[], item: T): void {
  const overlapping = list.filter((c) => c.start < item.end && item.start < c.end);
  if (overlapping.some((c) => c.end - c.start >= item.end - item.start)) return;
  for (const o of overlapping) list.splice(list.indexOf(o), 1);
  list.push(item);
}

export function dateCandidates(norm: NormalizedText): Candidate[] {
  const out: Candidate[] = [];
  for (const { re, kind } of DATE_PATTERNS) {
    for (const m of norm.text.matchAll(re)) {
      const start = m.index ?? 0;
      const item: Candidate = {
        start,
        end: start + m[0].length,
        kind,
        concrete: true,
        numeric: false,
        ...candidateFlags(norm.text, start, m[0]),
      };
      addWithoutOverlap(out, item);
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

export function timeCandidates(norm: NormalizedText, dates: readonly Span[]): Candidate[] {
  const out: Candidate[] = [];
  for (const { re, concrete } of TIME_PATTERNS) {
    for (const m of norm.text.matchAll(re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (NOT_TIME_AFTER.test(norm.text.slice(end))) continue;
      if (dates.some((d) => d.start < end && start < d.end)) continue;
      // A bare "с 7" is an opening time or a start, not a wanted slot.
      if (/^с\s+\d/.test(m[0])) continue;
      // "не заводится с утра": when a symptom or fault started. Only "в субботу с утра" is a slot.
      if (/^с\s/.test(m[0]) && !dates.some((d) => d.end <= start && start - d.end <= 2)) continue;
      const numeric = /\d/.test(m[0]);
      addWithoutOverlap(out, {
        start,
        end,
        kind: 'specific',
        concrete,
        numeric,
        ...candidateFlags(norm.text, start, m[0]),
      });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

export interface SlotChoiceContext {
  /** Reschedule: prefer the new slot. */
  readonly preferNew: boolean;
  /** Complaints and consultations are about a visit that already happened ("вчера"). */
  readonly preferPast?: boolean;
  /** Clauses that hold the reschedule request, if any. */
  readonly requestClauses: readonly Span[];
  /** Clauses that describe the existing appointment. */
  readonly existingClauses: readonly Span[];
}

function inAny(spans: readonly Span[], c: Span): boolean {
  return spans.some((s) => c.start >= s.start && c.start < s.end);
}

/** Picks the candidate that describes the slot the message is about. */
export function chooseCandidate(cands: readonly Candidate[], ctx: SlotChoiceContext): Candidate | undefined {
  const usable = cands.filter((c) => !c.from && c.kind !== 'past');
  if (ctx.preferPast) {
    const past = cands.find((c) => c.kind === 'past' && !c.from);
    if (past) return past;
  }
  if (!ctx.preferNew) {
    const first = usable.find((c) => !c.replaced) ?? cands.find((c) => !c.from) ?? cands[0];
    return first;
  }
  const fresh = usable.filter((c) => !c.replaced && !inAny(ctx.existingClauses, c));
  const inRequest = fresh.filter((c) => inAny(ctx.requestClauses, c));
  const pool = inRequest.length > 0 ? inRequest : fresh;
  const numeric = fresh.filter((c) => c.numeric);
  const concrete = pool.filter((c) => c.concrete);
  const best = numeric.length > 0 ? numeric : concrete.length > 0 ? concrete : pool;
  const withNa = best.filter((c) => c.na);
  if (withNa.length > 0) return withNa[withNa.length - 1];
  if (best.length > 0) return best[best.length - 1];
  // No new slot given: fall back to the existing one.
  return usable[0] ?? cands[0];
}

export function clausesMatching(norm: NormalizedText, patterns: readonly RegExp[]): Span[] {
  return clauseSpans(norm.text).filter((s) => {
    const clause = norm.text.slice(s.start, s.end);
    return patterns.some((p) => p.test(clause));
  });
}

export function candidateText(norm: NormalizedText, c: Candidate | undefined): string | undefined {
  if (!c) return undefined;
  const value = originalSlice(norm, c).replace(/[,.;:!?]+$/, '');
  return value.length > 0 ? value : undefined;
}

// ---------------------------------------------------------------- name

/** Common Russian first names and their everyday short forms, nominative only. */
const FIRST_NAMES = new Set(
  (
    'александр александра алексей алена алина алиса алла анастасия анатолий андрей анжела анна антон арина ' +
    'аркадий арсений артем артур богдан борис вадим валентин валентина валерий валерия варвара василий ' +
    'василиса вероника виктор виктория виталий владимир владислав владислава вячеслав галина геннадий георгий ' +
    'герман глеб григорий дарья денис диана дмитрий евгений евгения егор екатерина елена елизавета жанна ' +
    'захар зарина злата зоя иван игорь илья инна ирина кира кирилл константин кристина ксения лариса ' +
    'леонид лидия лилия людмила маргарита марина мария марк матвей максим милана мирон михаил ' +
    'наталья наталия никита николай нина оксана олег олеся ольга павел полина раиса регина ренат ринат ' +
    'родион руслан светлана семен сергей снежана софия софья станислав стефания степан тамара татьяна ' +
    'тимофей тимур ульяна федор эвелина эдуард элина эльвира эмиль юлия юрий яна ярослав ярослава ' +
    'саша леша алеша дима женя катя ксюша лена люда маша миша наташа настя оля паша ' +
    'полина рита света сережа соня таня тоня юля ваня вова витя гоша даша лиза вика кристи ' +
    'аня галя зина костя коля лида лиля люба надя петя рома сева стас тима толя федя ' +
    'юра яша петр ' +
    // Names of Krasnoyarsk's Tatar, Central Asian and Caucasian families, as common in its salons as the rest.
    'айгуль гульнара зульфия динара алия камила мадина асель эльмира лейла самира диляра альбина рената ' +
    'ахмед азиз рустам марат ильдар айдар нурлан фарид амир арсен давид карина тагир шамиль джамиля'
  )
    .replace(/ё/g, 'е')
    .split(/\s+/)
    .filter((n) => /^[а-я]+$/.test(n)),
);

/** Whether a lower-case word (ё as е) is a common Russian first name in the nominative. */
export function isFirstName(word: string): boolean {
  return FIRST_NAMES.has(word);
}

/** Staff names follow these ("к ирине", "мастер ирина", "тренер денис") and are never the customer. */
const STAFF_BEFORE = rx(
  '(?:\\b(?:к|у|с|со|мастер[а-я]*|тренер[а-я]*|врач[а-я]*|доктор[а-я]*|педагог[а-я]*|преподавател[а-я]*|администратор[а-я]*|стилист[а-я]*|учител[а-я]*|массажист[а-я]*|косметолог[а-я]*|специалист[а-я]*|менеджер[а-я]*))\\s+$',
);

const GREETING_BEFORE = rx('(?:здравствуйте|здрасте|добрый (?:день|вечер)|доброе утро|привет)[\\s,!]*$');

const SURNAME = /^[а-я]+(?:ова|ева|ёва|ина|ына|ов|ев|ин|ын|ская|ский|цкая|цкий|ко|ук|юк|ич|ян)$/;

const NAME_INTRO = rx(
  '\\b(?:(?:меня|ее|его|их|ребенка|сына|дочь|дочку|маму|папу)\\s+)?зовут\\s+([а-я]+)|\\bимя\\s*[:\\-–]?\\s*([а-я]+)(?:\\s+([а-я]+))?|\\bна\\s+имя\\s+([а-я]+)',
  'g',
);

function wordSpans(text: string): Array<Span & { word: string }> {
  return [...text.matchAll(/[а-яa-z]+/g)].map((m) => ({
    start: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length,
    word: m[0],
  }));
}

export function extractName(norm: NormalizedText): string | undefined {
  const text = norm.text;
  const words = wordSpans(text);
  const isName = (w: string): boolean => FIRST_NAMES.has(w);

  // Explicit introductions first: "меня зовут катя", "Имя: Валерия", "на имя игорь".
  for (const m of text.matchAll(NAME_INTRO)) {
    const groups = [m[1], m[2], m[4]];
    const found = groups.find((g) => g !== undefined);
    if (!found) continue;
    const start = (m.index ?? 0) + m[0].lastIndexOf(found);
    let end = start + found.length;
    // "Имя: Анна Кузнецова" keeps the surname too.
    if (m[3] && SURNAME.test(m[3])) end = (m.index ?? 0) + m[0].length;
    return originalSlice(norm, { start, end });
  }

  for (let i = 0; i < words.length; i += 1) {
    const w = words[i];
    if (!isName(w.word)) continue;
    if (STAFF_BEFORE.test(text.slice(Math.max(0, w.start - 20), w.start))) continue;
    const prev = words[i - 1];
    // "Здравствуйте, Ирина, ...": the customer addresses a staff member.
    if (GREETING_BEFORE.test(text.slice(Math.max(0, w.start - 25), w.start))) continue;
    // "ближнего света": a noun after an adjective, not a name.
    if (prev && /(?:ого|его|ой|ый|ий|ая|ое)$/.test(prev.word) && /^\s+$/.test(text.slice(prev.end, w.start))) continue;
    const next = words[i + 1];
    let start = w.start;
    let end = w.end;
    // "Соня Петрова", "Кузнецова Анна": keep an adjacent surname written in the same phrase.
    if (next && SURNAME.test(next.word) && !isName(next.word) && /^\s+$/.test(text.slice(w.end, next.start))) {
      end = next.end;
    } else if (prev && SURNAME.test(prev.word) && !isName(prev.word) && /^\s+$/.test(text.slice(prev.end, w.start))) {
      const beforePrev = text.slice(Math.max(0, prev.start - 20), prev.start);
      if (!STAFF_BEFORE.test(beforePrev)) start = prev.start;
    }
    return originalSlice(norm, { start, end });
  }
  return undefined;
}

// ---------------------------------------------------------------- service

/** 0: a procedure ("лечение кариеса"), 1: a specialist ("стоматолог"), 2: generic ("анализы", "брови"). */
type Tier = 0 | 1 | 2;

interface ServiceRule {
  readonly re: RegExp;
  /** Canonical name; `$1` is replaced by the first capture group (normalised). */
  readonly name: string;
  /** Only the most specific tier present is reported. */
  readonly tier: Tier;
}

const s = (source: string, name: string, generic = false): ServiceRule => ({
  re: rx(source, 'g'),
  name,
  tier: generic ? 2 : 0,
});
const specialist = (source: string, name: string): ServiceRule => ({ re: rx(source, 'g'), name, tier: 1 });

const SPECIALISTS =
  'терапевт|педиатр|стоматолог|гинеколог|эндокринолог|хирург|невролог|кардиолог|уролог|дерматолог|офтальмолог|окулист|трихолог|ортодонт|гастроэнтеролог|маммолог|психолог|логопед|дефектолог|остеопат|ортопед|косметолог|массажист|аллерголог|нефролог|ревматолог|онколог|проктолог|пульмонолог|отоларинголог';

const SERVICE_RULES: readonly ServiceRule[] = [
  // beauty
  s('\\bмужск[а-я]* маникюр[а-я]*', 'мужской маникюр'),
  s('\\bманикюр[а-я]* (?:с|\\+)\\s*покрыти[а-я]*', 'маникюр с покрытием'),
  s('\\bманикюр[а-я]*', 'маникюр'),
  s('\\bпедикюр[а-я]*', 'педикюр'),
  s('\\bмужск[а-я]* (?:стрижк|подстри)[а-я]*', 'мужская стрижка'),
  s('\\bдетск[а-я]* стрижк[а-я]*', 'детская стрижка'),
  s('\\bстрижк[а-я]*|\\bподстри[чг][а-я]*|\\bпостри[чг][а-я]*|\\bкаре\\b', 'стрижка'),
  s('\\b(?:окрашивани[а-я]*|покрас[а-я]*) бровей', 'окрашивание бровей'),
  s('\\bпокраск[а-я]* ((?:бампер|двер|кузов|крыл|капот|детал|диск)[а-я]*)', 'покраска $1'),
  s(
    '\\bокрашивани[а-я]*|\\bпокрас(?:ить|ка|ку|иться)\\b|\\bмелировани[а-я]*|\\bшатуш|\\bбалаяж|\\bаиртач|\\bтонировани[а-я]*',
    'окрашивание',
  ),
  s('\\bламинировани[а-я]* ресниц[а-я]* и бровей', 'ламинирование ресниц и бровей'),
  s('\\bламинировани[а-я]* бровей', 'ламинирование бровей'),
  s('\\bламинировани[а-я]* ресниц', 'ламинирование ресниц'),
  s(
    '\\b(?:наращивани[а-я]*|нарастить|наращивать) ресниц[а-я]*|\\bресниц[а-я]* (?:нарастить|наращивать)',
    'наращивание ресниц',
  ),
  s('\\bнаращивани[а-я]*', 'наращивание'),
  s('\\b(?:оформлени[а-я]*|коррекци[а-я]*) бровей', 'оформление бровей'),
  s('\\bброви\\b|\\bбровей\\b|\\bбровям\\b', 'брови', true),
  s('\\bкератин[а-я]*(?: выпрямлени[а-я]*)?', 'кератиновое выпрямление'),
  s('\\bботокс[а-я]* для волос', 'ботокс для волос'),
  s('\\bукладк[а-я]*', 'укладка'),
  s('\\bпокрыти[а-я]*|\\bгель[- ]?лак[а-я]*', 'покрытие гель-лаком', true),
  s('\\bэпиляци[а-я]*|\\bшугаринг[а-я]*|\\bдепиляци[а-я]*', 'эпиляция'),
  s('\\bмассаж[а-я]*', 'массаж'),
  s('\\bчистк[а-я]* лица', 'чистка лица'),
  s('\\bподарочн[а-я]* сертификат[а-я]*', 'подарочный сертификат'),
  // clinic
  s('\\bузи (брюшн[а-я]* полост[а-я]*|малого таза|почек|сердца|молочн[а-я]* желез[а-я]*)', 'узи $1'),
  s('\\bузи щитовид[а-я]*(?: желез[а-я]*)?', 'узи щитовидной железы'),
  s('\\bузи\\b', 'узи'),
  s('\\bмрт\\b', 'мрт'),
  s('\\bрентген[а-я]*', 'рентген'),
  s('\\bобщ[а-я]* анализ[а-я]* крови', 'общий анализ крови'),
  s('\\bбиохими[а-я]*', 'биохимия'),
  s('\\bсдать кровь|\\bкровь на [а-я]+', 'анализ крови'),
  s('\\bанализ[а-я]*', 'анализы', true),
  s('\\b(?:чистк[а-я]*|почистить) зуб[а-я]*', 'чистка зубов'),
  s('\\b(?:удалени[а-я]*|удалить) зуб[а-я]* мудрости', 'удаление зуба мудрости'),
  s('\\b(?:удалени[а-я]*|удалить) зуб[а-я]*', 'удаление зуба'),
  s('\\b(?:лечени[а-я]* )?кариес[а-я]*', 'лечение кариеса'),
  s('\\bимплант[а-я]*', 'имплантация'),
  s('\\bприв(?:ивк|ивочк)[а-я]*|\\bвакцин[а-я]*', 'прививка'),
  s('\\bсправк[а-я]* (?:для|в) бассейн[а-я]*', 'справка в бассейн'),
  s('\\bмедосмотр[а-я]*|\\bмедкомисси[а-я]*', 'медосмотр'),
  s('\\bстоматологи[юияей]\\b', 'стоматология'),
  specialist(`\\b(${SPECIALISTS})[а-я]*`, '$1'),
  specialist('\\bлор[ау]?\\b', 'лор'),
  s('\\bконсультаци[а-я]*', 'консультация', true),
  // car service
  s('\\bшиномонтаж[а-я]*|\\bпереобу[а-я]*|\\b(?:смен[а-я]*|поменять) (?:резин|шин)[а-я]*', 'шиномонтаж'),
  s('\\bхранени[а-я]*(?: (?:шин|колес|резины))?', 'хранение шин'),
  s('\\b(?:замен[а-я]*|поменять) масл[а-я]* и фильтр[а-я]*', 'замена масла и фильтров'),
  s('\\b(?:замен[а-я]*|поменять) масл[а-я]*', 'замена масла'),
  s('\\bзамен[а-я]* антифриз[а-я]*', 'замена антифриза'),
  s('\\b(?:замен[а-я]*|поменять)(?: [а-я]+)? колод[а-я]*|\\bколодк[а-я]*', 'замена колодок'),
  s('\\bдиагностик[а-я]* подвеск[а-я]*', 'диагностика подвески'),
  s('\\bкомп(?:ь)?ютерн[а-я]* диагностик[а-я]*', 'компьютерная диагностика'),
  s('\\bдиагностик[а-я]*', 'диагностика', true),
  s('\\bразвал[а-я]*(?:[- ]схождени[а-я]*)?', 'развал-схождение'),
  s('\\bтехобслуживани[а-я]*|\\bтехосмотр[а-я]*', 'техобслуживание'),
  s('\\b(?:замен[а-я]*|поменять) ламп[а-я]*', 'замена лампы'),
  s('\\bремонт[а-я]* (?:коробк[а-я]* передач|кпп|акпп)', 'ремонт коробки передач'),
  s('\\bмойк[а-я]*|\\bпомыть машин', 'мойка'),
  // fitness
  s('\\bпробн[а-я]* тренировк[а-я]*', 'пробная тренировка'),
  s('\\bпробн[а-я]* (?:заняти[а-я]* )?по ([а-я]+)', 'пробное занятие по $1'),
  s('\\bперсональн[а-я]* (?:тренировк|тренер|заняти)[а-я]*|\\bперсонал(?:к|очк)[а-я]*', 'персональная тренировка'),
  s('\\bсплит[а-я]*', 'сплит-тренировка'),
  s('\\bйог[аиуе]\\b|\\bйогой\\b', 'йога'),
  s('\\bпилатес[а-я]*', 'пилатес'),
  s('\\bстретчинг[а-я]*|\\bрастяжк[а-я]*', 'стретчинг'),
  s('\\bфункционал[а-я]*|\\bфункциональн[а-я]* тренировк[а-я]*', 'функциональная тренировка'),
  s('\\bтренажерн[а-я]* зал[а-я]*|\\bтренажерк[а-я]*', 'тренажерный зал'),
  s('\\bкорпоративн[а-я]* абонемент[а-я]*', 'корпоративный абонемент'),
  s('\\bабонемент[а-я]*', 'абонемент'),
  // education
  s('\\bподготовк[а-я]* к (огэ|егэ)(?: по ([а-я]+))?', 'подготовка к $1'),
  s('\\bподготовк[а-я]* к школ[а-я]*', 'подготовка к школе'),
  s('\\bанглийск[а-я]*', 'английский'),
  s('\\bнемецк[а-я]* язык[а-я]*', 'немецкий'),
  s('\\bкитайск[а-я]* язык[а-я]*', 'китайский'),
  s('\\bробототехник[а-я]*', 'робототехника'),
  s('\\bментальн[а-я]* арифметик[а-я]*', 'ментальная арифметика'),
  s('\\bшахмат[а-я]*', 'шахматы'),
  s('\\bрисовани[а-я]*', 'рисование'),
  s('\\bпрограммировани[а-я]*', 'программирование'),
  s('\\bматематик[а-я]*', 'математика'),
];

/** Nominative forms for words captured by `$1`. */
const CAPTURE_FORMS: Readonly<Record<string, string>> = {
  английскому: 'английскому',
  огэ: 'огэ',
  егэ: 'егэ',
};

function expandName(rule: ServiceRule, m: RegExpMatchArray): string {
  let name = rule.name.replace('$1', m[1] ? (CAPTURE_FORMS[m[1]] ?? m[1]) : '').trim();
  // "подготовка к огэ по математике": keep the subject when present.
  if (rule.name === 'подготовка к $1' && m[2]) name += ` по ${m[2]}`;
  return name.replace(/\s+/g, ' ');
}

interface ServiceMatch extends Span {
  readonly name: string;
  readonly tier: Tier;
}

export function extractService(norm: NormalizedText): string | undefined {
  return serviceFromText(norm.text, norm.original);
}

/** Service phrase from normalised text; `original` is only used to spot the capitalised "ТО". */
export function serviceFromText(text: string, original = ''): string | undefined {
  const found: ServiceMatch[] = [];
  for (const rule of SERVICE_RULES) {
    for (const m of text.matchAll(rule.re)) {
      const start = m.index ?? 0;
      addWithoutOverlap(found, { start, end: start + m[0].length, name: expandName(rule, m), tier: rule.tier });
    }
  }
  // "ТО" (maintenance) only when written in capitals: lowercase "то" is a common word.
  const to = /(?<![А-Яа-яЁё])ТО(?![А-Яа-яЁё])/.exec(original);
  if (to && !found.some((f) => f.name === 'техобслуживание')) {
    found.push({ start: text.length, end: text.length, name: 'техобслуживание', tier: 0 });
  }

  const bestTier = Math.min(...found.map((f) => f.tier));
  const chosen = found.filter((f) => f.tier === bestTier).sort((a, b) => a.start - b.start);
  const names: string[] = [];
  for (const f of chosen) if (!names.includes(f.name)) names.push(f.name);
  // "стрижка" adds nothing next to "детская стрижка".
  const covered = (n: string): boolean => names.some((o) => o !== n && ` ${o} `.includes(` ${n} `));
  const distinct = names.filter((n) => !covered(n));
  names.splice(0, names.length, ...distinct);
  if (names.length === 0) return undefined;
  return names.slice(0, 3).join(' и ');
}
