import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { LinearModel } from '../../domain/model/linear-model';
import { mayReplace, type HeldoutFigures, type TrainedModel } from '../../domain/model/triage-training';
import type { LabeledMessage } from '../../domain/triage-metrics';
import type { TriageResult } from '../../domain/triage-result';
import { understandMessage } from '../../domain/understand-message';
import { IntentClassifier } from '../../ports/intent-classifier.port';
import { readCorpusPart } from './triage-corpus.reader';
import { TriageModelTrainer } from './triage-model.trainer';

interface RunningModel {
  model: LinearModel;
  heldout: HeldoutFigures;
  /** The training examples it learned beyond the corpus (corrections, added phrases), as a version mark. */
  extraThrough: number;
}

/**
 * The offline triage: a linear model learned from data/triage (and the corrections made through the admin API),
 * trained in a worker thread at start-up and whenever the training examples change. Until the first model is ready a
 * message waits for it (about a second at start-up).
 */
@Injectable()
export class ModelIntentClassifier extends IntentClassifier implements OnApplicationBootstrap {
  private readonly logger = new Logger(ModelIntentClassifier.name);
  private readonly corpus = readCorpusPart('train');
  private readonly heldout = readCorpusPart('heldout');
  private running: Promise<RunningModel> | null = null;

  constructor(private readonly trainer: TriageModelTrainer) {
    super();
  }

  onApplicationBootstrap(): void {
    void this.current().catch((error: Error) =>
      this.logger.error(`the triage model failed to train: ${error.message}`),
    );
  }

  async classify(text: string): Promise<TriageResult> {
    const { model } = await this.current();
    return understandMessage(text, model);
  }

  /** The model in use, trained on first need. */
  current(): Promise<RunningModel> {
    this.running ??= this.trainOn([], 0).then((trained) => trained.running);
    return this.running;
  }

  /**
   * Trains a candidate on the corpus plus `extra` and puts it in place only if it passes the held-out gate; says
   * what happened either way.
   */
  async retrain(
    extra: readonly LabeledMessage[],
    extraThrough: number,
  ): Promise<{ replaced: boolean; candidate: HeldoutFigures; current: HeldoutFigures }> {
    const current = await this.current();
    const { running, trained } = await this.trainOn(extra, extraThrough);
    const replaced = mayReplace(trained.heldout, current.heldout);
    if (replaced) this.running = Promise.resolve(running);
    return { replaced, candidate: trained.heldout, current: (replaced ? running : current).heldout };
  }

  private async trainOn(
    extra: readonly LabeledMessage[],
    extraThrough: number,
  ): Promise<{ running: RunningModel; trained: TrainedModel }> {
    const trained = await this.trainer.train({ train: [...this.corpus, ...extra], heldout: this.heldout });
    this.logger.log(
      `triage model trained on ${trained.trainedOn} messages in ${trained.trainingMs} ms; held-out accuracy ` +
        `${trained.heldout.accuracy.toFixed(3)}, escalation recall ${trained.heldout.escalateRecall.toFixed(3)}`,
    );
    return { running: { model: new LinearModel(trained.data), heldout: trained.heldout, extraThrough }, trained };
  }
}
