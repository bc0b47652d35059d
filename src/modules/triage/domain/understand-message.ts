import { escalationCues } from './escalation-cues';
import { detectLanguage } from './language';
import type { LinearModel } from './model/linear-model';
import { messageFeatures } from './model/triage-model';
import { detailsFor, readMessage } from './rules-intent-classifier';
import { byPriority, INTENTS, type EscalationReason, type Intent, type TriageResult } from './triage-result';

export interface UnderstandingThresholds {
  /** A second intent counts when its one-vs-rest probability reaches this. */
  secondary: number;
  /** The model alone escalates from this probability (the cue lexicon escalates regardless). */
  escalate: number;
  /** Below this confidence in the primary intent the bot asks instead of guessing. */
  clarify: number;
  /** The model alone makes a message hot from this probability (the rules make it hot regardless). */
  hot: number;
}

/** Chosen by cross-validation on the training part (scripts/tune-triage.ts), never on the held-out part. */
export const DEFAULT_THRESHOLDS: UnderstandingThresholds = { secondary: 0.5, escalate: 0.3, clarify: 0.3, hot: 0.8 };

const PERSON_INTENTS: ReadonlySet<Intent> = new Set(['consultation', 'complaint', 'human']);
const CLARIFY_OPTIONS = 3;

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
  const scores = model.predict(messageFeatures(text, reading));
  const primaryScores = scores.primary as Record<Intent, number>;
  const intent = INTENTS.reduce((best, i) => (primaryScores[i] > primaryScores[best] ? i : best), INTENTS[0]);
  const confidence = round(primaryScores[intent]);
  const intents = intentSet(intent, scores.intents as Record<Intent, number>, thresholds.secondary);
  const details = detailsFor(reading, intent);
  const lang = detectLanguage(text);
  if (intent === 'spam') {
    return { intent, intents, confidence, urgency: 'cold', escalate: false, slots: {}, lang, source: 'model' };
  }

  const cues = escalationCues(reading.norm.text, text);
  const reason: EscalationReason | null =
    cues.reason ??
    personReason(intents) ??
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
  if (cues.redFlag) result.redFlag = true;
  if (!reason && confidence < thresholds.clarify) result.clarify = clarifyOptions(primaryScores);
  return result;
}

function intentSet(primary: Intent, scores: Record<Intent, number>, threshold: number): Intent[] {
  if (primary === 'spam') return ['spam'];
  const others = INTENTS.filter((i) => i !== primary && i !== 'spam' && i !== 'other' && scores[i] >= threshold);
  return [primary, ...byPriority(others)];
}

function personReason(intents: readonly Intent[]): EscalationReason | null {
  const intent = intents.find((i) => PERSON_INTENTS.has(i));
  return intent ? (intent as EscalationReason) : null;
}

/** The likeliest things the client may mean, for the buttons of a clarifying question. */
function clarifyOptions(scores: Record<Intent, number>): Intent[] {
  return [...INTENTS]
    .filter((i) => i !== 'spam' && i !== 'other')
    .sort((a, b) => scores[b] - scores[a])
    .slice(0, CLARIFY_OPTIONS);
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
