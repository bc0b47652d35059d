import { Logger } from '@nestjs/common';
import { circuitOpen } from '../../../../observability/metrics';
import type { TriageResult } from '../../domain/triage-result';
import { IntentClassifier, type ClassificationContext } from '../../ports/intent-classifier.port';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';

/** A classifier that gives up when the signal aborts (the LLM adapter). */
export interface AbortableClassifier {
  classify(text: string, context: ClassificationContext | undefined, signal: AbortSignal): Promise<TriageResult>;
}

export interface HybridSettings {
  /** The longest the LLM may take; past it the offline model answers and the LLM call is aborted. */
  budgetMs: number;
  /** Consecutive LLM failures after which the offline model answers alone for `openMs`. */
  failureThreshold: number;
  openMs: number;
  now?: () => number;
}

class BudgetExceededError extends Error {
  constructor(budgetMs: number) {
    super(`no answer within ${budgetMs} ms`);
    this.name = 'BudgetExceededError';
  }
}

/**
 * The LLM when it answers in time, the offline model otherwise: on a timeout, an error, an invalid answer, while
 * the circuit is open after repeated failures, or while a rate-limited provider asked to be left alone (Retry-After).
 * The client never waits much longer than the budget. `source` on the result says which one answered.
 */
export class HybridIntentClassifier extends IntentClassifier {
  override readonly readsContext = true;
  private readonly logger = new Logger(HybridIntentClassifier.name);
  private readonly breaker: CircuitBreaker;
  private pausedUntil = 0;

  constructor(
    private readonly llm: AbortableClassifier,
    private readonly fallback: IntentClassifier,
    private readonly settings: HybridSettings,
  ) {
    super();
    this.breaker = new CircuitBreaker({
      failureThreshold: settings.failureThreshold,
      openMs: settings.openMs,
      now: settings.now,
      onStateChange: (state, failures) => this.logStateChange(state, failures),
    });
    circuitOpen.set({ circuit: 'llm' }, 0);
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  async classify(text: string, context?: ClassificationContext): Promise<TriageResult> {
    if (this.now() < this.pausedUntil) return this.offline(text, context);
    const permit = this.breaker.tryAcquire();
    if (!permit) return this.offline(text, context);
    try {
      const result = await this.withinBudget((signal) => this.llm.classify(text, context, signal));
      permit.success();
      return { ...result, source: 'llm' };
    } catch (error) {
      permit.failure();
      this.pauseIfAsked(error);
      this.logger.warn(`LLM triage failed, the offline model answers: ${describe(error)}`);
      return this.offline(text, context);
    }
  }

  /** A 429 with Retry-After: the provider is not asked again before then (at most as long as an open circuit). */
  private pauseIfAsked(error: unknown): void {
    const retryAfterMs = (error as { retryAfterMs?: unknown })?.retryAfterMs;
    if (typeof retryAfterMs === 'number' && retryAfterMs > 0) {
      this.pausedUntil = this.now() + Math.min(retryAfterMs, this.settings.openMs);
    }
  }

  private now(): number {
    return (this.settings.now ?? Date.now)();
  }

  private async offline(text: string, context?: ClassificationContext): Promise<TriageResult> {
    const result = await this.fallback.classify(text, context);
    return { ...result, source: result.source ?? 'rules' };
  }

  private async withinBudget<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new BudgetExceededError(this.settings.budgetMs);
        controller.abort(error);
        reject(error);
      }, this.settings.budgetMs);
    });
    try {
      return await Promise.race([call(controller.signal), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  private logStateChange(state: BreakerState, failures: number): void {
    circuitOpen.set({ circuit: 'llm' }, state === 'closed' ? 0 : 1); // the ops monitor alerts on it
    if (state === 'open') {
      this.logger.warn(
        `LLM circuit open after ${failures} consecutive failures: the offline model answers alone for ${this.settings.openMs} ms`,
      );
    } else if (state === 'closed') {
      this.logger.log('LLM circuit closed: the LLM answered again');
    } else {
      this.logger.log('LLM circuit half-open: one probe goes to the LLM');
    }
  }
}

/** The error's name and reason only: an LLM error message can quote the prompt, and so the client's words. */
function describe(error: unknown): string {
  if (error instanceof BudgetExceededError) return error.message;
  const e = (error ?? {}) as { name?: unknown; reason?: unknown; status?: unknown };
  return [e.name, e.reason, e.status].filter((part) => part !== undefined).join(' ') || 'unknown error';
}
