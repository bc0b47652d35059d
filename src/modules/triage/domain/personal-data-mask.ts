import { isFirstName } from './triage-slots';

/** What a phone number, an e-mail and a person's name become in text that leaves for an LLM or training data. */
export const PHONE_PLACEHOLDER = '[телефон]';
export const EMAIL_PLACEHOLDER = '[email]';
export const NAME_PLACEHOLDER = '[имя]';

/**
 * Seven or more digits joined only by spaces, hyphens or brackets: every way people write a phone ("+7 902 914-33-20",
 * "8(391)271-40-18", "89233456712", a city "271-40-18"). Dates ("15.12.2024") and times ("10:30") use other
 * separators and stay readable. Wider than the slot extractor's pattern on purpose: a missed phone is a leak, a masked
 * order number is harmless.
 */
const PHONE_LIKE = /\+?\d(?:[ \t\u00a0\-()]{0,3}\d){6,}/g;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const WORD = /\p{L}+(?:-\p{L}+)?/gu;

/** Words after which a capitalised word is the writer's name: "меня зовут Ольга", "я Катя", "с уважением, Ирина". */
const INTRODUCTION =
  /(?:^|[^\p{L}])(?:зовут|имя|я|это|уважением|пишет|беспокоит|my name is|i am|i'm|im|this is|zovut|menya zovut)[\s:,\-–—]+$/iu;
/** Words after which a capitalised word names a person the writer books or speaks of: «запишите Айгуль», «для Тимура». */
const PERSON_CUE =
  /(?:^|[^\p{L}])(?:для|запиши(?:те)?|записать|запишусь|на имя|реб[её]нка|сына|сыну|дочь|дочку|дочери|мужа|жену|маму|папу|бабушку|дедушку|клиент(?:ка|а)?|пациент(?:ка|а)?|ученик(?:а)?|ученица|ученицу|спросите|позовите|передайте)[\s:,\-–—]+$/iu;
/** A patronymic: «Анна Сергеевна», «Ивану Петровичу». */
const PATRONYMIC = /^\p{Lu}\p{Ll}+(?:овн|евн|ичн|инишн|ович|евич|ич)(?:а|ы|е|у|ой|ем|ом)?$/u;
/** Endings a Russian first name takes in its cases: Ольга → Ольги, Ольге, Ольгу, Ольгой; Сергей → Сергея, Сергеем. */
const CASE_ENDING = /(?:ой|ей|ою|ею|ом|ем|ии|ию|ией|ы|и|е|у|ю|а|я)$/;
/** Case endings a first name shares with adjectives ("любой" is Люба's and "any"): only trusted capitalised. */
const ADJECTIVE_LIKE = /(?:ой|ей|ою|ею|ом|ем)$/;
/** Everyday words that decline like a name (марка ~ Марк, жена ~ Женя, люди ~ Люда): a name only when capitalised. */
const NAME_LIKE_NOUNS = /^(?:марк|жен|люд)(?:а|ы|и|у|е|ей|ой|ям|ями|ях|ам|ами|ах)$/;
const NOMINATIVE_ENDINGS = ['', 'а', 'я', 'й', 'ь', 'ия'];
/** What may follow a known name's stem: nothing, its own last letter or a case ending (Latin: any short ending). */
const KNOWN_NAME_REST = /^(?:ой|ей|ою|ею|ом|ем|ии|ию|ией|ы|и|е|у|ю|а|я|ь|й|о|[a-z]{1,2})?$/;
/** A surname right after a first name: Петрова, Иванов, Кузнецова, Ковальчук, Петросян. */
const SURNAME = /^\p{Lu}\p{Ll}+(?:ова|ева|ина|ына|ов|ев|ин|ын|ская|ский|цкая|цкий|ко|ук|юк|ич|ян)$/u;

const normalise = (word: string) => word.toLocaleLowerCase('ru').replace(/ё/g, 'е');
const isCapitalised = (word: string) => /^\p{Lu}/u.test(word);

/**
 * Replaces phones, e-mails and people's names with placeholders, so that text sent to an LLM (or kept as a training
 * example) carries no personal data. Names are the ones known for the client (`knownNames`: the contact's name as the
 * messenger gave it, any name the dialog collected), any common Russian first name in any case, and the capitalised
 * word a writer introduces themselves with. Errs on the side of masking: a lost word costs a little understanding, a
 * leaked name is personal data abroad.
 */
export function maskPersonalData(text: string, knownNames: readonly string[] = []): string {
  const known = knownNameStems(knownNames);
  const withoutContacts = text.replace(EMAIL, EMAIL_PLACEHOLDER).replace(PHONE_LIKE, PHONE_PLACEHOLDER);
  const words = [...withoutContacts.matchAll(WORD)].map((m) => ({
    word: m[0],
    start: m.index,
    end: m.index + m[0].length,
  }));
  const masked = new Set<number>();
  words.forEach(({ word, start }, i) => {
    if (word === 'имя' || withoutContacts[start - 1] === '[') return; // a placeholder's own word
    const before = withoutContacts.slice(Math.max(0, start - 24), start);
    const introduced =
      isCapitalised(word) && (INTRODUCTION.test(before) || PERSON_CUE.test(before)) && !/^(?:I|Я)$/.test(word);
    if (introduced || PATRONYMIC.test(word) || isKnownName(word, known) || looksLikeFirstName(word)) {
      masked.add(i);
      // A surname or patronymic written next to it: "Марина Кузнецова", "Кузнецова Анна", "Анна Сергеевна".
      for (const j of [i - 1, i + 1]) {
        const other = words[j];
        if (!other || !(SURNAME.test(other.word) || PATRONYMIC.test(other.word))) continue;
        const between =
          j < i ? withoutContacts.slice(other.end, start) : withoutContacts.slice(words[i].end, other.start);
        if (/^\s+$/.test(between)) masked.add(j);
      }
    }
  });
  let result = '';
  let at = 0;
  words.forEach(({ start, end }, i) => {
    if (!masked.has(i)) return;
    result += withoutContacts.slice(at, start) + NAME_PLACEHOLDER;
    at = end;
  });
  return result + withoutContacts.slice(at);
}

/** A word is a first name in some case: "Ольгу" → ольга, "Сергея" → сергей, "Марии" → мария. */
function looksLikeFirstName(word: string): boolean {
  const lower = normalise(word);
  if (isFirstName(lower)) return true;
  const ending = CASE_ENDING.exec(lower)?.[0];
  if (!ending || lower.length - ending.length < 2) return false;
  if ((ADJECTIVE_LIKE.test(lower) || NAME_LIKE_NOUNS.test(lower)) && !isCapitalised(word)) return false;
  const stem = lower.slice(0, -ending.length);
  return NOMINATIVE_ENDINGS.some((nominative) => isFirstName(stem + nominative));
}

/** The stems of each word of the known names ("Ольга Петрова" → ольг, петров), to match them in any case. */
function knownNameStems(names: readonly string[]): string[] {
  return names
    .flatMap((name) => name.match(WORD) ?? [])
    .map(normalise)
    .filter((word) => word.length >= 2)
    .map((word) => (word.length > 3 ? word.replace(/[аяйьоеиы]$/, '') : word));
}

function isKnownName(word: string, stems: readonly string[]): boolean {
  const lower = normalise(word);
  return stems.some((stem) => lower.startsWith(stem) && KNOWN_NAME_REST.test(lower.slice(stem.length)));
}
