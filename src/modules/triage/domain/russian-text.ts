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

/** One insertion, deletion, substitution or swap of neighbours turns `a` into `b` (and they differ). */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function fixTypo(token: string): string {
  if (token.length < 6) return token;
  for (const word of TYPO_VOCABULARY) {
    if (token === word) return token;
  }
  for (const word of TYPO_VOCABULARY) {
    // Inflected forms share a long prefix with the key word and are not typos ("маникюра").
    if (token.startsWith(word.slice(0, word.length - 2))) continue;
    if (oneEditApart(token, word)) return word;
  }
  return token;
}

const W = 'а-яёa-z0-9';
const BOUNDARY = `(?:(?<![${W}])(?=[${W}])|(?<=[${W}])(?![${W}]))`;
const WORD_LITERAL = /[а-яёa-z0-9]/;

/**
 * Builds a RegExp where `\b` means a word boundary for Cyrillic and Latin text
 * (JavaScript's own `\b` only knows ASCII letters). Next to a literal word character the boundary needs one look
 * only ("\bболит" cannot start inside a word), which keeps the hundreds of keyword patterns fast.
 */
export function rx(source: string, flags = ''): RegExp {
  const out = source.replace(/\\b/g, (match, offset: number) => {
    const next = source[offset + 2] ?? '';
    const quantified = /[?*{]/.test(source[offset + 3] ?? '');
    if (WORD_LITERAL.test(next) && !quantified) return `(?<![${W}])`;
    const previous = source[offset - 1] ?? '';
    if (WORD_LITERAL.test(previous) && source[offset - 2] !== '\\') return `(?![${W}])`;
    return BOUNDARY;
  });
  return new RegExp(out, flags);
}

const globalVersions = new WeakMap<RegExp, RegExp>();

/** The same pattern with the `g` flag, compiled once: for matchAll and replace over a whole text. */
export function globalOf(pattern: RegExp): RegExp {
  if (pattern.flags.includes('g')) return pattern;
  let global = globalVersions.get(pattern);
  if (!global) {
    global = new RegExp(pattern.source, pattern.flags + 'g');
    globalVersions.set(pattern, global);
  }
  return global;
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
