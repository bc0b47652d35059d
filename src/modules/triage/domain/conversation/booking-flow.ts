/**
 * The conversation with a client as a pure function: (dialog state, understood message, facts) → a step. A step
 * either asks the application for more facts (`need`: the client's visits, free slots for a day just named) and
 * the application calls the flow again with them, or it is an outcome: the reply, the next state and the effects
 * (book, move, cancel, remember the phone, hand over to a person) that the application carries out in the
 * message's transaction. No I/O, no clock: "now" is a fact.
 */
import { DateTime, type WeekdayNumbers } from 'luxon';
import type { BookingDraft, DialogState, OfferedSlot, WantedSpan } from '../dialog-state';
import type { EscalationReason, Intent, Language, TriageResult } from '../triage-result';
import type { ConversationFacts, DayHours, ServiceFact, SlotFact, SlotSearch, VisitFact } from './conversation-facts';
import {
  asksSameTime,
  asksServiceList,
  closingKind,
  isNo,
  isYes,
  pickOffered,
  sameLabel,
  shiftAsked,
} from './follow-ups';
import { MENU, say, type ReplyKey } from './reply-catalogue';
import { accusative, naturalOrder } from './service-names';
import { englishServiceName } from './service-words';

export interface UnderstoodMessage {
  text: string;
  triage: TriageResult;
  /** A voice note, a photo, a sticker, a location or a file without words. */
  attachment?: 'voice' | 'audio' | 'photo' | 'video' | 'sticker' | 'document' | 'location' | 'other';
}

export type Effect =
  | { kind: 'book'; serviceId: string; slot: OfferedSlot }
  | { kind: 'reschedule'; appointmentId: string; slot: OfferedSlot }
  | { kind: 'cancel'; appointmentId: string }
  | { kind: 'release-holds' }
  | { kind: 'hand-off'; reason: EscalationReason | 'attachment' }
  | { kind: 'alert'; about: 'address-missing' | 'symptom' | 'voice' };

export interface Outcome {
  text: string;
  buttons: string[];
  state: DialogState;
  effects: Effect[];
  /** The intent the lead should carry: the dialog knows better than one message (a slot picked after an offer). */
  intent: Intent;
  leadStatus?: 'booked' | 'cancelled' | 'escalated';
  details?: Record<string, string>;
  /** A person should look at the lead although the bot keeps the conversation (a voice note to listen to). */
  flagged?: boolean;
}

export type Need = { kind: 'visits' } | ({ kind: 'slots' } & SlotSearch);
export type Step = { need: Need } | { outcome: Outcome };

const OFFERED = 3;
const SEARCH_DAYS = 14;
/** A clock time asked for ("к шести") is searched from that moment for a few hours, so the offer has neighbours. */
const EXACT_WINDOW_HOURS = 4;
const SLOT_LABEL = 'ccc dd.MM, HH:mm';

/** Collects the reply and the effects of one step. */
class Turn {
  readonly parts: string[] = [];
  buttons: string[] = [];
  readonly effects: Effect[] = [];
  intent: Intent;
  leadStatus?: Outcome['leadStatus'];
  details?: Record<string, string>;
  flagged?: boolean;

  constructor(
    readonly state: DialogState,
    readonly facts: ConversationFacts,
    readonly lang: Language,
    primary: Intent,
  ) {
    this.intent = primary;
  }

  say(key: ReplyKey, values: Record<string, string> = {}): this {
    this.parts.push(say(key, values, this.lang, this.facts.overrides));
    return this;
  }

  done(): Step {
    return {
      outcome: {
        text: this.parts.join(' '),
        buttons: this.buttons,
        state: this.state,
        effects: this.effects,
        intent: this.intent,
        leadStatus: this.leadStatus,
        details: this.details,
        flagged: this.flagged,
      },
    };
  }
}

