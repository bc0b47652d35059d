/**
 * Turns a chat message into the plain form the date and time patterns are written against: lowercase, "е" for
 * "ё", Latin transliteration back in Cyrillic ("v pt posle 18" -> "в пт после 18"), emojis and stray symbols
 * replaced by spaces, and the usual misspellings of time words fixed ("седня" -> "сегодня").
 */

const WORD = /[a-zа-я0-9']+/g;

/** Longest first; tried before single letters. */
const LATIN_CLUSTERS: ReadonlyArray<readonly [string, string]> = [
  ['shch', 'щ'],
  ['tsya', 'тся'],
  ['sch', 'щ'],
  ['zh', 'ж'],
  ['kh', 'х'],
  ['ch', 'ч'],
  ['sh', 'ш'],
  ['ts', 'ц'],
  ['yu', 'ю'],
  ['ya', 'я'],
  ['yo', 'е'],
  ['ye', 'е'],
  ['ju', 'ю'],
  ['ja', 'я'],
  ['jo', 'е'],
  ['je', 'е'],
];

const LATIN_LETTERS: Readonly<Record<string, string>> = {
  a: 'а',
  b: 'б',
  c: 'ц',
  d: 'д',
  e: 'е',
  f: 'ф',
  g: 'г',
  h: 'х',
  i: 'и',
  j: 'й',
  k: 'к',
  l: 'л',
  m: 'м',
  n: 'н',
  o: 'о',
  p: 'п',
  q: 'к',
  r: 'р',
  s: 'с',
  t: 'т',
  u: 'у',
  v: 'в',
  w: 'в',
  x: 'кс',
  y: 'ы',
  z: 'з',
  "'": 'ь',
};

/** Latin look-alikes typed inside a Cyrillic word ("сeгодня" with a Latin "e"). */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  a: 'а',
  c: 'с',
  e: 'е',
  k: 'к',
  o: 'о',
  p: 'р',
  x: 'х',
  y: 'у',
};

/** Misspellings and slang of the time words the patterns know, seen in real chats. */
const TYPOS: Readonly<Record<string, string>> = {
  седня: 'сегодня',
  сення: 'сегодня',
  сеня: 'сегодня',
  сегодя: 'сегодня',
  сегоня: 'сегодня',
  сегдня: 'сегодня',
  сгодня: 'сегодня',
  сегодна: 'сегодня',
  севодня: 'сегодня',
  сиводня: 'сегодня',
  сеодня: 'сегодня',
  сегодн: 'сегодня',
  завтро: 'завтра',
  завтар: 'завтра',
  зафтра: 'завтра',
  заврта: 'завтра',
  завта: 'завтра',
  зовтра: 'завтра',
  послезавтро: 'послезавтра',
  щас: 'сейчас',
  щаз: 'сейчас',
  ща: 'сейчас',
  счас: 'сейчас',
  сичас: 'сейчас',
  сечас: 'сейчас',
  сеичас: 'сейчас',
  сейчес: 'сейчас',
  выхи: 'выходные',
  выхах: 'выходных',
  вечерком: 'вечером',
  вечерочком: 'вечером',
  вечеромм: 'вечером',
  утречком: 'утром',
  утречка: 'утра',
  абеда: 'обеда',
  обэда: 'обеда',
  послеобеда: 'после обеда',
  пополудни: 'после обеда',
  пятнецу: 'пятницу',
  пятнеца: 'пятница',
  суботу: 'субботу',
  субота: 'суббота',
  суботы: 'субботы',
  понидельник: 'понедельник',
  понедельнек: 'понедельник',
  четьверг: 'четверг',
  чертверг: 'четверг',
};

const VOWELS = new Set(['а', 'е', 'и', 'о', 'у', 'ы', 'э', 'ю', 'я']);

export function normalizeTimeText(text: string): string {
  const lower = text.toLowerCase().replace(/ё/g, 'е');
  const words = lower.replace(WORD, (word) => fixTypo(normalizeScript(word)));
  return words
    .replace(/[^a-zа-я0-9\s.,:;!?()\-–—/+]/g, ' ')
    .replace(/[–—]/g, '-')
    .replace(/[ \t\u00a0]+/g, ' ')
    .trim();
}

function normalizeScript(word: string): string {
  const latin = /[a-z]/.test(word);
  if (!latin) return word;
  if (/[а-я]/.test(word)) return [...word].map((ch) => LOOK_ALIKES[ch] ?? LATIN_LETTERS[ch] ?? ch).join('');
  // Words with digits ("r17", "10am") are model names or units, not transliterated Russian.
  return /\d/.test(word) ? word : transliterate(word);
}

function transliterate(word: string): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    const cluster = LATIN_CLUSTERS.find(([latin]) => word.startsWith(latin, i));
    if (cluster) {
      out += cluster[1];
      i += cluster[0].length;
      continue;
    }
    const ch = word[i];
    // "y" after a vowel is "й" ("seychas", "subbotu posle"); elsewhere "ы".
    out += ch === 'y' && VOWELS.has(out[out.length - 1] ?? '') ? 'й' : (LATIN_LETTERS[ch] ?? ch);
    i += 1;
  }
  return out;
}

function fixTypo(word: string): string {
  return TYPOS[word] ?? word;
}
