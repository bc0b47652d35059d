/**
 * Triage v0: an offline, rule-based classifier for Russian customer messages.
 *
 * Pipeline: normalise the text (russian-text.ts), collect intent signals from the keyword tables
 * (triage-lexicon.ts), pick the intent by the priority rules of the triage corpus README, then derive
 * urgency, escalation and slots (triage-slots.ts). Pure and synchronous; no framework imports.
 */
import { Intent, TriageResult, TriageSlots, Urgency } from './triage-result';
import * as L from './triage-lexicon';
import { clauseSpans, globalOf, NormalizedText, normalizeText, rx, sentenceSpans } from './russian-text';
import {
  Candidate,
  candidateText,
  chooseCandidate,
  clausesMatching,
  dateCandidates,
  extractName,
  extractPhone,
  extractService,
  serviceFromText,
  SlotChoiceContext,
  timeCandidates,
} from './triage-slots';

interface Signals {
  spam: boolean;
  complaint: boolean;
  human: boolean;
  reschedule: boolean;
  cancel: boolean;
  cancelWeak: boolean;
  bookingStrong: boolean;
  bookingWeak: boolean;
  consultation: boolean;
  price: boolean;
  address: boolean;
  otherExplicit: boolean;
  /** Current clinical symptoms (pain, fever, swelling, bleeding, rash, inflammation). */
  symptom: boolean;
  /** A non-clinical emergency (car stuck on the road). */
  acute: boolean;
  abuse: boolean;
}

interface Decision {
  intent: Intent;
  /** Decided by a weak hint or a fallback rather than an explicit keyword. */
  weak: boolean;
}

// ---------------------------------------------------------------- matching helpers

const countMatches = (text: string, patterns: readonly RegExp[]): number => patterns.filter((p) => p.test(text)).length;

const anyMatch = (text: string, patterns: readonly RegExp[]): boolean => patterns.some((p) => p.test(text));

function allMatches(text: string, pattern: RegExp): RegExpMatchArray[] {
  return [...text.matchAll(globalOf(pattern))];
}

/** "не хочу отменять", "переносить не надо", "без переноса". */
function isNegated(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 25), start);
  const after = text.slice(end, end + 25);
  return (
    /(?:^|[^а-я])(?:не|без)\s+(?:[а-я]+\s+)?$/.test(before) ||
    /^\s+(?:не\s+(?:надо|нужно|требуется|будем|буду|хочу|стоит|нужен|нужна)|ни\s+к\s+чему)(?![а-я])/.test(after)
  );
}

/** "или лучше перенести?" asks for advice, it is not a request. */
function isAdvice(text: string, start: number): boolean {
  return /(?:^|[^а-я])(?:лучше|или)\s+(?:[а-я]+\s+)?$/.test(text.slice(Math.max(0, start - 20), start));
}

/** Matches that are real requests: not negated, not advice, not hypothetical. */
function hasRealMatch(
  text: string,
  patterns: readonly RegExp[],
  opts: { negation?: boolean; advice?: boolean; hypothetical?: boolean } = {},
): boolean {
  return patterns.some((p) =>
    allMatches(text, p).some((m) => {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (opts.negation && isNegated(text, start, end)) return false;
      if (opts.advice && isAdvice(text, start)) return false;
      if (opts.hypothetical && L.HYPOTHETICAL_BEFORE.test(text.slice(Math.max(0, start - 40), start))) return false;
      return true;
    }),
  );
}

/** Replaces matches with spaces of the same length, so offsets stay valid. */
function blank(text: string, patterns: readonly RegExp[]): string {
  let out = text;
  for (const p of patterns) {
    out = out.replace(globalOf(p), (m) => ' '.repeat(m.length));
  }
  return out;
}

function clauses(text: string): string[] {
  return clauseSpans(text).map((s) => text.slice(s.start, s.end));
}

// ---------------------------------------------------------------- per-intent detectors

/** Links are checked on the original text: transliteration mangles them. */
const URL_RE = /https?:\/\/|www\.|\b[a-z0-9-]+\.(?:ly|ru|com|me|io|net|org|site|online|рф)\/\S*/i;

