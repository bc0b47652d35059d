import {
  multiIntentSetRecall,
  accuracy,
  confusionMatrix,
  escalateRecall,
  evaluate,
  intentMetrics,
  macroF1,
  parseLabeledJsonl,
  slotExactMatch,
  summaryLine,
} from './triage-metrics';
import { Intent, TriageResult } from './triage-result';

describe('triage metrics', () => {
  const expected: Intent[] = ['booking', 'booking', 'price', 'spam'];
  const predicted: Intent[] = ['booking', 'price', 'price', 'other'];

  it('computes accuracy', () => {
    expect(accuracy(expected, predicted)).toBe(0.5);
    expect(accuracy([], [])).toBe(0);
  });

  it('computes per-intent precision, recall, f1 and support', () => {
    const m = intentMetrics(expected, predicted, ['booking', 'price', 'spam', 'other']);
    expect(m[0]).toEqual({ intent: 'booking', precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
    expect(m[1]).toEqual({ intent: 'price', precision: 0.5, recall: 1, f1: 2 / 3, support: 1 });
    expect(m[2]).toEqual({ intent: 'spam', precision: 0, recall: 0, f1: 0, support: 1 });
    expect(m[3]).toMatchObject({ intent: 'other', precision: 0, support: 0 });
  });

  it('averages f1 over intents that occur in the labels', () => {
    const m = intentMetrics(expected, predicted, ['booking', 'price', 'spam', 'other']);
    expect(macroF1(m)).toBeCloseTo((2 / 3 + 2 / 3 + 0) / 3);
  });

  it('builds a confusion matrix with expected rows and predicted columns', () => {
    expect(confusionMatrix(expected, predicted, ['booking', 'price', 'spam', 'other'])).toEqual([
      [1, 1, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 1],
      [0, 0, 0, 0],
    ]);
  });

  it('computes escalate recall over the messages labelled escalate', () => {
    expect(escalateRecall([true, true, false, true], [true, false, true, true])).toBeCloseTo(2 / 3);
    expect(escalateRecall([false], [true])).toBe(1);
  });

  it('compares slots per kind, ignoring case and slots absent on both sides', () => {
    const rows = slotExactMatch(
      [{ date: 'Завтра', name: 'Катя' }, { date: 'в пт' }, {}],
      [{ date: 'завтра' }, { date: 'в пт', time: 'в 5' }, {}],
    );
    const byKind = Object.fromEntries(rows.map((r) => [r.kind, r]));
    expect(byKind.date).toMatchObject({ total: 2, matched: 2, rate: 1 });
    expect(byKind.name).toMatchObject({ total: 1, matched: 0, rate: 0 });
    expect(byKind.time).toMatchObject({ total: 1, matched: 0 });
    expect(byKind.phone).toMatchObject({ total: 0, rate: 0 });
  });

  it('parses JSONL and reports the first bad line', () => {
    const ok = parseLabeledJsonl(
      '{"text":"сколько?","intent":"price","urgency":"cold","slots":{},"escalate":false}\n\n',
    );
    expect(ok).toEqual([
      {
        text: 'сколько?',
        business: undefined,
        intent: 'price',
        intents: ['price'],
        urgency: 'cold',
        slots: {},
        escalate: false,
        redFlag: false,
        lang: 'ru',
      },
    ]);
    expect(() => parseLabeledJsonl('{"text":"a","intent":"price"}\nnot json')).toThrow('line 2: invalid JSON');
    expect(() => parseLabeledJsonl('{"text":"a","intent":"nope"}')).toThrow('line 1');
  });

  it('summarises an evaluation in one line with three decimals', () => {
    const gold = parseLabeledJsonl(
      [
        '{"text":"a","intent":"human","urgency":"cold","slots":{},"escalate":true}',
        '{"text":"b","intent":"other","urgency":"cold","slots":{},"escalate":false}',
      ].join('\n'),
    );
    const preds: TriageResult[] = [
      { intent: 'human', intents: ['human'], confidence: 0.9, urgency: 'cold', escalate: true, slots: {} },
      { intent: 'human', intents: ['human'], confidence: 0.9, urgency: 'hot', escalate: true, slots: {} },
    ];
    const s = evaluate(gold, preds);
    expect(s.urgencyAccuracy).toBe(0.5);
    expect(summaryLine(s)).toBe(
      'accuracy=0.500 macro_f1=0.333 escalate_recall=1.000 false_escalations=1.000 multi_intent_recall=1.000 clarifications=0.000',
    );
  });

  it('reads several intents, primary first, and counts how many of them were found', () => {
    const gold = parseLabeledJsonl(
      '{"text":"почём и где вы","intents":["price","address"],"urgency":"cold","slots":{},"escalate":false,"red_flag":false,"lang":"ru"}',
    );
    expect(gold[0]).toMatchObject({ intent: 'price', intents: ['price', 'address'] });
    const found: TriageResult = {
      intent: 'price',
      intents: ['price'],
      confidence: 0.9,
      urgency: 'cold',
      escalate: false,
      slots: {},
    };
    expect(multiIntentSetRecall(gold, [found])).toBe(0.5);
    expect(multiIntentSetRecall(gold, [{ ...found, intents: ['price', 'address'] }])).toBe(1);
  });

  it('counts a clarifying question as a wrong answer', () => {
    const gold = parseLabeledJsonl('{"text":"a","intent":"price","urgency":"cold","slots":{},"escalate":false}');
    const unsure: TriageResult = {
      intent: 'price',
      intents: ['price'],
      confidence: 0.2,
      urgency: 'cold',
      escalate: false,
      slots: {},
      clarify: ['price', 'booking'],
    };
    const s = evaluate(gold, [unsure]);
    expect(s.accuracy).toBe(0);
    expect(s.clarificationRate).toBe(1);
  });
});
