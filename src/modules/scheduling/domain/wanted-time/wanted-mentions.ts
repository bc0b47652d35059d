/**
 * Which of the day and time mentions say what the client wants. People also name what they do not want or
 * what they already have: "не в 3 а в 5", "в 13 вместо 12", "с четверга на пятницу", "пилатес в субботу не
 * получится, можно на воскресенье?", "кроме среды". Those are set aside here.
 */
import { DayMention, isDay, Mention } from './mentions';
import { rx } from './recognizer';

/** A clause that refuses a time or names the booking the client already has. */
const REFUSAL = rx(
  '\\b(?:не\\s+(?:смогу|сможет|сможем|получится|получается|успеваю|успею|успеем|могу|можем|приду|придем|придет|подходит|устраивает)|отмен[а-я]*|уезжа[а-я]*|записан[аы]?|записывал[а-я]*)\\b',
  '',
);
/** Verbs of moving a booking: the new day or time is the one after "на" (or "по" for a class). */
const MOVE = rx(
  '\\b(?:перен[а-я]+|перезапи[сш][а-я]*|перепи[сш][а-я]*|перевест[а-я]*|перевед[а-я]*|сдвин[а-я]*|поменя[а-я]*)',
  '',
);
const TARGET_LEADS = new Set(['на', 'по']);

export interface SortedMentions {
  /** In text order. */
  readonly wanted: Mention[];
  /** Days after "кроме". */
  readonly excluded: DayMention[];
}

export function sortOutMentions(text: string, mentions: Mention[]): SortedMentions {
  let kept = mentions.filter((m) => m.marker !== 'не' && m.marker !== 'вместо');
  kept = kept.filter((m, i) => !isMovedFrom(m, kept.slice(i + 1)));
  if (MOVE.test(text)) kept = kept.filter((m, i) => !isBeforeMoveTarget(m, kept.slice(i + 1)));
  const clauses = refusalClauses(text);
  const accepted = kept.filter((m) => !clauses.some((c) => m.start >= c.start && m.end <= c.end));
  if (accepted.some((m) => !isDay(m) || !m.value.day.weak)) kept = accepted;

  const excluded: DayMention[] = [];
  const wanted: Mention[] = [];
  let excluding = false;
  for (const m of kept) {
    // "кроме среды и четверга": a day listed right after an excluded one, with no preposition, is excluded too.
    excluding = isDay(m) && (m.marker === 'кроме' || (excluding && m.lead === undefined));
    if (excluding && isDay(m)) excluded.push(m);
    else wanted.push(m);
  }
  // "сейчас" and "срочно" count only when nothing more precise is said.
  const precise = wanted.filter((m) => !(isDay(m) && m.value.day.weak));
  return { wanted: precise.length > 0 ? precise : wanted, excluded };
}

/** "с четверга на пятницу", "с 10 на 12": the "с" side is the old slot. */
function isMovedFrom(m: Mention, later: Mention[]): boolean {
  return (m.lead === 'с' || m.lead === 'со') && later.some((l) => l.value.kind === m.value.kind && l.lead === 'на');
}

/** "перезапишите с педикюра во вторник на среду": with a move verb, what comes before the "на" target is old. */
function isBeforeMoveTarget(m: Mention, later: Mention[]): boolean {
  return (
    !TARGET_LEADS.has(m.lead ?? '') &&
    later.some((l) => l.value.kind === m.value.kind && TARGET_LEADS.has(l.lead ?? ''))
  );
}

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Clauses (split at punctuation, "а", "но") that refuse a time or name an existing booking. */
function refusalClauses(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  const separators = /[,!?;\n()]|\.(?!\d)|\s(?:а|но)\s/g;
  for (const m of [...text.matchAll(separators), { index: text.length, 0: '' }]) {
    const end = m.index ?? text.length;
    const clause = text.slice(start, end);
    if (REFUSAL.test(clause)) spans.push({ start, end });
    start = end + m[0].length;
  }
  return spans;
}
