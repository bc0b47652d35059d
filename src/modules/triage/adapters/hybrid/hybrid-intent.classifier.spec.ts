import { Logger } from '@nestjs/common';
import type { TriageResult } from '../../domain/triage-result';
import { IntentClassifier } from '../../ports/intent-classifier.port';
import { LlmTriageError } from '../llm/llm-triage.errors';
import { HybridIntentClassifier, type AbortableClassifier } from './hybrid-intent.classifier';

const LLM_SAYS: TriageResult = {
  intent: 'price',
  intents: ['price'],
  confidence: 0.9,
  urgency: 'cold',
  escalate: false,
  slots: {},
};
const RULES_SAY: TriageResult = {
  intent: 'booking',
  intents: ['booking'],
  confidence: 0.6,
  urgency: 'hot',
  escalate: false,
  slots: {},
};
const TEXT = 'сколько стоит маникюр? мой номер 8 913 123 45 67';

class ScriptedLlm implements AbortableClassifier {
  calls = 0;
  lastSignal?: AbortSignal;
  behaviour: 'answer' | 'fail' | 'rate-limited' | 'hang' = 'answer';

  classify(_text: string, _context: unknown, signal: AbortSignal): Promise<TriageResult> {
    this.calls += 1;
    this.lastSignal = signal;
    if (this.behaviour === 'answer') return Promise.resolve({ ...LLM_SAYS, source: 'llm' });
    if (this.behaviour === 'fail') return Promise.reject(Object.assign(new Error(`boom: ${_text}`), { status: 500 }));
    if (this.behaviour === 'rate-limited') {
      return Promise.reject(new LlmTriageError('rate-limited', 429, undefined, 20_000));
    }
    return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
  }
}

class FixedRules extends IntentClassifier {
  classify(): Promise<TriageResult> {
    return Promise.resolve(RULES_SAY);
  }
}

describe('HybridIntentClassifier', () => {
  let now: number;
  let llm: ScriptedLlm;
  let hybrid: HybridIntentClassifier;
  let warnings: string[];
  let infos: string[];

  beforeEach(() => {
    now = 0;
    llm = new ScriptedLlm();
    hybrid = new HybridIntentClassifier(llm, new FixedRules(), {
      budgetMs: 2000,
      failureThreshold: 5,
      openMs: 30_000,
      now: () => now,
    });
    warnings = [];
    infos = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void infos.push(String(message)));
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('answers with the LLM when it answers in time', async () => {
    await expect(hybrid.classify(TEXT)).resolves.toEqual({ ...LLM_SAYS, source: 'llm' });
  });

  it('answers with the rules when the LLM fails, and logs no client text', async () => {
    llm.behaviour = 'fail';
    await expect(hybrid.classify(TEXT)).resolves.toEqual({ ...RULES_SAY, source: 'rules' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/LLM triage failed/);
    expect(warnings.join()).not.toMatch(/маникюр|913/);
  });

  it('answers with the rules when the budget runs out, and aborts the LLM call', async () => {
    jest.useFakeTimers();
    llm.behaviour = 'hang';
    const answer = hybrid.classify(TEXT);
    await jest.advanceTimersByTimeAsync(1999);
    expect(llm.lastSignal!.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(answer).resolves.toEqual({ ...RULES_SAY, source: 'rules' });
    expect(llm.lastSignal!.aborted).toBe(true);
  });

  it('stops calling the LLM after 5 failures in a row, and probes once after the cool-down', async () => {
    llm.behaviour = 'fail';
    for (let i = 0; i < 5; i++) await hybrid.classify(TEXT);
    expect(hybrid.breakerState).toBe('open');
    expect(warnings.some((w) => /circuit open after 5 consecutive failures/.test(w))).toBe(true);

    for (let i = 0; i < 10; i++) expect((await hybrid.classify(TEXT)).source).toBe('rules');
    expect(llm.calls).toBe(5);

    now += 30_000;
    llm.behaviour = 'answer';
    await expect(hybrid.classify(TEXT)).resolves.toMatchObject({ intent: 'price', source: 'llm' });
    expect(llm.calls).toBe(6);
    expect(hybrid.breakerState).toBe('closed');
    expect(infos.some((m) => /circuit closed/.test(m))).toBe(true);
  });

  it('a failed probe keeps the rules answering for another cool-down', async () => {
    llm.behaviour = 'fail';
    for (let i = 0; i < 5; i++) await hybrid.classify(TEXT);
    now += 30_000;
    await hybrid.classify(TEXT);
    expect(llm.calls).toBe(6);
    expect(hybrid.breakerState).toBe('open');
    await hybrid.classify(TEXT);
    expect(llm.calls).toBe(6);
  });

  it('leaves a rate-limited provider alone for its Retry-After, then asks it again', async () => {
    llm.behaviour = 'rate-limited';
    await expect(hybrid.classify(TEXT)).resolves.toMatchObject({ intent: 'booking' });
    llm.behaviour = 'answer';
    now += 19_000;
    await expect(hybrid.classify(TEXT)).resolves.toMatchObject({ intent: 'booking' });
    expect(llm.calls).toBe(1);
    now += 1_000;
    await expect(hybrid.classify(TEXT)).resolves.toMatchObject({ intent: 'price', source: 'llm' });
    expect(llm.calls).toBe(2);
  });
});
