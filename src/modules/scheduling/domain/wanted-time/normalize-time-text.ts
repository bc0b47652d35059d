import { LATIN_SINGLE, transliterateLatinWord } from '../../../../shared/latin-to-cyrillic';

/**
 * Turns a chat message into the plain form the date and time patterns are written against: lowercase, "е" for
 * "ё", Latin transliteration back in Cyrillic ("v pt posle 18" -> "в пт после 18"), emojis and stray symbols
 * replaced by spaces, and the usual misspellings of time words fixed ("седня" -> "сегодня").
 */

const WORD = /[a-zа-я0-9']+/g;

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
  if (/[а-я]/.test(word)) return [...word].map((ch) => LOOK_ALIKES[ch] ?? LATIN_SINGLE[ch] ?? ch).join('');
  // Words with digits ("r17", "10am") are model names or units, not transliterated Russian.
  return /\d/.test(word) ? word : transliterateLatinWord(word);
}

function fixTypo(word: string): string {
  return TYPOS[word] ?? word;
}
