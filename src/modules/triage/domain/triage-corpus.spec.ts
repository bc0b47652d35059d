import { readFileSync } from 'node:fs';
import path from 'node:path';
import { classifyMessage } from './rules-intent-classifier';
import { evaluate, parseLabeledJsonl } from './triage-metrics';

/** The acceptance bar of triage v0 on the labelled dev corpus (a copy of shared/corpus/triage-dev.jsonl). */
describe('rule classifier on the labelled corpus', () => {
  const corpus = parseLabeledJsonl(
    readFileSync(path.resolve(__dirname, '../../../../test/fixtures/triage-dev.jsonl'), 'utf8'),
  );
  const summary = evaluate(
    corpus,
    corpus.map((m) => classifyMessage(m.text)),
  );

  it('reaches accuracy >= 0.70 and flags most messages that need a human', () => {
    expect(corpus).toHaveLength(240);
    expect(summary.accuracy).toBeGreaterThanOrEqual(0.7);
    expect(summary.escalateRecall).toBeGreaterThanOrEqual(0.85);
  });
});
