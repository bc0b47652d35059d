/**
 * The two candidate intent models the project compared (see README, "Triage"): our linear model over character
 * n-grams, stems and rule signals (one-vs-rest heads, so several intents at once), and NLP.js (a single-label neural
 * classifier with Russian stemming, made multi-intent by classifying each clause). Both get the same escalation
 * cues and the same rules for slots and urgency, so the comparison is of the intent models alone.
 */
import { containerBootstrap } from '@nlpjs/core';
import { LangRu } from '@nlpjs/lang-ru';
import { NluNeural } from '@nlpjs/nlu';
import { LinearModel } from '../src/modules/triage/domain/model/linear-model';
import { trainingExample, TRIAGE_HEADS } from '../src/modules/triage/domain/model/triage-model';
import { readMessage } from '../src/modules/triage/domain/rules-intent-classifier';
import { clauseSpans } from '../src/modules/triage/domain/russian-text';
import type { LabeledMessage } from '../src/modules/triage/domain/triage-metrics';
import { INTENTS, type Intent, type TriageResult } from '../src/modules/triage/domain/triage-result';
import { interpretScores, understandMessage } from '../src/modules/triage/domain/understand-message';

export type CandidateName = 'model' | 'nlpjs';
export type Classify = (text: string) => Promise<TriageResult> | TriageResult;

export async function trainCandidate(name: CandidateName, train: readonly LabeledMessage[]): Promise<Classify> {
  if (name === 'model') {
    const model = LinearModel.train(
      TRIAGE_HEADS,
      train.map((m) => trainingExample(m, readMessage(m.text))),
    );
    return (text) => understandMessage(text, model);
  }
  return trainNlpJs(train);
}

interface Nlu {
  train(corpus: Array<{ utterance: string; intent: string }>): Promise<void>;
  process(text: string): Promise<{ classifications: Array<{ intent: string; score: number }> }>;
}

async function trainNlpJs(train: readonly LabeledMessage[]): Promise<Classify> {
  const container = await containerBootstrap();
  container.use(LangRu);
  const nlu = new NluNeural({ locale: 'ru', container, log: false }) as unknown as Nlu;
  await nlu.train(train.map((m) => ({ utterance: m.text, intent: m.intent })));
  const scoresOf = async (text: string): Promise<Record<Intent, number>> => {
    const { classifications } = await nlu.process(text);
    const scores = Object.fromEntries(INTENTS.map((i) => [i, 0])) as Record<Intent, number>;
    for (const c of classifications) if (c.intent in scores) scores[c.intent as Intent] = c.score;
    return scores;
  };
  return async (text) => {
    const primary = await scoresOf(text);
    // NLP.js picks one intent; every clause classified on its own gives the others.
    const intents = { ...primary };
    for (const span of clauseSpans(text)) {
      const clause = text.slice(span.start, span.end);
      if (clause.trim().split(/\s+/).length < 2) continue;
      const scores = await scoresOf(clause);
      for (const i of INTENTS) intents[i] = Math.max(intents[i], scores[i]);
    }
    return interpretScores(text, readMessage(text), {
      primary,
      intents,
      escalate: { escalate: 0 },
      hot: { hot: 0 },
    });
  };
}