function detectSpam(text: string, original: string): boolean {
  const strong = countMatches(text, L.SPAM_STRONG);
  const weak = countMatches(text, L.SPAM_WEAK) + (URL_RE.test(original) ? 1 : 0);
  return strong >= 1 || weak >= 2;
}

function detectComplaint(text: string): boolean {
  const strong = countMatches(text, L.COMPLAINT_STRONG);
  const weak = countMatches(text, L.COMPLAINT_WEAK);
  return strong >= 1 || weak >= 2;
}

function detectHuman(text: string): boolean {
  return anyMatch(text, L.HUMAN) || L.HUMAN_BARE.test(text);
}

const WANT_RE = rx(`\\b${L.WANT}\\b`);
const FIRST_PERSON_WANT_RE = rx('\\b(?:хочу|хотим|хотела?|хотели|хочется|планирую|мне бы|нужн[аоы]?|нужен|надо)\\b');
const SERVICE_VERB_RE = rx(`\\b${L.SERVICE_VERB}\\b`);
const QUESTION_WORD_RE = rx('\\b(?:какие|какой|что|зачем)\\b');
const MOZHNO_RE = rx('\\bможно\\b');
const LATE_RE = rx('\\bопазд');
const WANT_TO_SUBMIT_RE = rx('\\b(?:хочу|хотим|хотела?|хотели)\\s+(?:бы\\s+)?сдать\\b');

function detectBookingStrong(text: string): boolean {
  if (hasRealMatch(text, L.BOOKING_STRONG, { hypothetical: true })) return true;
  if (WANT_TO_SUBMIT_RE.test(text)) return true;
  return clauses(text).some((clause) => {
    if (/\?/.test(clause) && QUESTION_WORD_RE.test(clause)) return false;
    // "подстричь надо", "хочу нарастить ресницы", "надо поменять колодки"
    if (WANT_RE.test(clause) && SERVICE_VERB_RE.test(clause)) return true;
    return false;
  });
}

/**
 * Hints of a booking without an explicit request for a slot: "хочу маникюр", "хочу завтра утром",
 * or a service together with a day or time.
 */
function detectBookingWeak(norm: NormalizedText, hasService: boolean): boolean {
  const text = norm.text;
  const dates = dateCandidates(norm);
  const times = timeCandidates(norm, dates);
  if (anyMatch(text, L.BOOKING_WEAK) || (hasService && dates.length + times.length > 0)) return true;
  return clauseSpans(text).some((span) => {
    const clause = text.slice(span.start, span.end);
    if (!FIRST_PERSON_WANT_RE.test(clause)) return false;
    const inClause = (c: { start: number }): boolean => c.start >= span.start && c.start < span.end;
    return serviceFromText(clause) !== undefined || dates.some(inClause) || times.some(inClause);
  });
}

const MOZHNO_LI = rx('\\bможно\\s+ли\\s+(?:(?:мне|нам|ребенку|вообще|так|уже)\\s+)*([а-я]+)', 'g');

function detectConsultation(text: string): boolean {
  if (anyMatch(text, L.CONSULTATION)) return true;
  for (const m of text.matchAll(MOZHNO_LI)) {
    const word = m[1];
    if (/^(?:при|с|со|после|если|во|во время|до)$/.test(word)) return true;
    const infinitive = /(?:ть|ться|ти|чь|тись)$/.test(word);
    if (infinitive && !L.ACTION_AFTER_MOZHNO_LI.test(word)) return true;
  }
  return false;
}

function detectPrice(text: string): boolean {
  const cleaned = blank(text, L.PRICE_FALSE_FRIENDS);
  return anyMatch(cleaned, L.PRICE);
}

/** Current clinical symptoms: negated ones and those in a past-tense sentence do not count. */
function detectCurrentSymptom(text: string): boolean {
  const cleaned = text.replace(L.SYMPTOM_NEGATED, (m) => ' '.repeat(m.length));
  return sentenceSpans(cleaned).some((s) => {
    const sentence = cleaned.slice(s.start, s.end);
    return !L.PAST_MARKER.test(sentence) && anyMatch(sentence, L.SYMPTOM);
  });
}