export function converse(state: DialogState, message: UnderstoodMessage, facts: ConversationFacts): Step {
  const next: DialogState = structuredClone(state);
  const triage = message.triage;
  const hasWords = message.text.trim().length > 0;
  if (hasWords && triage.lang) next.lang = triage.lang;
  const turn = new Turn(next, facts, next.lang ?? 'ru', triage.intent);

  if (message.attachment && !hasWords) return attachmentReply(turn, message.attachment);
  if (triage.escalate && !bookableSymptom(triage, facts) && !correctsTheOffer(triage, facts, next)) {
    // An unsure guess with no cue word asks first (a person stays one button away); a cue always hands over.
    if (unsureGuess(triage) && !next.booking) return clarify(turn, [triage.intent, 'booking', 'price']);
    return handOff(turn, triage);
  }
  if (triage.escalate && bookableSymptom(triage, facts)) {
    turn.effects.push({ kind: 'alert', about: 'symptom' });
    turn.say('symptomNoted');
  }

  const text = message.text;
  const pending = next.pending;
  if (pending) {
    delete next.pending;
    if (isYes(text) || sameLabel(label('yesCancel', turn), text)) return cancelVisit(turn, pending.appointmentId);
    if (isNo(text) || sameLabel(label('noKeep', turn), text)) {
      turn.intent = 'cancel';
      return turn.say('keepVisit').done();
    }
  }

  const reminder = facts.reminderButtons;
  if (sameLabel(reminder.confirm, text)) return confirmVisit(turn);
  if (sameLabel(reminder.move, text)) return startReschedule(turn, '');
  if (sameLabel(reminder.cancel, text)) return startCancel(turn);

  const intents = intentsOf(text, triage, turn);
  const draft = next.booking;
  const picked = draft?.offered ? pickOffered(text, draft.offered, facts.zone) : null;
  if (draft && picked) return choose(turn, draft, picked, triage);
  if (draft?.awaiting === 'contact' && draft.chosen) return collectContact(turn, draft, triage);

  // While a new booking is being put together, "раньше", "не в субботу, а в воскресенье" change the draft, not a visit.
  const draftChange = draft !== undefined && !draft.rescheduleOf && followsBooking(text, triage, facts, draft, true);
  // A visit is cancelled or moved only when that is what the message is about (its primary intent): a booking that
  // also sounds a little like a move ("можно в среду в 15?") is a booking.
  const primary = intents[0];
  if (primary === 'cancel' && !draftChange) {
    if (draft && !draft.rescheduleOf && !mentionsVisit(text)) return dropDraft(turn);
    return startCancel(turn);
  }
  if (primary === 'reschedule' && !draftChange) return startReschedule(turn, text);

  const continuing = draftChange || (draft !== undefined && followsBooking(text, triage, facts, draft));
  if (asksServiceList(text) && !continuing) return listServices(turn);
  const closing = closingKind(text);
  if (closing && triage.intent === 'other') return closingReply(turn, closing);
  if (triage.clarify && !continuing && intents === triage.intents) return clarify(turn, triage.clarify);

  answerQuestions(turn, intents, text);
  if (intents.includes('booking') || continuing) return bookingStep(turn, text);
  if (turn.parts.length > 0) return turn.done();
  if (facts.namesAService && facts.named.length === 0 && triage.intent !== 'other') return notOffered(turn);
  turn.intent = 'other';
  turn.buttons = [label('book', turn), label('prices', turn), label('address', turn)];
  return turn.say(GREETING.test(text) ? 'greeting' : 'clarify').done();
}

const GREETING =
  /^\W*(?:здравствуй|здрасьте|здрасте|привет|добр(?:ый|ое|ого)|доброе|алло|hello|hi|hey|good (?:morning|afternoon|evening))/i;

// ---------------------------------------------------------------- understanding in context

/** The intents of the message, with a pressed menu button read as the intent it stands for. */
function intentsOf(text: string, triage: TriageResult, turn: Turn): Intent[] {
  const pressed = (Object.keys(MENU) as Array<keyof typeof MENU>).find((key) => sameLabel(label(key, turn), text));
  const byButton: Partial<Record<keyof typeof MENU, Intent>> = {
    book: 'booking',
    prices: 'price',
    address: 'address',
    cancel: 'cancel',
    reschedule: 'reschedule',
  };
  const intent = pressed ? byButton[pressed] : undefined;
  return intent ? [intent] : triage.intents;
}

/**
 * A message that carries on a booking in progress without booking words of its own: an answer to the bot's
 * question (a service, a day), "earlier", a service or a day changed, a phone sent before the slot.
 */
function followsBooking(
  text: string,
  triage: TriageResult,
  facts: ConversationFacts,
  draft: BookingDraft,
  evenIfVisitWords = false,
): boolean {
  if (triage.intent === 'spam') return false;
  if (!evenIfVisitWords && (triage.intent === 'cancel' || triage.intent === 'reschedule')) return false;
  if (evenIfVisitWords && mentionsVisit(text)) return false;
  if (shiftAsked(text) && draft.offered) return true;
  if (facts.wanted || facts.named.length > 0) return true;
  if (triage.slots.phone) return true;
  return draft.awaiting === 'service' && facts.namesAService;
}

