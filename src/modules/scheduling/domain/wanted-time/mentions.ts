/**
 * Finds the day and time mentions of a normalised message and reads the little words around them that change
 * their meaning: the preposition ("до пятницы", "с четверга на пятницу") and "не", "вместо", "кроме".
 */
import { DAY_RECOGNIZERS, DayExpression } from './day-expressions';
import { Found, scan, wordsBefore } from './recognizer';
import { TIME_RECOGNIZERS } from './time-expressions';
import { TimeExpression } from './time-of-day';

export type MentionValue = { kind: 'day'; day: DayExpression } | { kind: 'time'; time: TimeExpression };

export type Marker = 'не' | 'вместо' | 'кроме';

export type Mention = Found<MentionValue> & {
  /** The preposition that introduces it. */
  readonly lead?: string;
  /** The preposition is part of the matched phrase ("после 18", "до обеда"), not a free word before it. */
  readonly leadInside: boolean;
  readonly marker?: Marker;
};

export type DayMention = Mention & { value: { kind: 'day' } };
export type TimeMention = Mention & { value: { kind: 'time' } };

export const isDay = (m: Mention): m is DayMention => m.value.kind === 'day';
export const isTime = (m: Mention): m is TimeMention => m.value.kind === 'time';

const PREPOSITIONS = new Set(['в', 'во', 'на', 'к', 'ко', 'с', 'со', 'до', 'после', 'по', 'от', 'около']);
const MARKERS = new Set<string>(['не', 'вместо', 'кроме']);

export function findMentions(text: string): Mention[] {
  const candidates: Found<MentionValue>[] = [
    ...scan(text, DAY_RECOGNIZERS).map((f) => ({ ...f, value: { kind: 'day' as const, day: f.value } })),
    ...scan(text, TIME_RECOGNIZERS).map((f) => ({ ...f, value: { kind: 'time' as const, time: f.value } })),
  ];
  return longestFirst(candidates)
    .sort((a, b) => a.start - b.start)
    .map((found) => withContext(text, found));
}

/** Overlapping readings of the same words: the longest wins ("в 8 утра" over "утра", "15.12" over "15"). */
function longestFirst<T>(candidates: Found<T>[]): Found<T>[] {
  const chosen: Found<T>[] = [];
  const byLength = [...candidates].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  for (const candidate of byLength) {
    if (chosen.every((c) => candidate.end <= c.start || candidate.start >= c.end)) chosen.push(candidate);
  }
  return chosen;
}

function withContext(text: string, found: Found<MentionValue>): Mention {
  const inner = /^([а-я]+)\s/.exec(text.slice(found.start, found.end))?.[1];
  const before = wordsBefore(text, found.start, 3);
  let lead: string | undefined;
  let leadInside = false;
  if (inner !== undefined && PREPOSITIONS.has(inner)) {
    lead = inner;
    leadInside = true;
  } else if (PREPOSITIONS.has(before[before.length - 1] ?? '')) {
    lead = before.pop();
  }
  const last = before[before.length - 1] ?? '';
  const marker = MARKERS.has(last) ? (last as Marker) : undefined;
  return { ...found, lead, leadInside, marker };
}
