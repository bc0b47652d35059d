/**
 * Service names as a sentence needs them. Catalogue names are nominative and often inverted ("Стрижка женская");
 * after "на" a Russian sentence wants the accusative in the natural order ("на женскую стрижку"). A small rule set
 * covers the names services have (a noun phrase of adjectives and a head noun, maybe with a genitive or a
 * prepositional tail); a full morphology library (Az.js) would cost about 50 MB of memory for this one job.
 */

const ADJECTIVE = /^[а-яё-]+(?:ая|яя|ый|ий|ой|ое|ее|ые|ие)$/i;
const FEMININE_ADJECTIVE = /(ая|яя)$/i;
/** Animate masculine nouns that name a specialist ("терапевт"): their accusative is the genitive. */
const SPECIALIST = /(?:олог|евт|иатр|ист|ург|тренер|педагог|мастер|врач|доктор|логопед|стоматолог|окулист)$/i;
/** Words after which the rest of the name is a tail that does not change: "с", "по", "для", genitives. */
const TAIL_START = /^(?:с|со|по|для|на|в|к|и|или)$/i;

function feminineNounAccusative(word: string): string {
  if (/[^и]я$/i.test(word)) return word.slice(0, -1) + preserveCase(word.slice(-1), 'ю');
  if (/а$/i.test(word)) return word.slice(0, -1) + preserveCase(word.slice(-1), 'у');
  return word;
}

function adjectiveAccusative(word: string, headIsFeminine: boolean, headIsAnimate: boolean): string {
  if (headIsFeminine && FEMININE_ADJECTIVE.test(word)) {
    return word.slice(0, -2) + preserveCase(word.slice(-2), /яя$/i.test(word) ? 'юю' : 'ую');
  }
  if (headIsAnimate && /(ый|ий|ой)$/i.test(word)) return word.slice(0, -2) + preserveCase(word.slice(-2), 'ого');
  return word;
}

function preserveCase(original: string, replacement: string): string {
  return original === original.toUpperCase() && original !== original.toLowerCase()
    ? replacement.toUpperCase()
    : replacement;
}

/** Puts a trailing agreeing adjective before its noun: "Стрижка женская" → "женская стрижка". */
export function naturalOrder(name: string): string {
  const words = name.trim().split(/\s+/);
  if (words.length === 2 && !ADJECTIVE.test(words[0]) && ADJECTIVE.test(words[1])) {
    return `${words[1].toLowerCase()} ${lowerFirst(words[0])}`;
  }
  return lowerFirst(name.trim());
}

/** The accusative of a service name, in natural order and lower case: "на женскую стрижку", "на приём терапевта". */
export function accusative(name: string): string {
  const words = naturalOrder(name).split(/\s+/);
  const headIndex = words.findIndex((w) => !ADJECTIVE.test(w) && !TAIL_START.test(w));
  if (headIndex < 0) return words.join(' ');
  const head = words[headIndex];
  const feminine = /[^и]я$|а$/i.test(head) && !/(?:^|[^а-я])(?:папа|дядя)$/i.test(head);
  const animate = SPECIALIST.test(head);
  const out = words.map((word, i) => {
    if (i < headIndex) return adjectiveAccusative(word, feminine, animate);
    if (i === headIndex) {
      if (feminine) return feminineNounAccusative(word);
      if (animate) return `${word}а`;
    }
    return word;
  });
  return out.join(' ');
}

/** Lower case except abbreviations ("УЗИ", "МРТ"). */
function lowerFirst(text: string): string {
  return text
    .split(/\s+/)
    .map((w) => (w.length > 1 && w === w.toUpperCase() && /[А-ЯЁA-Z]/.test(w) ? w : w.toLowerCase()))
    .join(' ');
}
