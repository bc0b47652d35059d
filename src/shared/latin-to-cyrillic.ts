/**
 * Russian typed in Latin letters ("segodnya posle 18", "pozhaluysta") back in Cyrillic: the clusters first, then
 * letter by letter. Shared by the triage and the date parser, which both read messages written this way.
 */

const VOWELS = new Set(['а', 'е', 'и', 'о', 'у', 'ы', 'э', 'ю', 'я']);

/** Longest first; only used for all-Latin words ("segodnya", "pozhaluysta"). */
const LATIN_MULTI: ReadonlyArray<readonly [string, string]> = [
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

/** One Latin letter as the Cyrillic one it stands for. */
export const LATIN_SINGLE: Readonly<Record<string, string>> = {
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

export function transliterateLatinWord(word: string): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    const multi = LATIN_MULTI.find(([lat]) => word.startsWith(lat, i));
    if (multi) {
      out += multi[1];
      i += multi[0].length;
      continue;
    }
    const ch = word[i];
    // "y" after a vowel is "й" ("pozhaluysta", "novyy"); otherwise "ы" ("vy").
    if (ch === 'y' && out.length > 0 && (VOWELS.has(out[out.length - 1]) || out.endsWith('й'))) {
      out += 'й';
    } else {
      out += LATIN_SINGLE[ch] ?? ch;
    }
    i += 1;
  }
  return out;
}
