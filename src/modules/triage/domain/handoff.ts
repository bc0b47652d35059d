import type { TriageResult } from './triage-result';

const HUMAN_INTENTS = new Set(['consultation', 'complaint', 'human']);
/** Below this the bot is guessing: a person answers better than a wrong template. */
export const LOW_CONFIDENCE = 0.35;

/**
 * Why a person must take the conversation over, or null when the bot may answer. Consultations (symptoms,
 * contraindications, legal questions), complaints and explicit requests for a person always go to a human, and so
 * does a message the classifier could not place (except small talk, which the menu handles).
 */
export function handoffReason(triage: TriageResult): string | null {
  if (triage.escalate) return 'escalate';
  if (HUMAN_INTENTS.has(triage.intent)) return triage.intent;
  if (triage.confidence < LOW_CONFIDENCE && triage.intent !== 'other' && triage.intent !== 'spam') {
    return 'low-confidence';
  }
  return null;
}
