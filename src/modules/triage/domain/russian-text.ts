import { LATIN_SINGLE, transliterateLatinWord } from '../../../shared/latin-to-cyrillic';

/**
 * Text normalisation for informal Russian chat messages.
 *
 * The normalised text is lowercase, uses "е" for "ё", has Latin transliteration turned back into Cyrillic
 * ("zapisatsya" -> "записатся"), emojis replaced by spaces and a few common typos of key words fixed.
 * Every normalised character remembers which characters of the original produced it, so a match found in the
 * normalised text can be copied verbatim from the original (slots must be verbatim substrings).
 */

export interface NormalizedText {
  readonly original: string;
  readonly text: string;
  /** For each char of `text`: the [start, end) range of `original` it came from. */
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

export interface Span {
  readonly start: number;
  readonly end: number;
}

const CYRILLIC = /[а-яё]/;
const LATIN = /[a-z]/;
const WORD_CHAR = /[а-яёa-z0-9']/;

/** Latin letters typed by accident inside a Cyrillic word ("hочу", "cтрижка"): mostly look-alikes. */
const MIXED_SCRIPT: Readonly<Record<string, string>> = {
  a: 'а',
  b: 'в',
  c: 'с',
  e: 'е',
  h: 'х',
  k: 'к',
  m: 'м',
  o: 'о',
  p: 'р',
  t: 'т',
  x: 'х',
  y: 'у',
  i: 'и',
};

/**
 * Key words whose typos matter for intent detection. A token at edit distance 1 from one of them is
 * replaced by it ("отмниете" -> "отмените"). Words that are one edit away from another real word
 * ("сколько"/"столько", "завтра"/"завтрак") are deliberately absent.
 */
const TYPO_VOCABULARY: readonly string[] = [
  'записаться',
  'записать',
  'запишите',
  'записывайте',
  'отменить',
  'отмените',
  'отменяю',
  'перенести',
  'перенесите',
  'стоимость',
  'администратора',
  'администратор',
  'оператор',
  'менеджера',
  'перезвоните',
  'перезвонить',
  'маникюр',
  'педикюр',
  'шиномонтаж',
  'сегодня',
  'пожалуйста',
  'здравствуйте',
];

interface Piece {
  text: string;
  start: number;
  end: number;
}

function isEmojiLike(ch: string): boolean {
  return /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Emoji_Component}/u.test(ch) && !/[0-9#*]/.test(ch);
}

/** Splits the lowercase original into word and non-word pieces, keeping source offsets. */
function splitPieces(lower: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  while (i < lower.length) {
    const start = i;
    const isWord = WORD_CHAR.test(lower[i]);
    if (isWord) {
      while (i < lower.length && WORD_CHAR.test(lower[i])) i += 1;
    } else {
      // Keep surrogate pairs together so emojis are seen whole.
      const cp = lower.codePointAt(i) ?? 0;
      i += cp > 0xffff ? 2 : 1;
    }
    pieces.push({ text: lower.slice(start, i), start, end: i });
  }
  return pieces;
}

function normalizeWord(word: string): string {
  const hasLatin = LATIN.test(word);
  const hasCyrillic = CYRILLIC.test(word);
  let out = word;
  if (hasLatin && hasCyrillic) {
    out = [...word].map((ch) => MIXED_SCRIPT[ch] ?? LATIN_SINGLE[ch] ?? ch).join('');
  } else if (hasLatin && !/\d/.test(word)) {
    out = transliterateLatinWord(word);
  }
  out = out.replace(/ё/g, 'е');
  return CYRILLIC.test(out) ? fixTypo(out) : out;
}

export function normalizeText(original: string): NormalizedText {
  const lower = original.toLowerCase();
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  const push = (s: string, start: number, end: number): void => {
    for (const ch of s) {
      text += ch;
      starts.push(start);
      ends.push(end);
    }
  };

  for (const piece of splitPieces(lower)) {
    if (WORD_CHAR.test(piece.text[0])) {
      const word = normalizeWord(piece.text);
      if (word.length === piece.text.length) {
        // Same length: keep a one-to-one character mapping so partial matches stay precise.
        for (let k = 0; k < word.length; k += 1) push(word[k], piece.start + k, piece.start + k + 1);
      } else {
        push(word, piece.start, piece.end);
      }
    } else if (/\s/.test(piece.text)) {
      const ch = piece.text === '\n' || piece.text === '\r' ? '\n' : ' ';
      if (!(ch === ' ' && text.endsWith(' ')) && !(ch === '\n' && text.endsWith('\n')))
        push(ch, piece.start, piece.end);
    } else if (isEmojiLike(piece.text) || piece.text === '\ufe0f' || piece.text === '\u200d') {
      if (!text.endsWith(' ')) push(' ', piece.start, piece.end);
    } else {
      push(piece.text.replace('ё', 'е'), piece.start, piece.end);
    }
  }
  return { original, text, starts, ends };
}

/** The verbatim original substring behind a span of the normalised text. */
export function originalSlice(norm: NormalizedText, span: Span): string {
  let { start, end } = span;
  while (start < end && /\s/.test(norm.text[start])) start += 1;
  while (end > start && /\s/.test(norm.text[end - 1])) end -= 1;
  if (start >= end) return '';
  return norm.original.slice(norm.starts[start], norm.ends[end - 1]).trim();
}

/** Damerau-Levenshtein distance (optimal string alignment), enough for single typos. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j += 1) d[0][j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

function fixTypo(token: string): string {
  if (token.length < 6) return token;
  for (const word of TYPO_VOCABULARY) {
    if (token === word) return token;
  }
  for (const word of TYPO_VOCABULARY) {
    // Inflected forms share a long prefix with the key word and are not typos ("маникюра").
    if (token.startsWith(word.slice(0, word.length - 2))) continue;
    if (Math.abs(token.length - word.length) <= 1 && editDistance(token, word) === 1) return word;
  }
  return token;
}

/**
 * Builds a RegExp where `\b` means a word boundary for Cyrillic and Latin text
 * (JavaScript's own `\b` only knows ASCII letters).
 */
export function rx(source: string, flags = ''): RegExp {
  const w = 'а-яёa-z0-9';
  const boundary = `(?:(?<![${w}])(?=[${w}])|(?<=[${w}])(?![${w}]))`;
  return new RegExp(source.replace(/\\b/g, boundary), flags);
}

/** Splits text into sentence spans on . ! ? and line breaks. */
export function sentenceSpans(text: string): Span[] {
  return splitSpans(text, /[.!?\n]+/g);
}

/** Splits text into clause spans on sentence ends, commas, semicolons and colons. */
export function clauseSpans(text: string): Span[] {
  return splitSpans(text, /[.!?\n,;:()]+|\s[-–—]\s/g);
}

function splitSpans(text: string, separator: RegExp): Span[] {
  const spans: Span[] = [];
  let last = 0;
  for (const m of text.matchAll(separator)) {
    const idx = m.index ?? 0;
    // A dot between digits is part of a date or number ("15.12", "38.5"), not a sentence end.
    if (m[0] === '.' && /\d/.test(text[idx - 1] ?? '') && /\d/.test(text[idx + 1] ?? '')) continue;
    if (m[0] === ',' && /\d/.test(text[idx - 1] ?? '') && /\d/.test(text[idx + 1] ?? '')) continue;
    if (idx > last) spans.push({ start: last, end: idx });
    last = idx + m[0].length;
  }
  if (last < text.length) spans.push({ start: last, end: text.length });
  return spans;
}
