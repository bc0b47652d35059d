import { Injectable } from '@nestjs/common';
import { classifyMessage } from '../../domain/rules-intent-classifier';
import type { TriageResult } from '../../domain/triage-result';
import { IntentClassifier } from '../../ports/intent-classifier.port';

/** Offline Russian rules: no network, no credentials, answers in microseconds. Reads only the message itself. */
@Injectable()
export class RulesIntentClassifier extends IntentClassifier {
  classify(text: string): Promise<TriageResult> {
    return Promise.resolve({ ...classifyMessage(text), source: 'rules' });
  }
}
