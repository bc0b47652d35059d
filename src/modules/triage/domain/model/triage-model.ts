import { firedSignals, type RuleReading } from '../rules-intent-classifier';
import type { LabeledMessage } from '../triage-metrics';
import { INTENTS } from '../triage-result';
import {
  DEFAULT_TRAINING,
  LinearModel,
  type HeadSpec,
  type LinearModelData,
  type TrainingExample,
  type TrainingOptions,
} from './linear-model';
import { textFeatures } from './text-features';

/** Raise when features, heads or training change: models stored by an older version are then trained again. */
export const MODEL_VERSION = 'triage-linear-1';

/**
 * The heads of the triage model: the primary intent (one of ten), every intent asked for (one-vs-rest, for messages
 * that ask several things), whether a person must look, and whether the client is in a hurry.
 */
export const TRIAGE_HEADS: readonly HeadSpec[] = [
  { name: 'primary', kind: 'softmax', classes: INTENTS },
  { name: 'intents', kind: 'sigmoid', classes: INTENTS },
  { name: 'escalate', kind: 'sigmoid', classes: ['escalate'] },
  { name: 'hot', kind: 'sigmoid', classes: ['hot'] },
];

/** The words of the message and the keyword signals of the rules, which the model weighs against each other. */
export function messageFeatures(text: string, reading: RuleReading): string[] {
  return [...textFeatures(text), ...firedSignals(reading).map((signal) => `r:${signal}`)];
}

export function trainingExample(message: LabeledMessage, reading: RuleReading): TrainingExample {
  return {
    features: messageFeatures(message.text, reading),
    labels: {
      primary: [message.intent],
      intents: message.intents,
      escalate: message.escalate ? ['escalate'] : [],
      hot: message.urgency === 'hot' ? ['hot'] : [],
    },
  };
}

export function trainTriageModel(
  examples: readonly TrainingExample[],
  options: TrainingOptions = DEFAULT_TRAINING,
): LinearModelData {
  return LinearModel.train(TRIAGE_HEADS, examples, options).data;
}
