import { readMessage } from '../rules-intent-classifier';
import { evaluate, type EvaluationSummary, type LabeledMessage } from '../triage-metrics';
import { understandMessage } from '../understand-message';
import { LinearModel, type LinearModelData } from './linear-model';
import { trainingExample, trainTriageModel } from './triage-model';

export interface TrainingRequest {
  train: readonly LabeledMessage[];
  heldout: readonly LabeledMessage[];
}

export interface HeldoutFigures {
  messages: number;
  accuracy: number;
  macroF1: number;
  escalateRecall: number;
  falseEscalations: number;
  multiIntentRecall: number;
  clarificationRate: number;
}

export interface TrainedModel {
  data: LinearModelData;
  /** How the model does on the held-out part, which it never saw. */
  heldout: HeldoutFigures;
  trainedOn: number;
  trainingMs: number;
}

/** Trains on the training part and judges the result on the held-out part. CPU-bound: run it off the event loop. */
export function trainAndJudge(request: TrainingRequest): TrainedModel {
  const started = Date.now();
  const data = trainTriageModel(request.train.map((m) => trainingExample(m, readMessage(m.text))));
  const model = new LinearModel(data);
  const trainingMs = Date.now() - started;
  const summary = evaluate(
    request.heldout,
    request.heldout.map((m) => understandMessage(m.text, model)),
  );
  return { data, heldout: figures(summary, request.heldout.length), trainedOn: request.train.length, trainingMs };
}

function figures(s: EvaluationSummary, messages: number): HeldoutFigures {
  return {
    messages,
    accuracy: s.accuracy,
    macroF1: s.macroF1,
    escalateRecall: s.escalateRecall,
    falseEscalations: s.falseEscalations,
    multiIntentRecall: s.multiIntentRecall,
    clarificationRate: s.clarificationRate,
  };
}

/**
 * A retrained model replaces the running one only if it still catches the people who need a person
 * (escalation recall at least 0.97 on the held-out part) and is not less accurate than the one it replaces.
 */
export function mayReplace(candidate: HeldoutFigures, current: HeldoutFigures | null): boolean {
  if (candidate.escalateRecall < 0.97) return false;
  return current === null || candidate.accuracy >= current.accuracy;
}
