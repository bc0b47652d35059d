export const INTENTS = [
  'booking',
  'cancel',
  'reschedule',
  'price',
  'address',
  'consultation',
  'human',
  'complaint',
  'spam',
  'other',
] as const;

export type Intent = (typeof INTENTS)[number];
export type Urgency = 'hot' | 'cold';
/** Which classifier produced a result. */
export type TriageSource = 'llm' | 'model' | 'rules';
export type Language = 'ru' | 'en';

/**
 * The labelling priority of the corpus: when a message asks for several things, the first of these it asks for is
 * its primary intent, and the others follow in this order.
 */
export const INTENT_PRIORITY: readonly Intent[] = [
  'spam',
  'complaint',
  'human',
  'reschedule',
  'cancel',
  'booking',
  'consultation',
  'price',
  'address',
  'other',
];

/** Why a person must look at the message. */
export type EscalationReason =
  | 'red_flag'
  /** A symptom now (pain, fever, a rash): a clinic books it with urgency, any other business hands it over. */
  | 'symptom'
  /** A condition, medication, pregnancy, an allergy, a contraindication question. */
  | 'medical'
  | 'legal'
  | 'complaint'
  | 'human'
  | 'abuse'
  | 'consultation'
  /** The agency's scenario sends this intent to a person. */
  | 'scenario';

export interface TriageSlots {
  service?: string;
  date?: string;
  time?: string;
  name?: string;
  phone?: string;
}

export interface TriageResult {
  /** The primary intent: the first of `intents`. */
  intent: Intent;
  /** Everything the message asks for, primary first, the rest in INTENT_PRIORITY order. */
  intents: Intent[];
  /** 0..1: how sure the classifier is of the primary intent. */
  confidence: number;
  urgency: Urgency;
  escalate: boolean;
  /** Set when `escalate` is: why a person must look. */
  escalation?: EscalationReason;
  /** The escalation rests on the model's reading alone, not on a cue word (the safety net). */
  escalationGuessed?: boolean;
  /** An acute emergency: the client is told to call 103 or 112 at once. */
  redFlag?: boolean;
  /**
   * The classifier is unsure: the bot asks which of these the client means instead of guessing. Absent when it is
   * sure enough or when the message must go to a person anyway.
   */
  clarify?: Intent[];
  /** The language the client wrote in; the reply uses it. */
  lang?: Language;
  slots: TriageSlots;
  /** Who answered: the hybrid classifier falls back to the offline model when the LLM cannot. */
  source?: TriageSource;
}

/** Orders intents by INTENT_PRIORITY, without duplicates. */
export function byPriority(intents: Iterable<Intent>): Intent[] {
  const set = new Set(intents);
  return INTENT_PRIORITY.filter((i) => set.has(i));
}
