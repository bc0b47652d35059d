/**
 * Evaluates the rule-based triage classifier on a labelled JSONL corpus.
 *
 *   npm run eval:triage -- [path.jsonl] [--errors]
 *
 * Default corpus: ../shared/corpus/triage-dev.jsonl next to the repo. `--errors` also lists misclassified
 * messages. The last line is always `accuracy=… macro_f1=… escalate_recall=…`.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { classifyMessage } from '../src/modules/triage/domain/rules-intent-classifier';
import { INTENTS } from '../src/modules/triage/domain/triage-result';
import { evaluate, LabeledMessage, parseLabeledJsonl, summaryLine } from '../src/modules/triage/domain/triage-metrics';

const DEFAULT_CORPUS = path.resolve(__dirname, '..', '..', 'shared', 'corpus', 'triage-dev.jsonl');

function fail(message: string): never {
  process.stderr.write(`eval-triage: ${message}\n`);
  process.exit(1);
}

function loadCorpus(file: string): LabeledMessage[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const gold = parseLabeledJsonl(content);
    if (gold.length === 0) fail(`no labelled messages in ${file}`);
    return gold;
  } catch (err) {
    fail(`bad corpus ${file}: ${(err as Error).message}`);
  }
}

const pad = (v: string | number, n: number): string => String(v).padStart(n);
const f3 = (x: number): string => x.toFixed(3);

function main(): void {
  const args = process.argv.slice(2);
  const showErrors = args.includes('--errors');
  const fileArg = args.find((a) => !a.startsWith('--'));
  const file = fileArg ? path.resolve(process.cwd(), fileArg) : DEFAULT_CORPUS;

  const gold = loadCorpus(file);
  const predictions = gold.map((g) => classifyMessage(g.text));
  const s = evaluate(gold, predictions);
  const out: string[] = [];

  out.push(`corpus: ${file} (${gold.length} messages)`, '');
  out.push(`${'intent'.padEnd(13)}${pad('precision', 10)}${pad('recall', 8)}${pad('f1', 7)}${pad('support', 9)}`);
  for (const m of s.perIntent) {
    out.push(
      `${m.intent.padEnd(13)}${pad(f3(m.precision), 10)}${pad(f3(m.recall), 8)}${pad(f3(m.f1), 7)}${pad(m.support, 9)}`,
    );
  }

  const short = INTENTS.map((i) => i.slice(0, 5));
  out.push('', 'confusion matrix (rows = expected, columns = predicted)');
  out.push(`${''.padEnd(13)}${short.map((c) => pad(c, 6)).join('')}`);
  s.confusion.forEach((row, i) => out.push(`${INTENTS[i].padEnd(13)}${row.map((n) => pad(n, 6)).join('')}`));

  out.push(
    '',
    `urgency accuracy: ${f3(s.urgencyAccuracy)}`,
    'slot exact match (messages where label or prediction has the slot):',
  );
  for (const sl of s.slots) out.push(`  ${sl.kind.padEnd(8)} ${f3(sl.rate)} (${sl.matched}/${sl.total})`);

  if (showErrors) {
    out.push('', 'misclassified (intent, or urgency/escalate as expected/predicted):');
    gold.forEach((g, i) => {
      const p = predictions[i];
      const text = g.text.replace(/\n/g, ' / ');
      if (p.intent !== g.intent) {
        out.push(`  [${i}] expected ${g.intent}, got ${p.intent} (${p.confidence}): ${text}`);
      } else if (p.urgency !== g.urgency || p.escalate !== g.escalate) {
        out.push(
          `  [${i}] ${g.intent}: urgency ${g.urgency}/${p.urgency}, escalate ${g.escalate}/${p.escalate}: ${text}`,
        );
      }
    });
  }

  out.push('', summaryLine(s));
  process.stdout.write(out.join('\n') + '\n');
}

main();
