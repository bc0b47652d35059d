/**
 * English words for the services a small business offers, in the Russian the catalogue uses, so an English message
 * ("can I get my nails done") finds "Маникюр" the way a Russian one does.
 */
const ENGLISH_TO_RUSSIAN: Array<[RegExp, string]> = [
  [/\b(?:manicure|nails?|gel polish)\b/, 'маникюр'],
  [/\bpedicure\b/, 'педикюр'],
  [/\b(?:women'?s|ladies'?)\s+hair\s*cut\b/, 'стрижка женская'],
  [/\b(?:men'?s)\s+hair\s*cut\b/, 'стрижка мужская'],
  [/\bhair\s*cut|\bhaircut|\btrim\b/, 'стрижка'],
  [/\b(?:colou?r(?:ing)?|dye|highlights|balayage)\b/, 'окрашивание'],
  [/\b(?:eye)?brows?\b/, 'брови'],
  [/\blash(?:es)?\b/, 'ресницы'],
  [/\bmassage\b/, 'массаж'],
  [/\b(?:gp|therapist|general practitioner|doctor)\b/, 'терапевт'],
  [/\bp(?:a)?ediatrician\b/, 'педиатр'],
  [/\b(?:ultrasound|scan)\b/, 'узи'],
  [/\b(?:blood test|tests|lab)\b/, 'анализы'],
  [/\b(?:tyres?|tires?|wheels?)\b/, 'шиномонтаж'],
  [/\boil\b/, 'замена масла'],
  [/\bdiagnostics?\b/, 'диагностика'],
  [/\b(?:alignment)\b/, 'развал-схождение'],
  [/\bbrakes?|brake pads\b/, 'замена тормозных колодок'],
  [/\btrial\b.*\b(?:class|session|workout|training)\b/, 'пробная тренировка'],
  [/\btrial lesson\b/, 'пробное занятие'],
  [/\bpersonal (?:training|trainer|coach)\b/, 'персональная тренировка'],
  [/\byoga\b/, 'йога'],
  [/\bpilates\b/, 'пилатес'],
  [/\bstretching\b/, 'стретчинг'],
  [/\benglish\b/, 'английский язык'],
  [/\bspeech therap/, 'логопед'],
  [/\brobotics\b/, 'робототехника'],
  [/\bschool prep/, 'подготовка к школе'],
];

/** The Russian service words an English message names, joined; empty when it names none. */
export function russianServiceWords(text: string): string {
  const lower = text.toLowerCase();
  return ENGLISH_TO_RUSSIAN.filter(([pattern]) => pattern.test(lower))
    .map(([, words]) => words)
    .join(' ');
}

const ENGLISH_NAMES: Record<string, string> = {
  маникюр: 'manicure',
  педикюр: 'pedicure',
  'стрижка женская': "women's haircut",
  'стрижка мужская': "men's haircut",
  окрашивание: 'hair colouring',
  'оформление бровей': 'brow shaping',
  'приём терапевта': 'GP appointment',
  'приём педиатра': 'paediatrician appointment',
  'узи брюшной полости': 'abdominal ultrasound',
  'сдача анализов': 'lab tests',
  шиномонтаж: 'tyre change',
  'замена масла': 'oil change',
  'компьютерная диагностика': 'computer diagnostics',
  'развал-схождение': 'wheel alignment',
  'замена тормозных колодок': 'brake pad replacement',
  'пробная тренировка': 'trial workout',
  'персональная тренировка': 'personal training',
  пилатес: 'pilates',
  йога: 'yoga',
  стретчинг: 'stretching',
  'пробное занятие': 'trial lesson',
  'подготовка к школе': 'school preparation',
  'занятие с логопедом': 'speech therapy session',
  'английский язык': 'English lessons',
  робототехника: 'robotics',
};

/** A catalogue name in English for an English reply; the name itself when it has no English one. */
export function englishServiceName(name: string): string {
  return ENGLISH_NAMES[name.toLowerCase().replace(/ё/g, 'е').replace('прием', 'приём')] ?? name;
}

const ENGLISH_TIME_WORDS: Array<[RegExp, string]> = [
  [/\bday after tomorrow\b/gi, 'послезавтра'],
  [/\btomorrow\b/gi, 'завтра'],
  [/\btoday\b|\btonight\b/gi, 'сегодня'],
  [/\bnext week\b/gi, 'на следующей неделе'],
  [/\b(?:this )?weekend\b/gi, 'на выходных'],
  [/\b(?:on )?mon(?:day)?\b/gi, 'в понедельник'],
  [/\b(?:on )?tue(?:s|sday)?\b/gi, 'во вторник'],
  [/\b(?:on )?wed(?:nesday)?\b/gi, 'в среду'],
  [/\b(?:on )?thu(?:rs|rsday)?\b/gi, 'в четверг'],
  [/\b(?:on )?fri(?:day)?\b/gi, 'в пятницу'],
  [/\b(?:on )?sat(?:urday)?\b/gi, 'в субботу'],
  [/\b(?:on )?sun(?:day)?\b/gi, 'в воскресенье'],
  [/\bin the morning\b|\bmorning\b/gi, 'утром'],
  [/\bin the afternoon\b|\bafternoon\b/gi, 'днём'],
  [/\bin the evening\b|\bevening\b/gi, 'вечером'],
  [/\bafter (\d{1,2})(?::(\d{2}))?\s*pm\b/gi, 'после $1:$2pm'],
  [/\bat (\d{1,2})(?::(\d{2}))?\s*pm\b/gi, 'в $1:$2pm'],
  [/\bat (\d{1,2})(?::(\d{2}))?\s*am\b/gi, 'в $1:$2am'],
  [/\bat (\d{1,2})(?::(\d{2}))?\b/gi, 'в $1:$2'],
  [/\bafter (\d{1,2})\b/gi, 'после $1'],
  [/\bbefore (\d{1,2})\b/gi, 'до $1'],
];

/** An English message's day and time words in the Russian the date parser reads ("tomorrow at 6 pm" → "завтра в 18:00"). */
export function russianTimeWords(text: string): string {
  let out = text;
  for (const [pattern, words] of ENGLISH_TIME_WORDS) out = out.replace(pattern, words);
  return out.replace(/(\d{1,2}):(\d{2})?(pm|am)?/g, (_, h: string, m: string | undefined, half: string | undefined) => {
    const hour = Number(h) + (half === 'pm' && Number(h) < 12 ? 12 : 0) - (half === 'am' && Number(h) === 12 ? 12 : 0);
    return `${hour}:${m ?? '00'}`;
  });
}
