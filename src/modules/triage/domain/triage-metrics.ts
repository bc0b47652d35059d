/**
 * Evaluation metrics for the triage classifier. Pure functions, used by scripts/eval-triage.ts.
 */
import { byPriority, Intent, INTENTS, Language, TriageResult, TriageSlots, Urgency } from './triage-result';

/**
 * One labelled message. Two line formats are read: the corpus of data/triage (`intents`, several allowed, primary
 * first; `red_flag`; `lang`) and the older one of shared/corpus (one `intent`).
 */
export interface LabeledMessage {
  text: string;
  business?: string;
  /** The primary intent. */
  intent: Intent;
  /** Every intent the message asks for, primary first. */
  intents: Intent[];
  urgency: Urgency;
  slots: TriageSlots;
  escalate: boolean;
  redFlag: boolean;
  lang: Language;
}

export interface IntentMetrics {
  intent: Intent;
  precision: number;
  recall: number;
  f1: number;
  /** Number of messages labelled with this intent. */
  support: number;
}

export const SLOT_KINDS = ['service', 'date', 'time', 'name', 'phone'] as const;
export type SlotKind = (typeof SLOT_KINDS)[number];

export interface SlotMatch {
  kind: SlotKind;
  /** Messages where the label or the prediction has this slot. */
  total: number;
  /** Of those, how many agree exactly (case-insensitive, trimmed; absent on both sides never counts). */
  matched: number;
  rate: number;
}

const safeDiv = (a: number, b: number): number => (b === 0 ? 0 : a / b);

function isIntent(value: unknown): value is Intent {
  return typeof value === 'string' && (INTENTS as readonly string[]).includes(value);
}

