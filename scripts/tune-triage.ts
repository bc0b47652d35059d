/**
 * Chooses the model's settings by k-fold cross-validation on the TRAINING part only (the held-out part is never
 * read here): trains on k-1 folds, judges on the last, for every candidate setting, and prints the mean figures.
 *
 *   npx ts-node --transpile-only scripts/tune-triage.ts [--folds 5]
 */
import { readCorpusPart } from '../src/modules/triage/adapters/model/triage-corpus.reader';
import { LinearModel } from '../src/modules/triage/domain/model/linear-model';
import { trainingExample, TRIAGE_HEADS } from '../src/modules/triage/domain/model/triage-model';
import { readMessage } from '../src/modules/triage/domain/rules-intent-classifier';
import { evaluate, type LabeledMessage } from '../src/modules/triage/domain/triage-metrics';
import { DEFAULT_THRESHOLDS, understandMessage } from '../src/modules/triage/domain/understand-message';

const folds = Number(process.argv[process.argv.indexOf('--folds') + 1]) || 5;
const train = readCorpusPart('train');
const examples = train.map((m) => trainingExample(m, readMessage(m.text)));

const base = DEFAULT_THRESHOLDS;
const grid = [base, { ...base, person: 0.25 }, { ...base, person: 0.3 }, { ...base, person: 0.4 }];

const sums = grid.map(() => new Map<string, number>());
for (let f = 0; f < folds; f += 1) {
  const inFold = (i: number): boolean => i % folds === f;
  const model = LinearModel.train(
    TRIAGE_HEADS,
    examples.filter((_, i) => !inFold(i)),
  );
  const test: LabeledMessage[] = train.filter((_, i) => inFold(i));
  grid.forEach((thresholds, g) => {
    const s = evaluate(
      test,
      test.map((m) => understandMessage(m.text, model, thresholds)),
    );
    for (const [k, v] of Object.entries(s))
      if (typeof v === 'number') sums[g].set(k, (sums[g].get(k) ?? 0) + v / folds);
  });
}
console.log(`training part: ${train.length} messages, ${folds}-fold cross-validation`);
grid.forEach((thresholds, g) => {
  const m = Object.fromEntries(sums[g]);
  console.log(
    JSON.stringify(thresholds),
    Object.entries(m)
      .map(([k, v]) => `${k}=${v.toFixed(3)}`)
      .join(' '),
    thresholds === base ? '(default)' : '',
  );
});
