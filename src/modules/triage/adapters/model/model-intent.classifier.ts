import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { LinearModel } from '../../domain/model/linear-model';
import { decodeBundle, decodeModel, encodeModel } from '../../domain/model/model-codec';
import { mayReplace, type HeldoutFigures } from '../../domain/model/triage-training';
import type { LabeledMessage } from '../../domain/triage-metrics';
import type { TriageResult } from '../../domain/triage-result';
import { understandMessage } from '../../domain/understand-message';
import { IntentClassifier } from '../../ports/intent-classifier.port';
import { TriageLearningRepository } from '../persistence/triage-learning.repository';
import { bundledModelPath, corpusHash, readCorpusPart } from './triage-corpus.reader';
import { TriageModelTrainer } from './triage-model.trainer';

interface RunningModel {
  id: string;
  model: LinearModel;
  heldout: HeldoutFigures;
  trainedOn: number;
  /** The newest correction or added phrase it learned. */
  examplesThrough: number;
}

export interface RetrainResult {
  replaced: boolean;
  candidate: HeldoutFigures;
  current: HeldoutFigures;
  trainedOn: number;
}

/** How often a process looks for a model another process put in use. */
const RELOAD_CHECK_MS = 5000;

/**
 * The offline triage: a linear model learned from data/triage plus the corrections made through the admin API. The
 * model in use is kept in the database: a process loads it at start-up (training one in a worker thread only when
 * none matches the corpus), and every process switches to a retrained one within seconds. A retrained model is put
 * in use only if it passes the held-out gate (mayReplace).
 */
@Injectable()
export class ModelIntentClassifier extends IntentClassifier implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ModelIntentClassifier.name);
  private readonly corpus = readCorpusPart('train');
  private readonly heldout = readCorpusPart('heldout');
  private readonly corpusHash = corpusHash(this.corpus, this.heldout);
  private running: Promise<RunningModel> | null = null;
  private reloadTimer?: NodeJS.Timeout;

  constructor(
    private readonly trainer: TriageModelTrainer,
    private readonly store: TriageLearningRepository,
  ) {
    super();
  }

  /** Start-up waits for the model, so the first message is not held behind a training. */
  async onApplicationBootstrap(): Promise<void> {
    await this.current();
    this.reloadTimer = setInterval(() => void this.reloadIfNewer(), RELOAD_CHECK_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  async classify(text: string): Promise<TriageResult> {
    const { model } = await this.current();
    return understandMessage(text, model);
  }

  current(): Promise<RunningModel> {
    this.running ??= this.loadOrTrain().catch((error: Error) => {
      this.running = null;
      throw error;
    });
    return this.running;
  }

  /** Trains a candidate on the corpus and every example, and puts it in use if it passes the held-out gate. */
  async retrain(): Promise<RetrainResult> {
    const current = await this.current();
    const { messages, through } = await this.store.trainingExamples();
    let candidate = await this.train(messages, through);
    const replaced = mayReplace(candidate.heldout, current.heldout);
    if (replaced) {
      candidate = await this.keep(candidate);
      this.running = Promise.resolve(candidate);
    }
    this.logger.log(
      `triage model retrained on ${candidate.trainedOn} messages: ${replaced ? 'in use' : 'kept the current one'} ` +
        `(held-out accuracy ${candidate.heldout.accuracy.toFixed(3)} vs ${current.heldout.accuracy.toFixed(3)}, ` +
        `escalation recall ${candidate.heldout.escalateRecall.toFixed(3)})`,
    );
    return {
      replaced,
      candidate: candidate.heldout,
      current: (replaced ? candidate : current).heldout,
      trainedOn: candidate.trainedOn,
    };
  }

  private async loadOrTrain(): Promise<RunningModel> {
    const stored = await this.store.latestModel(this.corpusHash);
    if (stored) {
      return {
        id: stored.id,
        model: new LinearModel(decodeModel(stored.weights)),
        heldout: stored.heldout,
        trainedOn: stored.trainedOn,
        examplesThrough: stored.examplesThrough,
      };
    }
    const { messages, through } = await this.store.trainingExamples();
    const bundled = through === 0 ? this.bundled() : null;
    return this.keep(bundled ?? (await this.train(messages, through)));
  }

  /** The model `npm run build` trained on this very corpus, if the build left one. */
  private bundled(): RunningModel | null {
    const file = bundledModelPath();
    if (!existsSync(file)) return null;
    const bundle = decodeBundle(readFileSync(file));
    if (bundle.corpusHash !== this.corpusHash) return null;
    return {
      id: '',
      model: new LinearModel(bundle.data),
      heldout: bundle.heldout,
      trainedOn: bundle.trainedOn,
      examplesThrough: 0,
    };
  }

  /** Trains in a worker thread and keeps the model in the database, where every process finds it. */
  private async train(extra: readonly LabeledMessage[], through: number): Promise<RunningModel> {
    const trained = await this.trainer.train({ train: [...this.corpus, ...extra], heldout: this.heldout });
    return {
      id: '',
      model: new LinearModel(trained.data),
      heldout: trained.heldout,
      trainedOn: trained.trainedOn,
      examplesThrough: through,
    };
  }

  private async keep(model: RunningModel): Promise<RunningModel> {
    const id = await this.store.saveModel({
      corpusHash: this.corpusHash,
      weights: encodeModel(model.model.data),
      examplesThrough: model.examplesThrough,
      trainedOn: model.trainedOn,
      heldout: model.heldout,
    });
    return { ...model, id };
  }

  private async reloadIfNewer(): Promise<void> {
    try {
      const current = await this.current();
      const newest = await this.store.latestModelId(this.corpusHash);
      if (newest === null || BigInt(newest) <= BigInt(current.id)) return;
      const stored = await this.store.latestModel(this.corpusHash);
      if (!stored) return;
      this.running = Promise.resolve({
        id: stored.id,
        model: new LinearModel(decodeModel(stored.weights)),
        heldout: stored.heldout,
        trainedOn: stored.trainedOn,
        examplesThrough: stored.examplesThrough,
      });
      this.logger.log(`switched to triage model ${stored.id}, trained on ${stored.trainedOn} messages`);
    } catch (error) {
      this.logger.debug(`could not check for a newer triage model: ${(error as Error).message}`);
    }
  }
}