const VISIT_WORDS = /(?:мо[юяей]|нашу|свою) запис|\bвизит|\bmy (?:appointment|booking)/i;

/** "перенесите мою запись": the client speaks of a visit already booked, not of the offer being made. */
function mentionsVisit(text: string): boolean {
  return VISIT_WORDS.test(text);
}

function dropDraft(turn: Turn): Step {
  delete turn.state.booking;
  turn.effects.push({ kind: 'release-holds' });
  turn.intent = 'cancel';
  return turn.say('draftDropped').done();
}

/** Below this the model's own guess of a complaint or a question for a specialist does not stop a booking. */
const GUESS_SURE = 0.6;

/**
 * "ой нет перепутала не 09.12 а 10.12" while times are on offer: a new day or time with no cue word for a person
 * corrects the booking; the model's unsure guess of a complaint does not hand the client over.
 */
function correctsTheOffer(triage: TriageResult, facts: ConversationFacts, state: DialogState): boolean {
  return (
    Boolean(state.booking?.offered?.length) &&
    facts.wanted !== null &&
    triage.escalationGuessed === true &&
    triage.confidence < GUESS_SURE &&
    !triage.redFlag
  );
}

function unsureGuess(triage: TriageResult): boolean {
  return triage.escalationGuessed === true && triage.confidence < GUESS_SURE && !triage.redFlag;
}

/** A clinic books an ordinary symptom with urgency (a person is told); advice, medication and red flags go to a person. */
function bookableSymptom(triage: TriageResult, facts: ConversationFacts): boolean {
  return (
    facts.preset === 'clinic' &&
    triage.escalation === 'symptom' &&
    !triage.redFlag &&
    triage.intents.includes('booking') &&
    !triage.intents.some((i) => i === 'consultation' || i === 'complaint' || i === 'human')
  );
}

/**
 * The client's phone: from the contact (a phone given at any point is saved there as soon as it is read, so the
 * dialog state never holds personal data) or from this very message.
 */
function knownPhone(turn: Turn, triage: TriageResult): string | null {
  return turn.facts.contact.phone ?? triage.slots.phone ?? null;
}

// ---------------------------------------------------------------- answers

function answerQuestions(turn: Turn, intents: readonly Intent[], text: string): void {
  if (intents.includes('price')) prices(turn, text);
  if (intents.includes('address')) address(turn);
}

function prices(turn: Turn, text: string): void {
  const { facts } = turn;
  const asked = facts.named.length > 0 ? namedServices(facts) : [];
  if (asked.length === 0 && facts.namesAService) {
    notOfferedPart(turn);
    return;
  }
  if (asked.length === 0 && turn.state.booking?.serviceId) {
    const current = facts.services.find((s) => s.id === turn.state.booking!.serviceId);
    if (current) asked.push(current);
  }
  const list = asked.length > 0 ? asked : facts.services;
  const priced = list.filter((s) => s.priceRub !== null);
  if (priced.length === 0 && asked.length === 1) {
    turn.say('priceUnknown', { service: plainName(turn, asked[0].name) });
    return;
  }
  if (asked.length === 0 && asksServiceList(text)) return;
  turn.say('prices', { list: priced.map((s) => `${plainName(turn, s.name)} — ${formatRub(s.priceRub!)}`).join('; ') });
}

/** The services a message names: every one it names fully ("маникюр и педикюр"), else the best match. */
function namedServices(facts: ConversationFacts): ServiceFact[] {
  return facts.named.length > 1 && facts.named.every((s) => s.name.split(' ')[0] === facts.named[0].name.split(' ')[0])
    ? facts.named
    : facts.named.slice(0, Math.max(1, facts.named.length));
}

function address(turn: Turn): void {
  const { business } = turn.facts;
  if (business.address) turn.say('address', { address: business.address });
  else {
    turn.say('addressUnknown');
    turn.effects.push({ kind: 'alert', about: 'address-missing' });
  }
  if (business.hoursText) turn.say('hours', { hours: business.hoursText });
}

function listServices(turn: Turn): Step {
  turn.intent = 'price';
  const list = turn.facts.services
    .map((s) =>
      s.priceRub === null ? plainName(turn, s.name) : `${plainName(turn, s.name)} — ${formatRub(s.priceRub)}`,
    )
    .join('; ');
  turn.buttons = turn.facts.services.slice(0, 3).map((s) => s.name);
  return turn.say('servicesList', { list }).done();
}

