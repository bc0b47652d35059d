/** The worker thread that trains the triage model, so a training never blocks the process's event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { trainAndJudge, type TrainingRequest } from '../../domain/model/triage-training';

const trained = trainAndJudge(workerData as TrainingRequest);
const buffers = trained.data.heads.flatMap((head) => [head.weights.buffer, head.bias.buffer]);
parentPort!.postMessage(trained, buffers as ArrayBuffer[]);
