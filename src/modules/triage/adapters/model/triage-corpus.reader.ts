import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MODEL_VERSION } from '../../domain/model/triage-model';
import { parseLabeledJsonl, type LabeledMessage } from '../../domain/triage-metrics';

/** The parts of the corpus in data/triage: `train` teaches the model, `heldout` only judges it. */
export type CorpusPart = 'train' | 'heldout';

/** data/triage of the installation: next to package.json, whether the code runs from src/ or from dist/. */
export function defaultCorpusDir(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'data', 'triage');
    if (existsSync(join(candidate, 'train'))) return candidate;
  }
  throw new Error('data/triage not found above ' + __dirname);
}

export function readCorpusPart(part: CorpusPart, dir = defaultCorpusDir()): LabeledMessage[] {
  const folder = join(dir, part);
  return readdirSync(folder)
    .filter((file) => file.endsWith('.jsonl'))
    .sort()
    .flatMap((file) => {
      try {
        return parseLabeledJsonl(readFileSync(join(folder, file), 'utf8'));
      } catch (error) {
        throw new Error(`${join(folder, file)}: ${(error as Error).message}`);
      }
    });
}

/** Which corpus (and which version of the model code) a trained model belongs to. */
export function corpusHash(train: readonly LabeledMessage[], heldout: readonly LabeledMessage[]): string {
  return createHash('sha256')
    .update(MODEL_VERSION)
    .update(JSON.stringify(train))
    .update(JSON.stringify(heldout))
    .digest('hex')
    .slice(0, 32);
}

/** Where `npm run build` leaves the model it trained, so a fresh instance need not train at its first start. */
export function bundledModelPath(): string {
  return join(dirname(defaultCorpusDir()), '..', 'dist', 'triage-model.bin');
}