function notOfferedPart(turn: Turn): void {
  turn.say('notOffered', { list: turn.facts.services.map((s) => plainName(turn, s.name)).join(', ') });
}

function notOffered(turn: Turn): Step {
  notOfferedPart(turn);
  turn.buttons = turn.facts.services.slice(0, 3).map((s) => s.name);
  return turn.done();
}

function closingReply(turn: Turn, kind: 'thanks' | 'bye'): Step {
  turn.intent = 'other';
  const visit = turn.state.lastVisit;
  if (kind === 'bye') return turn.say('goodbye').done();
  if (visit) return turn.say('closingBooked', { when: slotPhrase(visit.startsAt, turn) }).done();
  return turn.say('closing').done();
}

function clarify(turn: Turn, options: readonly Intent[]): Step {
  const keyOf: Partial<Record<Intent, keyof typeof MENU>> = {
    booking: 'book',
    price: 'prices',
    address: 'address',
    cancel: 'cancel',
    reschedule: 'reschedule',
    consultation: 'person',
    human: 'person',
    complaint: 'person',
  };
  const labels = options.flatMap((i) => (keyOf[i] ? [label(keyOf[i]!, turn)] : []));
  turn.buttons = [...new Set([...labels, label('book', turn), label('prices', turn)])].slice(0, 3);
  turn.intent = 'other';
  return turn.say('clarify').done();
}

function attachmentReply(turn: Turn, kind: NonNullable<UnderstoodMessage['attachment']>): Step {
  turn.intent = 'other';
  if (kind === 'voice' || kind === 'audio') {
    turn.effects.push({ kind: 'alert', about: 'voice' });
    turn.flagged = true;
    return turn.say('attachmentVoice').done();
  }
  if (kind === 'sticker') return turn.say('attachmentSticker').done();
  if (kind === 'location') return turn.say('attachmentLocation').done();
  turn.effects.push({ kind: 'hand-off', reason: 'attachment' });
  turn.leadStatus = 'escalated';
  return turn.say(kind === 'photo' || kind === 'video' ? 'attachmentPhoto' : 'attachmentOther').done();
}

function handOff(turn: Turn, triage: TriageResult): Step {
  const reason = triage.escalation ?? 'consultation';
  turn.effects.push({ kind: 'release-holds' }, { kind: 'hand-off', reason });
  delete turn.state.booking;
  delete turn.state.pending;
  turn.leadStatus = 'escalated';
  if (triage.redFlag) return turn.say('redFlag').done();
  const key: ReplyKey =
    reason === 'complaint' || reason === 'legal' || reason === 'abuse'
      ? 'handoffComplaint'
      : reason === 'human'
        ? 'handoffHuman'
        : reason === 'symptom' || reason === 'medical' || reason === 'consultation'
          ? 'handoffMedical'
          : 'handoff';
  turn.say(key);
  const { business } = turn.facts;
  if (!business.openNow && business.backAt) turn.say('afterHours', { when: business.backAt });
  return turn.done();
}

// ---------------------------------------------------------------- visits: cancel and move

function startCancel(turn: Turn): Step {
  turn.intent = 'cancel';
  const visits = turn.facts.visits;
  if (!visits) return { need: { kind: 'visits' } };
  const visit = visits[0];
  if (!visit) return turn.say('noVisits').done();
  delete turn.state.booking;
  turn.state.pending = { kind: 'cancel', appointmentId: visit.id };
  turn.buttons = [label('yesCancel', turn), label('noKeep', turn)];
  return turn
    .say('askCancel', { service: plainName(turn, visit.serviceName), when: slotPhrase(visit.startsAt, turn) })
    .done();
}

function confirmVisit(turn: Turn): Step {
  turn.intent = 'booking';
  if (!turn.facts.visits) return { need: { kind: 'visits' } };
  const visit = turn.facts.visits[0];
  if (!visit) return turn.say('noVisits').done();
  turn.leadStatus = 'booked';
  return turn
    .say('visitConfirmed', { service: plainName(turn, visit.serviceName), when: slotPhrase(visit.startsAt, turn) })
    .done();
}