/** Parses a JSONL corpus; throws an Error naming the first bad line. */
export function parseLabeledJsonl(content: string): LabeledMessage[] {
  const out: LabeledMessage[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1}: invalid JSON`);
    }
    const r = raw as Record<string, unknown>;
    const listed = Array.isArray(r.intents) ? (r.intents as unknown[]) : [r.intent];
    if (typeof r.text !== 'string' || listed.length === 0 || !listed.every(isIntent)) {
      throw new Error(`line ${i + 1}: expected "text" and a known "intent" or "intents"`);
    }
    const intents = [listed[0], ...byPriority(listed.slice(1))].filter((v, k, all) => all.indexOf(v) === k);
    out.push({
      text: r.text,
      business: typeof r.business === 'string' ? r.business : undefined,
      intent: intents[0],
      intents,
      urgency: r.urgency === 'hot' ? 'hot' : 'cold',
      slots: (r.slots && typeof r.slots === 'object' ? r.slots : {}) as TriageSlots,
      escalate: r.escalate === true || r.red_flag === true,
      redFlag: r.red_flag === true,
      lang: r.lang === 'en' ? 'en' : 'ru',
    });
  });
  return out;
}

export function accuracy<T>(expected: readonly T[], predicted: readonly T[]): number {
  const hits = expected.filter((e, i) => e === predicted[i]).length;
  return safeDiv(hits, expected.length);
}

export function intentMetrics(
  expected: readonly Intent[],
  predicted: readonly Intent[],
  labels: readonly Intent[] = INTENTS,
): IntentMetrics[] {
  return labels.map((intent) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    expected.forEach((e, i) => {
      const p = predicted[i];
      if (e === intent && p === intent) tp += 1;
      else if (p === intent) fp += 1;
      else if (e === intent) fn += 1;
    });
    const precision = safeDiv(tp, tp + fp);
    const recall = safeDiv(tp, tp + fn);
    return { intent, precision, recall, f1: safeDiv(2 * precision * recall, precision + recall), support: tp + fn };
  });
}

/** Mean F1 over the intents that occur in the labels. */
export function macroF1(metrics: readonly IntentMetrics[]): number {
  const present = metrics.filter((m) => m.support > 0);
  return safeDiv(
    present.reduce((sum, m) => sum + m.f1, 0),
    present.length,
  );
}

/** matrix[i][j] = messages labelled labels[i] and predicted labels[j]. */
export function confusionMatrix(
  expected: readonly Intent[],
  predicted: readonly Intent[],
  labels: readonly Intent[] = INTENTS,
): number[][] {
  const matrix = labels.map(() => labels.map(() => 0));
  expected.forEach((e, i) => {
    const row = labels.indexOf(e);
    const col = labels.indexOf(predicted[i]);
    if (row >= 0 && col >= 0) matrix[row][col] += 1;
  });
  return matrix;
}

/** Of the messages labelled escalate=true, the share the classifier flagged. 1 when there are none. */
export function escalateRecall(expected: readonly boolean[], predicted: readonly boolean[]): number {
  const positives = expected.map((e, i) => (e ? i : -1)).filter((i) => i >= 0);
  if (positives.length === 0) return 1;
  return positives.filter((i) => predicted[i]).length / positives.length;
}

const norm = (v: string | undefined): string => (v ?? '').trim().toLowerCase().replace(/ё/g, 'е');

export function slotExactMatch(expected: readonly TriageSlots[], predicted: readonly TriageSlots[]): SlotMatch[] {
  return SLOT_KINDS.map((kind) => {
    let total = 0;
    let matched = 0;
    expected.forEach((e, i) => {
      const a = e[kind];
      const b = predicted[i]?.[kind];
      if (a === undefined && b === undefined) return;
      total += 1;
      if (norm(a) === norm(b)) matched += 1;
    });
    return { kind, total, matched, rate: safeDiv(matched, total) };
  });
}

/** Of the messages not labelled escalate, the share the classifier escalated. */
export function falseEscalationRate(expected: readonly boolean[], predicted: readonly boolean[]): number {
  const negatives = expected.map((e, i) => (e ? -1 : i)).filter((i) => i >= 0);
  return safeDiv(negatives.filter((i) => predicted[i]).length, negatives.length);
}

/** Over the messages labelled with two or more intents, the share of those intents the classifier found. */
export function multiIntentSetRecall(gold: readonly LabeledMessage[], predictions: readonly TriageResult[]): number {
  let labelled = 0;
  let found = 0;
  gold.forEach((g, i) => {
    if (g.intents.length < 2) return;
    labelled += g.intents.length;
    found += g.intents.filter((intent) => predictions[i].intents.includes(intent)).length;
  });
  return labelled === 0 ? 1 : found / labelled;
}

export interface EvaluationSummary {
  /** Primary intent right; a clarifying question counts as wrong. */
  accuracy: number;
  macroF1: number;
  escalateRecall: number;
  falseEscalations: number;
  multiIntentRecall: number;
  clarificationRate: number;
  redFlagRecall: number;
  urgencyAccuracy: number;
  perIntent: IntentMetrics[];
  confusion: number[][];
  slots: SlotMatch[];
}

export function evaluate(gold: readonly LabeledMessage[], predictions: readonly TriageResult[]): EvaluationSummary {
  const expectedIntents = gold.map((g) => g.intent);
  const answered = predictions.map((p) => (p.clarify ? undefined : p.intent));
  const predictedIntents = predictions.map((p) => p.intent);
  const perIntent = intentMetrics(expectedIntents, answered as Intent[]);
  const redFlags = gold.map((g, i) => (g.redFlag ? i : -1)).filter((i) => i >= 0);
  return {
    accuracy: accuracy(expectedIntents, answered),
    macroF1: macroF1(perIntent),
    escalateRecall: escalateRecall(
      gold.map((g) => g.escalate),
      predictions.map((p) => p.escalate),
    ),
    falseEscalations: falseEscalationRate(
      gold.map((g) => g.escalate),
      predictions.map((p) => p.escalate),
    ),
    multiIntentRecall: multiIntentSetRecall(gold, predictions),
    clarificationRate: safeDiv(predictions.filter((p) => p.clarify).length, predictions.length),
    redFlagRecall:
      redFlags.length === 0 ? 1 : safeDiv(redFlags.filter((i) => predictions[i].redFlag).length, redFlags.length),
    urgencyAccuracy: accuracy(
      gold.map((g) => g.urgency),
      predictions.map((p) => p.urgency),
    ),
    perIntent,
    confusion: confusionMatrix(expectedIntents, predictedIntents),
    slots: slotExactMatch(
      gold.map((g) => g.slots),
      predictions.map((p) => p.slots),
    ),
  };
}

/** The machine-readable last line of the eval output. */
export function summaryLine(
  s: Pick<
    EvaluationSummary,
    'accuracy' | 'macroF1' | 'escalateRecall' | 'falseEscalations' | 'multiIntentRecall' | 'clarificationRate'
  >,
): string {
  return (
    `accuracy=${s.accuracy.toFixed(3)} macro_f1=${s.macroF1.toFixed(3)} escalate_recall=${s.escalateRecall.toFixed(3)}` +
    ` false_escalations=${s.falseEscalations.toFixed(3)} multi_intent_recall=${s.multiIntentRecall.toFixed(3)}` +
    ` clarifications=${s.clarificationRate.toFixed(3)}`
  );
}
