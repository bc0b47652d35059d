/**
 * `npm run bench:triage`: what the offline triage costs a process.
 *
 * In one run, on the held-out part and shared/corpus's dev set (about 930 messages, each classified
 * BENCH_ROUNDS (20) times after a warm-up):
 * - classification time per message, mean / p50 / p99, of the learned model (with its escalation cues and the
 *   rules' slots) side by side with the keyword rules alone, the floor it builds on;
 * - start-up: training on data/triage/train (what a process does once per corpus, in a worker thread) and loading
 *   the stored model from its bytes (what every later start-up does);
 * - resident memory of a fresh process before and after the stored model is loaded (after a GC).
 */
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCorpusPart } from '../src/modules/triage/adapters/model/triage-corpus.reader';
import { TriageModelTrainer } from '../src/modules/triage/adapters/model/triage-model.trainer';
import { LinearModel } from '../src/modules/triage/domain/model/linear-model';
import { decodeModel, encodeModel } from '../src/modules/triage/domain/model/model-codec';
import { classifyMessage } from '../src/modules/triage/domain/rules-intent-classifier';
import { parseLabeledJsonl } from '../src/modules/triage/domain/triage-metrics';
import { understandMessage } from '../src/modules/triage/domain/understand-message';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const DEV = path.resolve(__dirname, '..', 'test', 'fixtures', 'triage-dev.jsonl');

const rssMb = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1e6;
};

function timeEach(texts: readonly string[], classify: (text: string) => unknown): number[] {
  for (const text of texts) classify(text);
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const text of texts) {
      const started = performance.now();
      classify(text);
      times.push(performance.now() - started);
    }
  }
  return times.sort((a, b) => a - b);
}

function summary(name: string, sorted: readonly number[]): string {
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `${name.padEnd(34)} mean ${mean.toFixed(3)} ms   p50 ${at(0.5).toFixed(3)} ms   p99 ${at(0.99).toFixed(3)} ms`;
}

/** In a fresh process: resident memory with the triage code loaded, then with the stored model decoded and in use. */
function measureMemory(file: string): void {
  const sample = ['хочу на маникюр завтра в 5', 'сколько стоит?', 'у меня экзема, можно на маникюр?'];
  for (const text of sample) classifyMessage(text);
  const before = rssMb();
  const model = new LinearModel(decodeModel(readFileSync(file)));
  for (const text of sample) understandMessage(text, model);
  const after = rssMb();
  process.stdout.write(JSON.stringify({ before, after }));
}

async function main(): Promise<void> {
  const texts = [
    ...readCorpusPart('heldout').map((m) => m.text),
    ...parseLabeledJsonl(readFileSync(DEV, 'utf8')).map((m) => m.text),
  ];
  const train = readCorpusPart('train');
  const trainingStarted = performance.now();
  const trained = await new TriageModelTrainer().train({ train, heldout: [] });
  const trainingMs = performance.now() - trainingStarted;

  const bytes = encodeModel(trained.data);
  const loadStarted = performance.now();
  const model = new LinearModel(decodeModel(bytes));
  const loadMs = performance.now() - loadStarted;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'triage-bench-')), 'model.bin');
  writeFileSync(file, bytes);
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '-r', 'ts-node/register/transpile-only', __filename, '--measure-memory', file],
    { encoding: 'utf8' },
  );
  const memory = JSON.parse(child.stdout) as { before: number; after: number };

  const byModel = timeEach(texts, (text) => understandMessage(text, model));
  const byRules = timeEach(texts, (text) => classifyMessage(text));

  console.log(`messages: ${texts.length} (held-out + dev), ${ROUNDS} rounds each`);
  console.log(summary('learned model (+ cues, slots)', byModel));
  console.log(summary('keyword rules alone (the floor)', byRules));
  console.log(`training on ${train.length} messages in a worker thread: ${trainingMs.toFixed(0)} ms`);
  console.log(`loading the stored model (${(bytes.length / 1e6).toFixed(1)} MB): ${loadMs.toFixed(0)} ms`);
  console.log(
    `resident memory of a fresh process: ${memory.before.toFixed(0)} MB with the triage code, ` +
      `${memory.after.toFixed(0)} MB with the model loaded (+${(memory.after - memory.before).toFixed(0)} MB)`,
  );
  console.log(
    `vocabulary ${model.data.vocabulary.length} features; model alone mean/rules mean: ` +
      `${(mean(byModel) / mean(byRules)).toFixed(2)}`,
  );
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

const measureAt = process.argv.indexOf('--measure-memory');
if (measureAt >= 0) measureMemory(process.argv[measureAt + 1]);
else void main();
