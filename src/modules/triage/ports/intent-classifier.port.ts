import type { TriageResult } from '../domain/triage-result';

/** Understands one client message. Adapters: offline rules now, an LLM later. */
export abstract class IntentClassifier {
  abstract classify(text: string): Promise<TriageResult>;
}