function cancelVisit(turn: Turn, appointmentId: string): Step {
  turn.intent = 'cancel';
  if (!turn.facts.visits) return { need: { kind: 'visits' } };
  const visit = turn.facts.visits.find((v) => v.id === appointmentId);
  turn.effects.push({ kind: 'cancel', appointmentId });
  turn.leadStatus = 'cancelled';
  delete turn.state.lastVisit;
  return turn
    .say(
      'cancelled',
      visit ? { service: plainName(turn, visit.serviceName), when: slotPhrase(visit.startsAt, turn) } : {},
    )
    .done();
}

function startReschedule(turn: Turn, text: string): Step {
  turn.intent = 'reschedule';
  const visits = turn.facts.visits;
  if (!visits) return { need: { kind: 'visits' } };
  const visit: VisitFact | undefined = visits[0];
  // No visit to move, but a service or a day named: "на педикюр 09.12 после 16 можно?" is a booking.
  if (!visit && (turn.facts.named.length > 0 || turn.facts.wanted) && !mentionsVisit(text)) {
    return bookingStep(turn, text);
  }
  if (!visit) return turn.say('noVisits').done();
  const draft: BookingDraft = turn.state.booking?.rescheduleOf === visit.id ? turn.state.booking : {};
  draft.serviceId = visit.serviceId;
  draft.serviceName = visit.serviceName;
  draft.rescheduleOf = visit.id;
  draft.rescheduleFrom = visit.startsAt;
  turn.state.booking = draft;
  return offerStep(turn, draft, text);
}

// ---------------------------------------------------------------- booking

function bookingStep(turn: Turn, text: string): Step {
  const { facts } = turn;
  const draft: BookingDraft = (turn.state.booking ??= {});
  turn.intent = draft.rescheduleOf ? 'reschedule' : 'booking';

  const fromOptions = draft.serviceOptions?.find((o) => sameLabel(o.name, text));
  const named = fromOptions ? [facts.services.find((s) => s.id === fromOptions.id)!] : facts.named;
  if (named.length > 0 && !draft.rescheduleOf) {
    const choice = serviceChoice(named, draft, text);
    if (choice.length > 1) {
      rememberWanted(turn, draft, text);
      draft.serviceOptions = choice.map((s) => ({ id: s.id, name: s.name }));
      draft.awaiting = 'service';
      turn.buttons = choice.slice(0, 3).map((s) => s.name);
      return turn.say('whichService', { options: choice.map((s) => plainName(turn, s.name)).join(' или ') }).done();
    }
    if (choice[0].id !== draft.serviceId) {
      if (draft.offered) turn.effects.push({ kind: 'release-holds' });
      delete draft.offered;
      draft.serviceId = choice[0].id;
      draft.serviceName = choice[0].name;
    }
    delete draft.serviceOptions;
  } else if (!draft.serviceId && facts.namesAService) {
    rememberWanted(turn, draft, text);
    draft.awaiting = 'service';
    notOfferedPart(turn);
    turn.buttons = facts.services.slice(0, 3).map((s) => s.name);
    return turn.done();
  }
  if (!draft.serviceId) {
    rememberWanted(turn, draft, text);
    draft.awaiting = 'service';
    turn.buttons = facts.services.slice(0, 3).map((s) => s.name);
    return turn.say('askService').done();
  }
  return offerStep(turn, draft, text);
}

/** Of the services named, those the client may mean: the draft's own stays when a vaguer name still fits it. */
function serviceChoice(named: readonly ServiceFact[], draft: BookingDraft, text: string): ServiceFact[] {
  if (named.length === 1) return [...named];
  const full = named.filter((s) => fullyNamed(s.name, text));
  if (full.length === 1) return full;
  const current = named.find((s) => s.id === draft.serviceId);
  if (current) return [current];
  const first = named[0].name.toLowerCase().split(' ')[0];
  const sameKind = named.filter((s) => s.name.toLowerCase().split(' ')[0] === first);
  return sameKind.length > 1 ? sameKind : [named[0]];
}

/** Every word of the service's name stands in the text, in some form ("на мужскую стрижку" names "Стрижка мужская"). */
function fullyNamed(name: string, text: string): boolean {
  const words = text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .split(/[^a-zа-я0-9]+/);
  return name
    .toLowerCase()
    .replace(/ё/g, 'е')
    .split(/[^a-zа-я0-9]+/)
    .filter((w) => w.length >= 3)
    .every((w) =>
      words.some(
        (t) =>
          t.slice(0, Math.max(3, Math.min(t.length, w.length) - 2)) ===
          w.slice(0, Math.max(3, Math.min(t.length, w.length) - 2)),
      ),
    );
}

