import type { Language } from './triage-result';

/** Common English words that transliterated Russian ("mozhno na manikur zavtra") does not contain. */
const ENGLISH_WORDS = new Set(
  (
    "a an the i i'm im me my you your we our is are am was be can could would will do does did have has how " +
    'what when where which who why much many price cost book booking appointment please hi hello hey thanks thank ' +
    'want need like get tomorrow today morning evening afternoon tonight week weekend next this for to of in on at ' +
    'with and or but not no yes ok okay available free slot time open close closed there here it its any some ' +
    'cancel reschedule move change address location hours nails haircut hair lashes brows doctor dentist car tire ' +
    'tyres oil change class lesson trial training coach kid son daughter'
  ).split(' '),
);

/**
 * English or Russian: a message is English when most of its words are Latin and at least two of them (or the only
 * one) are common English words; Russian typed in Latin letters stays Russian.
 */
export function detectLanguage(text: string): Language {
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  if (words.length === 0) return 'ru';
  const latin = words.filter((w) => /^[a-z']+$/.test(w));
  if (latin.length * 2 <= words.length) return 'ru';
  const english = latin.filter((w) => ENGLISH_WORDS.has(w)).length;
  return english >= 2 || (english === 1 && latin.length === 1) || english * 3 >= latin.length + 1 ? 'en' : 'ru';
}
