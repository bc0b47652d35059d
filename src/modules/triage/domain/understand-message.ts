import { escalationCues } from './escalation-cues';
import { detectLanguage } from './language';
import type { LinearModel } from './model/linear-model';
import { messageFeatures } from './model/triage-model';
import { detailsFor, readMessage, type RuleReading } from './rules-intent-classifier';
import {
  byPriority,
  INTENT_PRIORITY,
  INTENTS,
  type EscalationReason,
  type Intent,
  type TriageResult,
} from './triage-result';

export interface UnderstandingThresholds {
  /** A second intent counts when its one-vs-rest probability reaches this. */
  secondary: number;
  /** The model alone escalates from this probability (the cue lexicon escalates regardless). */
  escalate: number;
  /** Below this confidence in the primary intent the bot asks instead of guessing. */
  clarify: number;
  /** The model alone makes a message hot from this probability (the rules make it hot regardless). */
  hot: number;
  /**
   * An intent of higher labelling priority than the likeliest one becomes primary when its one-vs-rest probability
   * reaches this ("хочу записаться, сколько стоит?" is a booking first); 1 turns it off.
   */
  priority: number;
  /** A second consultation, complaint or request for a person hands the message over from this probability. */
  person: number;
}

/** Chosen by cross-validation on the training part (scripts/tune-triage.ts), never on the held-out part. */
export const DEFAULT_THRESHOLDS: UnderstandingThresholds = {
  secondary: 0.25,
  escalate: 0.3,
  clarify: 0.3,
  hot: 0.8,
  priority: 0.6,
  person: 0.25,
};

const PERSON_INTENTS: ReadonlySet<Intent> = new Set(['consultation', 'complaint', 'human']);
const CLARIFY_OPTIONS = 3;
/** Below this a message the model calls spam is answered after all (with a question): a client is never dropped on a guess. */
const SPAM_SURE = 0.5;

/**
 * Understands one client message offline: the learned model picks the intents, the escalation cues and the model
 * decide together whether a person must look (either is enough), and the rules read the slots and the urgency.
 */
export function understandMessage(
  text: string,
  model: LinearModel,
  thresholds: UnderstandingThresholds = DEFAULT_THRESHOLDS,
): TriageResult {
  const reading = readMessage(text);
  return interpretScores(
    text,
    reading,
    model.predict(messageFeatures(text, reading)) as unknown as ModelScores,
    thresholds,
  );
}

/** What an intent model says of a message: the heads of TRIAGE_HEADS. */
export interface ModelScores {
  primary: Record<Intent, number>;
  intents: Record<Intent, number>;
  escalate: { escalate: number };
  hot: { hot: number };
}

/** Turns a model's scores into the triage result, with the escalation cues and the rules' slots and urgency. */
export function interpretScores(
  text: string,
  reading: RuleReading,
  scores: ModelScores,
  thresholds: UnderstandingThresholds = DEFAULT_THRESHOLDS,
): TriageResult {
  const primaryScores = scores.primary;
  const likeliest = INTENTS.reduce((best, i) => (primaryScores[i] > primaryScores[best] ? i : best), INTENTS[0]);
  const chosen =
    INTENT_PRIORITY.slice(0, INTENT_PRIORITY.indexOf(likeliest)).find(
      (i) => scores.intents[i] >= thresholds.priority,
    ) ?? likeliest;
  // Spam gets no answer at all: only when the model is sure; otherwise the next likeliest, and the bot asks.
  const unsureSpam = chosen === 'spam' && primaryScores.spam < SPAM_SURE;
  const intent: Intent = unsureSpam
    ? INTENTS.filter((i) => i !== 'spam').reduce((a, b) => (primaryScores[b] > primaryScores[a] ? b : a))
    : chosen;
  const confidence = round(
    unsureSpam ? Math.min(primaryScores[intent], thresholds.clarify - 0.01) : primaryScores[intent],
  );
  const intents = intentSet(intent, scores.intents, thresholds.secondary);
  const details = detailsFor(reading, intent);
  const lang = detectLanguage(text);
  if (intent === 'spam') {
    return { intent, intents, confidence, urgency: 'cold', escalate: false, slots: {}, lang, source: 'model' };
  }

  const cues = escalationCues(reading.norm.text, text);
  const reason: EscalationReason | null =
    cues.reason ??
    personReason(intent, scores.intents, thresholds.person) ??
    (details.abuse ? 'abuse' : null) ??
    (details.symptom ? 'symptom' : null) ??
    (scores.escalate.escalate >= thresholds.escalate ? 'medical' : null);
  const hot = details.urgency === 'hot' || scores.hot.hot >= thresholds.hot || cues.redFlag;
  const result: TriageResult = {
    intent,
    intents,
    confidence,
    urgency: hot ? 'hot' : 'cold',
    escalate: reason !== null,
    slots: details.slots,
    lang,
    source: 'model',
  };
  if (reason) result.escalation = reason;
  if (reason && !cues.reason && !details.symptom && !details.abuse) result.escalationGuessed = true;
  if (cues.redFlag) result.redFlag = true;
  if (!reason && confidence < thresholds.clarify) result.clarify = clarifyOptions(primaryScores);
  return result;
}

function intentSet(primary: Intent, scores: Record<Intent, number>, threshold: number): Intent[] {
  if (primary === 'spam') return ['spam'];
  const others = INTENTS.filter((i) => i !== primary && i !== 'spam' && i !== 'other' && scores[i] >= threshold);
  return [primary, ...byPriority(others)];
}

/** A consultation, complaint or request for a person: the primary intent, or a second one the model is sure of. */
function personReason(primary: Intent, scores: Record<Intent, number>, threshold: number): EscalationReason | null {
  if (PERSON_INTENTS.has(primary)) return primary as EscalationReason;
  // Asking for a person is said outright; a phone number in the text makes the model think of it too often.
  const second = [...PERSON_INTENTS].find((i) => scores[i] >= (i === 'human' ? Math.max(threshold, 0.5) : threshold));
  return second ? (second as EscalationReason) : null;
}

/** The likeliest things the client may mean, for the buttons of a clarifying question. */
function clarifyOptions(scores: Record<Intent, number>): Intent[] {
  return [...INTENTS]
    .filter((i) => i !== 'spam' && i !== 'other')
    .sort((a, b) => scores[b] - scores[a])
    .slice(0, CLARIFY_OPTIONS);
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * The escalation cues and the language for a result another classifier (the LLM) produced: the safety net runs on
 * every message, whoever classified it.
 */
export function withSafetyNet(result: TriageResult, text: string): TriageResult {
  const out: TriageResult = { ...result, lang: result.lang ?? detectLanguage(text) };
  if (result.intent === 'spam') return out;
  const cues = escalationCues(readMessage(text).norm.text, text);
  const reason = cues.reason ?? personReason(result.intent, {} as Record<Intent, number>, 1) ?? null;
  if (reason) {
    out.escalate = true;
    out.escalation = result.escalation ?? reason;
  } else if (result.escalate) {
    out.escalation = result.escalation ?? 'consultation';
  }
  if (cues.redFlag) {
    out.redFlag = true;
    out.escalation = 'red_flag';
    out.urgency = 'hot';
  }
  return out;
}