/** Keeps what the message says about the day and time, read against what was said before. */
function rememberWanted(turn: Turn, draft: BookingDraft, text: string): void {
  const wanted = turn.facts.wanted;
  if (!wanted || wanted.spans.length === 0) return;
  const previous = draft.wanted;
  const clock = clockOf(draft, turn, text);
  if (clock && wanted.hasDay && !wanted.hasTime) {
    draft.wanted = wanted.spans.map((span) => atClock(span, clock, turn));
  } else if (previous && previous.length > 0 && wanted.hasTime && !wanted.hasDay) {
    draft.wanted = retimed(previous, wanted.spans, turn);
  } else {
    draft.wanted = wanted.spans.map((s) => ({ ...s }));
  }
}

/**
 * The clock time a day-only message keeps: "в то же время" or a day alone after an exact time keeps the time
 * asked before, or of the offered slots, or of the visit being moved.
 */
function clockOf(draft: BookingDraft, turn: Turn, text: string): string | null {
  const exact = draft.wanted?.find((s) => s.exact);
  const sameTime = asksSameTime(text);
  if (exact) return local(exact.from, turn).toFormat('HH:mm');
  if (!sameTime) return null;
  const reference = draft.offered?.[0]?.startsAt ?? draft.rescheduleFrom;
  return reference ? local(reference, turn).toFormat('HH:mm') : null;
}

function atClock(span: WantedSpan, clock: string, turn: Turn): WantedSpan {
  const [hour, minute] = clock.split(':').map(Number);
  const at = local(span.from, turn).set({ hour, minute, second: 0, millisecond: 0 });
  return { from: iso(at), to: iso(at), exact: true };
}

/** A new time of day on the days already asked for. */
function retimed(previous: readonly WantedSpan[], spans: WantedReading['spans'], turn: Turn): WantedSpan[] {
  const days = [...new Set(previous.map((s) => local(s.from, turn).toISODate()))];
  const time = spans[0];
  const from = local(time.from, turn);
  const to = local(time.to, turn);
  return days.map((day) => {
    const date = DateTime.fromISO(day!, { zone: turn.facts.zone });
    const start = date.set({ hour: from.hour, minute: from.minute });
    const end = time.exact ? start : date.set({ hour: to.hour, minute: to.minute });
    return { from: iso(start), to: iso(end), exact: time.exact };
  });
}

type WantedReading = NonNullable<ConversationFacts['wanted']>;

function offerStep(turn: Turn, draft: BookingDraft, text: string): Step {
  const { facts } = turn;
  const shift = draft.offered && draft.offered.length > 0 ? shiftAsked(text) : null;
  if (shift) return shiftedOffer(turn, draft, shift);
  rememberWanted(turn, draft, text);
  if (!draft.wanted && !draft.offered) {
    draft.awaiting = 'time';
    return turn.say('askTime', { service: inAccusative(turn, draft.serviceName!) }).done();
  }
  const spans = draft.wanted ?? [];
  if (spans.length > 0 && whyNot(spans, facts.serviceHours[draft.serviceId!] ?? [], turn).key !== 'allTaken') {
    return nearestInstead(turn, draft, spans);
  }
  const windows =
    spans.length > 0 ? spans.map(searchWindow) : [{ from: facts.now, to: plusDays(facts.now, SEARCH_DAYS) }];
  const found = search(turn, draft, `wanted:${JSON.stringify(windows)}`, windows, 'first');
  if ('need' in found) return found;
  if (found.slots.length > 0) return offer(turn, draft, found.slots, 'offer');
  return nearestInstead(turn, draft, spans);
}

/** The slots a search found, or the need to run it. */
function search(
  turn: Turn,
  draft: BookingDraft,
  key: string,
  windows: Array<{ from: string; to: string }>,
  take: 'first' | 'last',
): { need: Need } | { slots: SlotFact[] } {
  const fullKey = `${draft.serviceId}:${key}`;
  const found = turn.facts.searches?.[fullKey];
  if (found) return { slots: found };
  return { need: { kind: 'slots', key: fullKey, serviceId: draft.serviceId!, windows, limit: OFFERED, take } };
}

