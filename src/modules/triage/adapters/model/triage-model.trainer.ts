import { Injectable } from '@nestjs/common';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TrainedModel, TrainingRequest } from '../../domain/model/triage-training';

/**
 * Trains the triage model in a worker thread. From the compiled build the worker is plain JavaScript; from the
 * TypeScript sources (tests, ts-node scripts) it is compiled on the fly by ts-node with swc.
 */
@Injectable()
export class TriageModelTrainer {
  train(request: TrainingRequest): Promise<TrainedModel> {
    const fromSources = extname(__filename) === '.ts';
    const file = join(__dirname, `triage-training.worker${fromSources ? '.ts' : '.js'}`);
    const worker = fromSources
      ? new Worker(
          `require('ts-node').register({ transpileOnly: true, swc: true }); require(${JSON.stringify(file)});`,
          { eval: true, workerData: request },
        )
      : new Worker(file, { workerData: request });
    return new Promise<TrainedModel>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (code !== 0) reject(new Error(`the triage training worker stopped with exit code ${code}`));
      });
    });
  }
}
