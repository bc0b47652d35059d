/**
 * A sparse linear model with several output heads over one feature vocabulary: a softmax head picks one class of
 * many, a sigmoid head scores each of its classes on its own (one-vs-rest, for labels that can co-occur). Trained by
 * stochastic gradient descent with L2 regularisation on L2-normalised binary features; deterministic for the same
 * examples and seed, so every process that trains on the same data gets the same model.
 */

export type HeadKind = 'softmax' | 'sigmoid';

export interface HeadSpec {
  name: string;
  kind: HeadKind;
  classes: readonly string[];
}

/** One training example: its features and, per head, the classes it belongs to (a softmax head takes one). */
export interface TrainingExample {
  features: readonly string[];
  labels: Readonly<Record<string, readonly string[]>>;
}

export interface TrainingOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  /** Features seen in fewer examples are dropped. */
  minCount: number;
  seed: number;
}

export const DEFAULT_TRAINING: TrainingOptions = { epochs: 20, learningRate: 1.2, l2: 1e-6, minCount: 2, seed: 7 };

/** The trained weights, in a shape that crosses a worker-thread boundary (structured clone). */
export interface LinearModelData {
  vocabulary: string[];
  heads: Array<HeadSpec & { weights: Float32Array; bias: Float32Array }>;
}

export class LinearModel {
  private readonly index: Map<string, number>;

  constructor(readonly data: LinearModelData) {
    this.index = new Map(data.vocabulary.map((feature, i) => [feature, i]));
  }

  /** Per head, the probability of each class. */
  predict(features: readonly string[]): Record<string, Record<string, number>> {
    const known = this.indices(features);
    const value = known.length > 0 ? 1 / Math.sqrt(known.length) : 0;
    const out: Record<string, Record<string, number>> = {};
    for (const head of this.data.heads) {
      const scores = scoreHead(head.weights, head.bias, this.data.vocabulary.length, known, value);
      const probabilities = head.kind === 'softmax' ? softmax(scores) : scores.map(sigmoid);
      out[head.name] = Object.fromEntries(head.classes.map((c, k) => [c, probabilities[k]]));
    }
    return out;
  }

  private indices(features: readonly string[]): number[] {
    const known: number[] = [];
    for (const feature of features) {
      const i = this.index.get(feature);
      if (i !== undefined) known.push(i);
    }
    return known;
  }

  static train(
    heads: readonly HeadSpec[],
    examples: readonly TrainingExample[],
    options: TrainingOptions = DEFAULT_TRAINING,
  ): LinearModel {
    const vocabulary = buildVocabulary(examples, options.minCount);
    const index = new Map(vocabulary.map((f, i) => [f, i]));
    const dim = vocabulary.length;
    const rows = examples.map((e) => e.features.flatMap((f) => (index.has(f) ? [index.get(f)!] : [])));
    const state = heads.map((head) => ({
      head,
      weights: new Float64Array(head.classes.length * dim),
      bias: new Float64Array(head.classes.length),
      classWeight: classWeights(head, examples),
    }));
    const random = mulberry32(options.seed);
    const order = examples.map((_, i) => i);
    for (let epoch = 0; epoch < options.epochs; epoch += 1) {
      shuffle(order, random);
      const rate = options.learningRate / (1 + epoch * 0.3);
      for (const i of order) {
        const known = rows[i];
        if (known.length === 0) continue;
        const value = 1 / Math.sqrt(known.length);
        for (const s of state) {
          const labels = examples[i].labels[s.head.name];
          if (!labels) continue;
          const scores = scoreHead(s.weights, s.bias, dim, known, value);
          const probabilities = s.head.kind === 'softmax' ? softmax(scores) : scores.map(sigmoid);
          s.head.classes.forEach((c, k) => {
            const target = labels.includes(c) ? 1 : 0;
            const weight = s.head.kind === 'softmax' ? s.classWeight[labels[0]] : target ? s.classWeight[c] : 1;
            const gradient = (probabilities[k] - target) * (weight ?? 1);
            if (gradient === 0) return;
            const offset = k * dim;
            for (const j of known) {
              const w = s.weights[offset + j];
              s.weights[offset + j] = w - rate * (gradient * value + options.l2 * w);
            }
            s.bias[k] -= rate * gradient * 0.1;
          });
        }
      }
    }
    return new LinearModel({
      vocabulary,
      heads: state.map((s) => ({
        ...s.head,
        classes: [...s.head.classes],
        weights: Float32Array.from(s.weights),
        bias: Float32Array.from(s.bias),
      })),
    });
  }
}

function scoreHead(
  weights: ArrayLike<number>,
  bias: ArrayLike<number>,
  dim: number,
  known: readonly number[],
  value: number,
): number[] {
  const scores: number[] = [];
  for (let k = 0; k < bias.length; k += 1) {
    let sum = 0;
    const offset = k * dim;
    for (const j of known) sum += weights[offset + j];
    scores.push(bias[k] + sum * value);
  }
  return scores;
}

function buildVocabulary(examples: readonly TrainingExample[], minCount: number): string[] {
  const counts = new Map<string, number>();
  for (const e of examples) for (const f of e.features) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts].filter(([, n]) => n >= minCount).map(([f]) => f);
}

/** Rare classes weigh more (square root of the inverse frequency), so macro F1 does not ignore them. */
function classWeights(head: HeadSpec, examples: readonly TrainingExample[]): Record<string, number> {
  const counts = Object.fromEntries(head.classes.map((c) => [c, 0]));
  let total = 0;
  for (const e of examples) {
    const labels = e.labels[head.name];
    if (!labels) continue;
    total += 1;
    for (const c of labels) if (c in counts) counts[c] += 1;
  }
  const mean = total / head.classes.length;
  return Object.fromEntries(head.classes.map((c) => [c, Math.min(3, Math.sqrt(mean / Math.max(1, counts[c])))]));
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