function detectReschedule(text: string, cancelSignal: boolean): boolean {
  if (hasRealMatch(text, L.RESCHEDULE_STRONG, { negation: true, advice: true })) return true;
  const existing = anyMatch(text, L.EXISTING_APPOINTMENT);
  // "не в 3 а в 5", "в воскресенье вместо этого": swapping the slot of an appointment they already have.
  if (anyMatch(text, L.SLOT_SWAP) && (existing || cancelSignal || MOZHNO_RE.test(text))) return true;
  // "не смогу завтра, давайте на следующей неделе" / "записан на сб, можно в вс?"
  return (cancelSignal || existing) && anyMatch(text, L.NEW_TIME_REQUEST) && !L.NEW_DATE_LATER.test(text);
}

function collectSignals(norm: NormalizedText): Signals {
  const text = norm.text;
  const cancel = hasRealMatch(text, L.CANCEL_STRONG, { negation: true });
  const cancelWeak = anyMatch(text, L.CANCEL_WEAK);
  const hasService = extractService(norm) !== undefined;
  return {
    spam: detectSpam(text, norm.original),
    complaint: detectComplaint(text),
    human: detectHuman(text),
    reschedule: detectReschedule(text, cancel || cancelWeak),
    cancel,
    cancelWeak,
    bookingStrong: detectBookingStrong(text),
    bookingWeak: detectBookingWeak(norm, hasService),
    consultation: detectConsultation(text),
    price: detectPrice(text),
    address: anyMatch(text, L.ADDRESS),
    otherExplicit: anyMatch(text, L.OTHER_EXPLICIT),
    symptom: detectCurrentSymptom(text),
    acute: anyMatch(text, L.ACUTE_NON_CLINICAL),
    abuse: anyMatch(text, L.ABUSE_OR_THREAT),
  };
}

// ---------------------------------------------------------------- decision

/** README priority: spam > complaint > human > reschedule/cancel > booking > consultation > price > address > other. */
function decide(s: Signals): Decision {
  if (s.spam) return { intent: 'spam', weak: false };
  if (s.complaint) return { intent: 'complaint', weak: false };
  if (s.human) return { intent: 'human', weak: false };
  if (s.reschedule) return { intent: 'reschedule', weak: false };
  if (s.cancel) return { intent: 'cancel', weak: false };
  if (s.bookingStrong) return { intent: 'booking', weak: false };
  if (s.consultation) return { intent: 'consultation', weak: false };
  // "не смогу прийти" with nothing else asked is a cancel.
  if (s.cancelWeak) return { intent: 'cancel', weak: true };
  if (s.price) return { intent: 'price', weak: false };
  if (s.address) return { intent: 'address', weak: false };
  if (s.bookingWeak) return { intent: 'booking', weak: true };
  // Symptoms with no explicit request still need a specialist.
  if (s.symptom || s.acute) return { intent: 'consultation', weak: true };
  return { intent: 'other', weak: !s.otherExplicit };
}

function confidence(s: Signals, d: Decision): number {
  const competing = [
    s.spam,
    s.complaint,
    s.human,
    s.reschedule,
    s.cancel || s.cancelWeak,
    s.bookingStrong,
    s.consultation,
    s.price,
    s.address,
  ].filter(Boolean).length;
  if (d.intent === 'other') return d.weak ? 0.3 : 0.75;
  const base = d.weak ? 0.6 : 0.9;
  const penalty = 0.1 * Math.max(0, competing - 1);
  return Math.round(Math.max(0.35, base - penalty) * 100) / 100;
}

// ---------------------------------------------------------------- slots and urgency

interface SlotPick {
  date?: Candidate;
  time?: Candidate;
}

function pickSlots(norm: NormalizedText, intent: Intent): SlotPick {
  const dates = dateCandidates(norm);
  const times = timeCandidates(norm, dates);
  const preferNew = intent === 'reschedule';
  const preferPast = intent === 'complaint' || intent === 'consultation';
  let ctx: SlotChoiceContext = { preferNew, preferPast, requestClauses: [], existingClauses: [] };
  if (preferNew) {
    const requestClauses = clausesMatching(norm, [...L.RESCHEDULE_STRONG, ...L.NEW_TIME_REQUEST, ...L.SLOT_SWAP]);
    const existingClauses = clausesMatching(norm, [...L.EXISTING_APPOINTMENT, ...L.CANCEL_WEAK]).filter(
      (c) => !requestClauses.some((r) => r.start === c.start),
    );
    ctx = { preferNew, preferPast, requestClauses, existingClauses };
  }
  return { date: chooseCandidate(dates, ctx), time: chooseCandidate(times, ctx) };
}

