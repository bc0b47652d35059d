/**
 * Finds the service a client means from a Russian phrase ("маникюра", "к терапевту", "замену колодок").
 * No dictionary: two words are the same when they share a long enough beginning, which absorbs Russian case
 * endings ("маникюр" / "маникюра", "женская" / "женскую") without a stemmer.
 */

const STOP_WORDS = new Set([
  'в',
  'во',
  'на',
  'к',
  'ко',
  'с',
  'со',
  'и',
  'по',
  'для',
  'у',
  'о',
  'об',
  'от',
  'до',
  'за',
  'из',
  'а',
  'или',
  'не',
]);

/** Lowercase, "ё" as "е", words of letters and digits only, without prepositions and conjunctions. */
export function nameWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .split(/[^a-zа-я0-9]+/)
    .filter((word) => word.length > 0 && !STOP_WORDS.has(word));
}

/** The same word in another case or number: a common beginning of all but at most two letters (three at least). */
export function sameWordStem(a: string, b: string): boolean {
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common += 1;
  return common >= Math.max(3, Math.min(a.length, b.length) - 2);
}

export interface NamedItem {
  readonly name: string;
}

interface Scored<T> {
  item: T;
  serviceMatched: number;
  serviceWords: number;
  queryMatched: number;
  queryWords: number;
}

/**
 * Items whose name shares at least one word with the query, best first: the name and the query fully naming
 * each other, then names fully contained in the query (the more specific first), then names the query is a
 * fragment of (the closer first), then by how many words match; ties by name.
 */
export function rankByName<T extends NamedItem>(items: readonly T[], query: string): T[] {
  const queryWords = nameWords(query);
  if (queryWords.length === 0) return [];
  const scored: Scored<T>[] = items.map((item) => {
    const words = nameWords(item.name);
    return {
      item,
      serviceWords: words.length,
      serviceMatched: words.filter((w) => queryWords.some((q) => sameWordStem(w, q))).length,
      queryWords: queryWords.length,
      queryMatched: queryWords.filter((q) => words.some((w) => sameWordStem(w, q))).length,
    };
  });
  return scored
    .filter((s) => s.serviceMatched > 0)
    .sort((a, b) => compareScores(a, b) || a.item.name.localeCompare(b.item.name, 'ru'))
    .map((s) => s.item);
}

function compareScores<T>(a: Scored<T>, b: Scored<T>): number {
  const nameFull = (s: Scored<T>) => (s.serviceMatched === s.serviceWords ? 1 : 0);
  const queryFull = (s: Scored<T>) => (s.queryMatched === s.queryWords ? 1 : 0);
  return (
    nameFull(b) * queryFull(b) - nameFull(a) * queryFull(a) ||
    nameFull(b) - nameFull(a) ||
    (nameFull(a) ? b.serviceWords - a.serviceWords : 0) ||
    queryFull(b) - queryFull(a) ||
    b.serviceMatched - a.serviceMatched ||
    a.serviceWords - a.serviceMatched - (b.serviceWords - b.serviceMatched)
  );
}
