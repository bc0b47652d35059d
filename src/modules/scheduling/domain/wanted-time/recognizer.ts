/** A pattern over normalised text and the reading of one of its matches (null: not what it looked like). */
export interface Recognizer<T> {
  readonly pattern: RegExp;
  read(match: RegExpExecArray, text: string): T | null;
}

export interface Found<T> {
  readonly start: number;
  readonly end: number;
  readonly value: T;
}

const WORD_CHAR = '[а-яa-z0-9]';
const BOUNDARY = `(?:(?<!${WORD_CHAR})(?=${WORD_CHAR})|(?<=${WORD_CHAR})(?!${WORD_CHAR}))`;

/**
 * Builds a RegExp in which `\b` is a word boundary for Cyrillic too (JavaScript's knows only ASCII). Global by
 * default, for `scan`; pass '' for one used with `test`, which a global RegExp would make stateful.
 */
export function rx(source: string, flags = 'g'): RegExp {
  return new RegExp(source.replace(/\\b/g, BOUNDARY), flags);
}

export function scan<T>(text: string, recognizers: readonly Recognizer<T>[]): Found<T>[] {
  const found: Found<T>[] = [];
  for (const recognizer of recognizers) {
    for (const match of text.matchAll(recognizer.pattern)) {
      const value = recognizer.read(match as RegExpExecArray, text);
      if (value !== null) found.push({ start: match.index, end: match.index + match[0].length, value });
    }
  }
  return found;
}

/** Up to `count` words right before `index`, nearest last, with only spaces between them ("с" in "с четверга"). */
export function wordsBefore(text: string, index: number, count = 1): string[] {
  const tail = new RegExp(`(?:[а-яa-z0-9]+ +){1,${count}}$`).exec(text.slice(Math.max(0, index - 60), index))?.[0];
  return tail ? tail.trim().split(/ +/) : [];
}
