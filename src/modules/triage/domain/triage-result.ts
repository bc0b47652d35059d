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
export type TriageSource = 'llm' | 'rules';

export interface TriageSlots {
  service?: string;
  date?: string;
  time?: string;
  name?: string;
  phone?: string;
}

export interface TriageResult {
  intent: Intent;
  /** 0..1: how sure the classifier is; low confidence hands the conversation to a human later. */
  confidence: number;
  urgency: Urgency;
  escalate: boolean;
  slots: TriageSlots;
  /** Who answered: the hybrid classifier falls back to the offline rules when the LLM cannot. */
  source?: TriageSource;
}
