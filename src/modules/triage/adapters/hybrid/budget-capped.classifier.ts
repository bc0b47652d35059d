import type { TriageResult } from '../../domain/triage-result';
import { IntentClassifier, type ClassificationContext } from '../../ports/intent-classifier.port';
import type { LlmBudgetGate } from '../../ports/llm-spend.port';

/** The LLM-backed classifier while the day's LLM budget lasts, the offline model once it is spent. */
export class BudgetCappedClassifier extends IntentClassifier {
  override readonly readsContext = true;

  constructor(
    private readonly withLlm: IntentClassifier,
    private readonly offline: IntentClassifier,
    private readonly budget: LlmBudgetGate,
  ) {
    super();
  }

  async classify(text: string, context?: ClassificationContext): Promise<TriageResult> {
    if (await this.budget.allowsLlm()) return this.withLlm.classify(text, context);
    const result = await this.offline.classify(text, context);
    return { ...result, source: result.source ?? 'model' };
  }
}
