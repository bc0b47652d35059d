import { newStemmer } from 'snowball-stemmers';
import { normalizeText } from '../russian-text';

const russianStemmer = newStemmer('russian');
const englishStemmer = newStemmer('english');

const WORD = /[\p{L}\p{N}]+|[\p{Extended_Pictographic}]/gu;
const LATIN_WORD = /^[a-z']+$/;
const CHAR_GRAMS = [3, 4, 5] as const;

/**
 * The sparse features of a message for the linear model: word stems, stem bigrams and character n-grams of each
 * word, on the text as the rules read it (lower case, "ё" as "е", Latin transliteration turned into Cyrillic, key
 * typos fixed) and, for Latin words, on the English stems too. Character n-grams carry what stems miss: diminutives
 * ("реснички", "стрижечка"), typos ("педикур") and unseen inflections.
 */
export function textFeatures(text: string): string[] {
  const features = new Set<string>();
  const original = text.toLowerCase();
  const normalized = normalizeText(text).text;
  const words = normalized.match(WORD) ?? [];
  let previous = '^';
  for (const word of words) {
    if (/^\p{Extended_Pictographic}$/u.test(word)) {
      features.add(`e:${word}`);
      continue;
    }
    if (/^\d+$/.test(word)) {
      features.add(`n:${word.length > 4 ? 'long' : word.length}`);
      previous = '#';
      continue;
    }
    const stem = russianStemmer.stem(word);
    features.add(`w:${stem}`);
    features.add(`b:${previous}_${stem}`);
    previous = stem;
    const padded = `<${word}>`;
    for (const n of CHAR_GRAMS) {
      for (let i = 0; i + n <= padded.length; i += 1) features.add(`c:${padded.slice(i, i + n)}`);
    }
  }
  features.add(`b:${previous}_$`);
  for (const word of original.match(WORD) ?? []) {
    if (LATIN_WORD.test(word)) features.add(`l:${englishStemmer.stem(word)}`);
  }
  if (original.includes('?')) features.add('p:?');
  if (original.includes('!')) features.add('p:!');
  features.add(`len:${words.length <= 2 ? 's' : words.length <= 8 ? 'm' : words.length <= 25 ? 'l' : 'xl'}`);
  return [...features];
}
