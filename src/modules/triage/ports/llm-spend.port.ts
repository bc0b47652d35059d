import type { LlmProvider } from '../../../config/llm-endpoints';

/** The tokens one LLM call used. */
export interface LlmCallUsage {
  provider: LlmProvider;
  model: string;
  inputTokens: number;
  outputTokens: number;
}

/** Counts what LLM calls cost. Never delays the caller: the count is stored in the background. */
export abstract class LlmSpendMeter {
  abstract meter(usage: LlmCallUsage): void;
}

/** Whether today's LLM spend is still within the daily budget. */
export abstract class LlmBudgetGate {
  abstract allowsLlm(): Promise<boolean>;
}
