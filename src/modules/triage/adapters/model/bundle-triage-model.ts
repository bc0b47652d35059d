/**
 * Run by `npm run build`: trains the triage model on data/triage and leaves it at dist/triage-model.bin, so a fresh
 * instance loads it in milliseconds instead of training at its first start (an instance with corrections of its
 * own still trains, in a worker thread).
 */
import { writeFileSync } from 'node:fs';
import { encodeBundle } from '../../domain/model/model-codec';
import { trainAndJudge } from '../../domain/model/triage-training';
import { bundledModelPath, corpusHash, readCorpusPart } from './triage-corpus.reader';

const train = readCorpusPart('train');
const heldout = readCorpusPart('heldout');
const trained = trainAndJudge({ train, heldout });
const file = bundledModelPath();
writeFileSync(
  file,
  encodeBundle({
    corpusHash: corpusHash(train, heldout),
    trainedOn: trained.trainedOn,
    heldout: trained.heldout,
    data: trained.data,
  }),
);
process.stdout.write(
  `triage model: ${trained.trainedOn} messages, held-out accuracy ${trained.heldout.accuracy.toFixed(3)}, ` +
    `escalation recall ${trained.heldout.escalateRecall.toFixed(3)} → ${file}\n`,
);
