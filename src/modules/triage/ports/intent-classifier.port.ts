import type { TriageResult } from '../domain/triage-result';

/** One earlier message of the conversation. */
export interface ConversationTurn {
  from: 'client' | 'bot';
  text: string;
}

/** What is known around the message; it helps a classifier that reads context (the LLM). */
export interface ClassificationContext {
  /** Messages before this one, oldest first. */
  recentMessages?: ConversationTurn[];
}

/** Understands one client message. Adapters: offline rules, an LLM, and a hybrid of both. */
export abstract class IntentClassifier {
  abstract classify(text: string, context?: ClassificationContext): Promise<TriageResult>;
}
