/**
 * Evaluates the offline triage on a labelled corpus it was not trained on.
 *
 *   npm run eval:triage -- [--part heldout|dev|train|FILE.jsonl] [--classifier model|nlpjs|rules] [--errors]
 *
 * The candidate is trained on data/triage/train, then judged on the part asked for: by default the held-out part
 * (data/triage/heldout, written blind and never tuned on); `dev` is shared/corpus/triage-dev.jsonl, a second test
 * set that stays out of training; `train` shows how much of the training part the model learned (not a test).
 * The last line is always `accuracy=… macro_f1=… escalate_recall=… false_escalations=… multi_intent_recall=…
 * clarifications=…`.
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { readCorpusPart } from '../src/modules/triage/adapters/model/triage-corpus.reader';
import { classifyMessage } from '../src/modules/triage/domain/rules-intent-classifier';
import { INTENTS, type TriageResult } from '../src/modules/triage/domain/triage-result';
import {
  evaluate,
  parseLabeledJsonl,
  summaryLine,
  type LabeledMessage,
} from '../src/modules/triage/domain/triage-metrics';
import { trainCandidate, type CandidateName } from './triage-candidates';

const DEV_CORPUS = path.resolve(__dirname, '..', '..', 'shared', 'corpus', 'triage-dev.jsonl');

function fail(message: string): never {
  process.stderr.write(`eval-triage: ${message}\n`);
  process.exit(1);
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function loadPart(part: string): { name: string; messages: LabeledMessage[] } {
  if (part === 'heldout' || part === 'train') return { name: `data/triage/${part}`, messages: readCorpusPart(part) };
  const file = part === 'dev' ? DEV_CORPUS : path.resolve(process.cwd(), part);
  if (!existsSync(file)) fail(`cannot read ${file}`);
  try {
    return { name: file, messages: parseLabeledJsonl(readFileSync(file, 'utf8')) };
  } catch (err) {
    fail(`bad corpus ${file}: ${(err as Error).message}`);
  }
}

const pad = (v: string | number, n: number): string => String(v).padStart(n);
const f3 = (x: number): string => x.toFixed(3);

async function main(): Promise<void> {
  const showErrors = process.argv.includes('--errors');
  const candidate = option('classifier', 'model') as CandidateName | 'rules';
  const part = loadPart(option('part', 'heldout'));
  if (part.messages.length === 0) fail(`no labelled messages in ${part.name}`);

  const started = Date.now();
  const classify: (text: string) => Promise<TriageResult> | TriageResult =
    candidate === 'rules' ? classifyMessage : await trainCandidate(candidate, readCorpusPart('train'));
  const trainedMs = Date.now() - started;
  const predictions: TriageResult[] = [];
  for (const m of part.messages) predictions.push(await classify(m.text));
  const s = evaluate(part.messages, predictions);

  const out: string[] = [];
  out.push(
    `classifier: ${candidate} (trained on data/triage/train in ${trainedMs} ms)`,
    `corpus: ${part.name} (${part.messages.length} messages)`,
    '',
  );
  out.push(`${'intent'.padEnd(13)}${pad('precision', 10)}${pad('recall', 8)}${pad('f1', 7)}${pad('support', 9)}`);
  for (const m of s.perIntent) {
    out.push(
      `${m.intent.padEnd(13)}${pad(f3(m.precision), 10)}${pad(f3(m.recall), 8)}${pad(f3(m.f1), 7)}${pad(m.support, 9)}`,
    );
  }
  const short = INTENTS.map((i) => i.slice(0, 5));
  out.push('', 'confusion matrix (rows = expected, columns = predicted, a clarifying question is not counted)');
  out.push(`${''.padEnd(13)}${short.map((c) => pad(c, 6)).join('')}`);
  s.confusion.forEach((row, i) => out.push(`${INTENTS[i].padEnd(13)}${row.map((n) => pad(n, 6)).join('')}`));
  out.push(
    '',
    `escalation recall: ${f3(s.escalateRecall)}; false escalations: ${f3(s.falseEscalations)} of the other messages`,
    `red flags recognised: ${f3(s.redFlagRecall)}`,
    `multi-intent set recall: ${f3(s.multiIntentRecall)}; clarifying questions: ${f3(s.clarificationRate)}`,
    `urgency accuracy: ${f3(s.urgencyAccuracy)}`,
    'slot exact match (messages where label or prediction has the slot):',
  );
  for (const sl of s.slots) out.push(`  ${sl.kind.padEnd(8)} ${f3(sl.rate)} (${sl.matched}/${sl.total})`);

  if (showErrors) {
    out.push('', 'misclassified (intent, or escalation as expected/predicted):');
    part.messages.forEach((g, i) => {
      const p = predictions[i];
      const text = g.text.replace(/\n/g, ' / ');
      if (p.clarify) out.push(`  [${i}] expected ${g.intent}, asked which of ${p.clarify.join('/')}: ${text}`);
      else if (p.intent !== g.intent)
        out.push(`  [${i}] expected ${g.intent}, got ${p.intent} (${p.confidence}): ${text}`);
      else if (p.escalate !== g.escalate)
        out.push(`  [${i}] ${g.intent}: escalate ${g.escalate}/${p.escalate}: ${text}`);
    });
  }

  out.push('', summaryLine(s));
  process.stdout.write(out.join('\n') + '\n');
}

void main();
