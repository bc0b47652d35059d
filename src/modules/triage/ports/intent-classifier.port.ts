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
  /** Where the dialog stands: what the client is booking, what the bot offered and what it waits for. */
  dialog?: DialogSummary;
  /** The client's names as we know them (the contact's name): masked with the rest before text leaves. */
  knownNames?: string[];
}

export interface DialogSummary {
  service?: string;
  /** The slot labels the bot offered, as the client sees them. */
  offered?: string[];
  awaiting?: string;
  /** The bot waits for a yes or a no to cancelling a visit. */
  confirmingCancel?: boolean;
}

/** Understands one client message. Adapters: the offline model, the rules, an LLM, and a hybrid of both. */
export abstract class IntentClassifier {
  /** Whether it reads the context: when not, the caller need not load the conversation for it. */
  readonly readsContext: boolean = false;
  abstract classify(text: string, context?: ClassificationContext): Promise<TriageResult>;
}