function buildSlots(norm: NormalizedText, intent: Intent, pick: SlotPick): TriageSlots {
  if (intent === 'spam') return {};
  const slots: TriageSlots = {};
  const phone = extractPhone(norm.original);
  const name = extractName(norm);
  if (intent !== 'other') {
    const service = extractService(norm);
    if (service) slots.service = service;
    const date = candidateText(norm, pick.date);
    if (date) slots.date = date;
    const time = candidateText(norm, pick.time);
    if (time) slots.time = time;
  }
  if (name) slots.name = name;
  if (phone) slots.phone = phone;
  return slots;
}

function isSpecificDay(c: Candidate | undefined): boolean {
  return !!c && (c.kind === 'specific' || c.kind === 'today') && !c.from;
}

function urgency(norm: NormalizedText, intent: Intent, s: Signals, pick: SlotPick, hasPhone: boolean): Urgency {
  const text = norm.text;
  const todayOrNow = anyMatch(text, L.TODAY_OR_NOW);
  const hot = (cond: boolean): Urgency => (cond ? 'hot' : 'cold');
  switch (intent) {
    case 'booking': {
      const day = isSpecificDay(pick.date);
      const time = !!pick.time && pick.time.concrete;
      return hot(
        todayOrNow || s.symptom || s.acute || (day && time) || (day && L.COMMIT_BOOKING.test(text)) || hasPhone,
      );
    }
    case 'reschedule': {
      const newDay = pick.date;
      return hot(newDay?.kind === 'today' || (isSpecificDay(newDay) && !!pick.time?.concrete) || LATE_RE.test(text));
    }
    case 'price':
      return hot(todayOrNow);
    case 'address':
      return hot(anyMatch(text, L.ON_THE_WAY) || L.TODAY_ONLY.test(text));
    case 'consultation':
      return hot(s.symptom || s.acute);
    case 'human':
      return hot(L.URGENT_WORD.test(text) || L.TODAY_ONLY.test(text));
    case 'complaint':
      return hot(s.symptom || anyMatch(text, L.COMING_BACK_NOW));
    default:
      return 'cold';
  }
}

function escalate(intent: Intent, s: Signals): boolean {
  if (intent === 'spam') return false;
  return intent === 'consultation' || intent === 'complaint' || intent === 'human' || s.symptom || s.abuse;
}

// ---------------------------------------------------------------- entry point

/** What the rules see in a message: the normalised text and the intent signals its keywords give. */
export interface RuleReading {
  readonly norm: NormalizedText;
  readonly signals: Readonly<Signals>;
}

export function readMessage(text: string): RuleReading {
  const norm = normalizeText(text ?? '');
  return { norm, signals: collectSignals(norm) };
}

/** The names of the signals that fired: features for the learned model, which weighs them against the words. */
export function firedSignals(reading: RuleReading): string[] {
  const decision = decide(reading.signals);
  return [
    ...Object.entries(reading.signals)
      .filter(([, fired]) => fired)
      .map(([name]) => name),
    `decided-${decision.intent}${decision.weak ? '-weak' : ''}`,
  ];
}

/** Urgency and slots once the intent is known (by the rules or by a model). */
export function detailsFor(
  reading: RuleReading,
  intent: Intent,
): { urgency: Urgency; slots: TriageSlots; symptom: boolean; abuse: boolean } {
  const pick = pickSlots(reading.norm, intent);
  const slots = buildSlots(reading.norm, intent, pick);
  return {
    urgency: urgency(reading.norm, intent, reading.signals, pick, slots.phone !== undefined),
    slots,
    symptom: reading.signals.symptom,
    abuse: reading.signals.abuse,
  };
}

export function classifyMessage(text: string): TriageResult {
  const reading = readMessage(text);
  const decision = decide(reading.signals);
  const { urgency: hotOrCold, slots } = detailsFor(reading, decision.intent);
  return {
    intent: decision.intent,
    intents: [decision.intent],
    confidence: confidence(reading.signals, decision),
    urgency: hotOrCold,
    escalate: escalate(decision.intent, reading.signals),
    slots,
  };
}