/** Nothing free when asked: say why, then offer the nearest free times. */
function nearestInstead(turn: Turn, draft: BookingDraft, spans: readonly WantedSpan[]): Step {
  const { facts } = turn;
  const reason = whyNot(spans, facts.serviceHours[draft.serviceId!] ?? [], turn);
  const start = reason.key === 'timePassed' || spans.length === 0 ? facts.now : laterOf(facts.now, spans[0].from);
  const found = nearest(turn, draft, start);
  if ('need' in found) return found;
  if (found.slots.length === 0) return noSlots(turn, draft);
  return offer(turn, draft, found.slots, reason.key, reason.values);
}

function nearest(turn: Turn, draft: BookingDraft, from: string): { need: Need } | { slots: SlotFact[] } {
  return search(turn, draft, `nearest:${from}`, [{ from, to: plusDays(from, SEARCH_DAYS) }], 'first');
}

function noSlots(turn: Turn, draft: BookingDraft): Step {
  delete draft.offered;
  draft.awaiting = 'time';
  return turn.say('noSlotsSoon', { service: inAccusative(turn, draft.serviceName!) }).done();
}

/** "а можно чуть раньше?": the same day, before the first time offered (or after the last one). */
function shiftedOffer(turn: Turn, draft: BookingDraft, shift: 'earlier' | 'later'): Step {
  const { facts } = turn;
  const offered = draft.offered!;
  const first = local(offered[0].startsAt, turn);
  const last = local(offered[offered.length - 1].startsAt, turn);
  const window =
    shift === 'earlier'
      ? { from: laterOf(facts.now, iso(first.startOf('day'))), to: iso(first) }
      : { from: iso(last.plus({ minutes: 1 })), to: iso(last.endOf('day')) };
  const found = search(turn, draft, `${shift}:${window.from}`, [window], shift === 'earlier' ? 'last' : 'first');
  if ('need' in found) return found;
  if (found.slots.length > 0)
    return offer(turn, draft, found.slots, shift === 'earlier' ? 'offerEarlier' : 'offerLater');
  const fallback = nearest(turn, draft, shift === 'earlier' ? facts.now : window.from);
  if ('need' in fallback) return fallback;
  if (fallback.slots.length === 0) return noSlots(turn, draft);
  return offer(turn, draft, fallback.slots, shift === 'earlier' ? 'noEarlier' : 'noLater');
}

function offer(
  turn: Turn,
  draft: BookingDraft,
  found: readonly SlotFact[],
  key: ReplyKey,
  values: Record<string, string> = {},
): Step {
  const slots = found.slice(0, OFFERED);
  draft.offered = slots.map((slot) => ({
    label: local(slot.startsAt, turn).setLocale(turn.lang).toFormat(SLOT_LABEL),
    staffId: slot.staffId,
    startsAt: slot.startsAt,
    ...(slot.holdId ? { holdId: slot.holdId } : {}),
  }));
  draft.awaiting = 'slot';
  if (turn.facts.taken) turn.say('slotTaken');
  turn.buttons = draft.offered.map((s) => s.label);
  return turn
    .say(key, {
      service: inAccusative(turn, draft.serviceName!),
      slots: draft.offered.map((s) => s.label).join('; '),
      ...values,
    })
    .done();
}

/** Why nothing is free when the client asked: the moment has passed, nobody works that day, or it is after hours. */
function whyNot(
  spans: readonly WantedSpan[],
  hours: readonly DayHours[],
  turn: Turn,
): { key: ReplyKey; values?: Record<string, string> } {
  const now = DateTime.fromISO(turn.facts.now);
  if (
    spans.length > 0 &&
    spans.every((s) => (s.exact ? DateTime.fromISO(s.from) < now : DateTime.fromISO(s.to) <= now))
  ) {
    return { key: 'timePassed' };
  }
  if (spans.length === 0 || hours.length === 0) return { key: 'allTaken' };
  const weekdays = spans.map((s) => local(s.from, turn).weekday);
  if (weekdays.every((day) => !hours.some((h) => h.weekday === day))) {
    return { key: 'nobodyThatDay', values: { day: capitalize(onWeekday(weekdays[0], turn.lang)) } };
  }
  const outside = spans.every((span) => {
    const at = local(span.from, turn);
    const minute = at.hour * 60 + at.minute;
    return (
      span.exact &&
      !hours.some((h) => h.weekday === at.weekday && toMinutes(h.start) <= minute && minute < toMinutes(h.end))
    );
  });
  if (outside) {
    const day = local(spans[0].from, turn).weekday;
    const today = hours.filter((h) => h.weekday === day).map((h) => `${h.start}–${h.end}`);
    return { key: 'closedThen', values: { hours: today.join(', ') } };
  }
  return { key: 'allTaken' };
}

