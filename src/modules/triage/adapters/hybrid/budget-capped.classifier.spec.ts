import type { TriageResult } from '../../domain/triage-result';
import { IntentClassifier } from '../../ports/intent-classifier.port';
import { BudgetCappedClassifier } from './budget-capped.classifier';

const result = (source: TriageResult['source']): TriageResult => ({
  intent: 'price',
  intents: ['price'],
  confidence: 0.9,
  urgency: 'cold',
  escalate: false,
  slots: {},
  source,
});

class Counting extends IntentClassifier {
  calls = 0;
  constructor(private readonly answer: TriageResult) {
    super();
  }
  classify(): Promise<TriageResult> {
    this.calls += 1;
    return Promise.resolve(this.answer);
  }
}

describe('BudgetCappedClassifier', () => {
  it('asks the LLM while the budget lasts and only the offline model once it is spent', async () => {
    const withLlm = new Counting(result('llm'));
    const offline = new Counting(result('model'));
    let allows = true;
    const capped = new BudgetCappedClassifier(withLlm, offline, { allowsLlm: () => Promise.resolve(allows) });

    await expect(capped.classify('сколько стоит?')).resolves.toMatchObject({ source: 'llm' });
    allows = false;
    await expect(capped.classify('сколько стоит?')).resolves.toMatchObject({ source: 'model' });
    await expect(capped.classify('а где вы?')).resolves.toMatchObject({ source: 'model' });
    expect([withLlm.calls, offline.calls]).toEqual([1, 2]);
    expect(capped.readsContext).toBe(true);
  });
});