function choose(turn: Turn, draft: BookingDraft, slot: OfferedSlot, triage: TriageResult): Step {
  if (!draft.rescheduleOf && !knownPhone(turn, triage)) {
    draft.chosen = slot;
    draft.awaiting = 'contact';
    turn.intent = 'booking';
    return turn.say('askContact', { slot: slot.label }).done();
  }
  return book(turn, draft, slot);
}

function collectContact(turn: Turn, draft: BookingDraft, triage: TriageResult): Step {
  if (!knownPhone(turn, triage)) {
    turn.intent = 'booking';
    return turn.say('askPhoneAgain').done();
  }
  return book(turn, draft, draft.chosen!);
}

function book(turn: Turn, draft: BookingDraft, slot: OfferedSlot): Step {
  if (turn.facts.taken === slot.startsAt) {
    delete draft.offered;
    delete draft.chosen;
    const spans = draft.wanted ?? [];
    return nearestInstead(turn, draft, spans);
  }
  const moved = Boolean(draft.rescheduleOf);
  turn.effects.push(
    moved
      ? { kind: 'reschedule', appointmentId: draft.rescheduleOf!, slot }
      : { kind: 'book', serviceId: draft.serviceId!, slot },
  );
  const when = slotPhrase(slot.startsAt, turn);
  const service = draft.serviceName!;
  const address = turn.facts.business.address;
  turn.intent = moved ? 'reschedule' : 'booking';
  turn.leadStatus = 'booked';
  turn.details = { visit: when, service };
  turn.state.lastVisit = { service, startsAt: slot.startsAt };
  delete turn.state.booking;
  if (moved) return turn.say('moved', { service: plainName(turn, service), when }).done();
  return turn
    .say('booked', { service: inAccusative(turn, service), when, address: address ? `, ${address}` : '' })
    .done();
}

// ---------------------------------------------------------------- helpers

/** A service after "на" in the reply's language: "на женскую стрижку", "for women's haircut". */
function inAccusative(turn: Turn, name: string): string {
  return turn.lang === 'en' ? englishServiceName(name) : accusative(name);
}

/** A service in a list, in the reply's language. */
function plainName(turn: Turn, name: string): string {
  return turn.lang === 'en' ? englishServiceName(name) : naturalOrder(name);
}

function label(key: keyof typeof MENU, turn: Turn): string {
  return MENU[key][turn.lang];
}

function local(isoInstant: string, turn: Turn): DateTime {
  return DateTime.fromISO(isoInstant, { zone: turn.facts.zone });
}

function iso(at: DateTime): string {
  return at.toISO()!;
}

function plusDays(isoInstant: string, days: number): string {
  return DateTime.fromISO(isoInstant, { setZone: true }).plus({ days }).toISO()!;
}

function laterOf(a: string, b: string): string {
  return DateTime.fromISO(a) > DateTime.fromISO(b) ? a : b;
}

function searchWindow(span: WantedSpan): { from: string; to: string } {
  if (!span.exact) return { from: span.from, to: span.to };
  return {
    from: span.from,
    to: DateTime.fromISO(span.from, { setZone: true }).plus({ hours: EXACT_WINDOW_HOURS }).toISO()!,
  };
}

/** "пятница, 27 ноября, 17:00". */
function slotPhrase(isoInstant: string, turn: Turn): string {
  return local(isoInstant, turn)
    .setLocale(turn.lang)
    .toFormat(turn.lang === 'en' ? 'cccc, d MMMM, HH:mm' : 'cccc, d MMMM, HH:mm');
}

const ON_WEEKDAY_RU = [
  '',
  'в понедельник',
  'во вторник',
  'в среду',
  'в четверг',
  'в пятницу',
  'в субботу',
  'в воскресенье',
];

function onWeekday(weekday: number, lang: Language): string {
  return lang === 'en'
    ? `on ${DateTime.local()
        .set({ weekday: weekday as WeekdayNumbers })
        .setLocale('en')
        .toFormat('cccc')}`
    : ON_WEEKDAY_RU[weekday];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function toMinutes(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return h * 60 + m;
}

function formatRub(amount: number): string {
  return amount === 0 ? 'бесплатно' : `${new Intl.NumberFormat('ru-RU').format(amount)} ₽`;
}
